/**
 * The auditor's entry points: replay the ledger (optionally continuing from
 * a checkpoint, optionally comparing with a peer's state), rebuild the state
 * at a block, and report what happened under one agreement.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockSource } from './block-source';
import type { Finding } from './finding';
import { LedgerReplayer, type ReplayProgress, type RunSummary } from './ledger-replay';
import { ReplayState } from './replay-state';
import { compareWithPeer, type PeerStateView } from './state-comparison';

export const DEFAULT_CHAINCODE = 'customs-ledger';

export interface ReplayOptions {
  source: BlockSource;
  /** first block whose findings are reported (earlier blocks are still replayed into the state) */
  from?: number;
  /** last block, inclusive (default: the newest) */
  to?: number;
  /**
   * A LevelDB folder holding the rebuilt state and the position reached:
   * created when missing, continued from when present. Without it, the
   * state lives in a temporary folder removed afterwards.
   */
  checkpoint?: string;
  /** compare the rebuilt state with a peer's when the replay reaches the top */
  compareWith?: PeerStateView;
  chaincode?: string;
  expectedGenesisHash?: string;
  onProgress?: (p: ReplayProgress) => void;
}

export interface ReplayReport extends RunSummary {
  /** findings of this run, then the state comparison's */
  findings: Finding[];
  /** every finding the checkpoint holds, this run's included */
  totalFindings: number;
}

/** An open replayed state, for queries; close() releases (and, when temporary, removes) it. */
export interface OpenReplay {
  replayer: LedgerReplayer;
  state: ReplayState;
  close(): Promise<void>;
}

export async function openReplay(source: BlockSource, checkpoint?: string): Promise<OpenReplay> {
  const dir = checkpoint ?? (await mkdtemp(join(tmpdir(), 'customs-audit-')));
  const state = await ReplayState.open(dir);
  return {
    replayer: new LedgerReplayer(source, state),
    state,
    close: async () => {
      await state.close();
      if (checkpoint === undefined) {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  const open = await openReplay(options.source, options.checkpoint);
  try {
    const summary = await open.replayer.run({
      chaincode: options.chaincode ?? DEFAULT_CHAINCODE,
      ...(options.to !== undefined ? { to: options.to } : {}),
      ...(options.from !== undefined ? { reportFrom: options.from } : {}),
      ...(options.expectedGenesisHash !== undefined ? { expectedGenesisHash: options.expectedGenesisHash } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const findings = [...summary.findings];
    if (options.compareWith && summary.toBlock === summary.height - 1) {
      findings.push(...(await compareWithPeer(open.state, options.compareWith)));
    }
    const total = (await open.state.findings()).length + findings.length - summary.findings.length;
    return { ...summary, findings, totalFindings: total };
  } finally {
    await open.close();
  }
}
