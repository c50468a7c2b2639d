/**
 * The world state as it was after a given block, rebuilt from the blocks
 * alone: every key with its value (JSON documents parsed), version and
 * whether a key-level policy guards it.
 */
import { splitCompositeKey } from '../fabric-format/keys';
import type { BlockSource } from './block-source';
import { openReplay, DEFAULT_CHAINCODE } from './replay';

export interface StateEntryView {
  key: string;
  objectType: string | null;
  attributes: string[];
  version: { block: number; tx: number };
  keyLevelPolicy: boolean;
  /** the parsed JSON document, or the value as hex when it is not JSON */
  value: unknown;
}

export interface StateSnapshot {
  block: number;
  entries: StateEntryView[];
  findings: number;
}

function valueOf(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes).toString('utf8');
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // fall through
    }
  }
  return { hex: Buffer.from(bytes).toString('hex') };
}

/** Replays blocks 0..block (from a fresh temporary state) and lists the state, optionally one object type only. */
export async function stateAt(
  options: { source: BlockSource; chaincode?: string; objectType?: string },
  block: number,
): Promise<StateSnapshot> {
  const height = await options.source.height();
  if (!Number.isSafeInteger(block) || block < 0 || block >= height) {
    throw new RangeError(`block ${block} is not on the ledger (height ${height})`);
  }
  const open = await openReplay(options.source);
  try {
    const run = await open.replayer.run({ chaincode: options.chaincode ?? DEFAULT_CHAINCODE, to: block });
    const entries: StateEntryView[] = [];
    for await (const { key, entry } of open.state.entries()) {
      const { objectType, attributes } = splitCompositeKey(key);
      if (options.objectType !== undefined && objectType !== options.objectType) {
        continue;
      }
      entries.push({ key, objectType, attributes, version: entry.version, keyLevelPolicy: entry.validationParameter !== null, value: valueOf(entry.value) });
    }
    return { block, entries, findings: run.findings.length };
  } finally {
    await open.close();
  }
}
