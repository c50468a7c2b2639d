/**
 * The world state the auditor rebuilds, in its own LevelDB: values with
 * versions and key-level policies, the hashes of private writes, every
 * transaction id seen, the position reached (the checkpoint) and the
 * findings so far. Changes of the block being replayed stay in memory and
 * are written with the new position in one batch, so an interrupted replay
 * resumes at a block boundary.
 */
import { Level } from 'level';
import { canonicalJson } from 'customs-ledger-chaincode/domain';
import { z } from 'zod';
import type { Finding } from './finding';

export interface Version {
  block: number;
  tx: number;
}

export interface StateValue {
  value: Uint8Array;
  version: Version;
  validationParameter: Uint8Array | null;
}

export interface PrivateHash {
  valueHash: Uint8Array;
  version: Version;
}

export interface ReplayPosition {
  /** the next block to replay */
  next: number;
  /** hex header hash of block next-1 ("" before block 0) */
  previousHash: string;
  /** hex header hash of block 0 */
  genesisHash: string;
  channelId: string;
}

const positionSchema = z.strictObject({
  next: z.number().int().min(0),
  previousHash: z.string().regex(/^([0-9a-f]{64})?$/),
  genesisHash: z.string().regex(/^([0-9a-f]{64})?$/),
  channelId: z.string(),
});

const findingSchema = z.strictObject({
  block: z.number().int().nullable(),
  tx: z.number().int().nullable(),
  txId: z.string().nullable(),
  rule: z.string(),
  message: z.string(),
});

function encodeState(v: StateValue): Buffer {
  const vp = v.validationParameter ?? new Uint8Array();
  const head = Buffer.alloc(12);
  head.writeUInt32BE(v.version.block, 0);
  head.writeUInt32BE(v.version.tx, 4);
  head.writeUInt32BE(vp.length, 8);
  return Buffer.concat([head, vp, v.value]);
}

function decodeState(b: Uint8Array): StateValue {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const vpLength = buf.readUInt32BE(8);
  return {
    version: { block: buf.readUInt32BE(0), tx: buf.readUInt32BE(4) },
    validationParameter: vpLength > 0 ? buf.subarray(12, 12 + vpLength) : null,
    value: buf.subarray(12 + vpLength),
  };
}

function encodeHash(h: PrivateHash): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(h.version.block, 0);
  head.writeUInt32BE(h.version.tx, 4);
  return Buffer.concat([head, h.valueHash]);
}

function decodeHash(b: Uint8Array): PrivateHash {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return { version: { block: buf.readUInt32BE(0), tx: buf.readUInt32BE(4) }, valueHash: buf.subarray(8) };
}

/** Key order of LevelDB and of Fabric's state database: UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export const privateHashId = (collection: string, keyHashHex: string): string => `${collection}\u0000${keyHashHex}`;

function makeSub(db: Level<string, Uint8Array>, name: string) {
  return db.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' });
}
type Sub = ReturnType<typeof makeSub>;

export class ReplayState {
  private readonly state: Sub;
  private readonly hashes: Sub;
  private readonly txIds: Sub;
  private readonly meta: Sub;
  private readonly findingLog: Sub;
  private pending = new Map<string, StateValue | null>();
  private pendingHashes = new Map<string, PrivateHash | null>();
  private pendingTxIds = new Map<string, Version>();
  /** Keys whose validation parameter a valid transaction of the block being replayed set. */
  private parameterUpdated = new Set<string>();
  /** Committed entries read or written so far (null: known absent); kept bounded. */
  private readonly committed = new Map<string, StateValue | null>();
  private readonly knownTxIds = new Map<string, Version | null>();
  private findingCount = 0;

  private constructor(private readonly db: Level<string, Uint8Array>) {
    const sub = (name: string): Sub => makeSub(db, name);
    this.state = sub('state');
    this.hashes = sub('pvthash');
    this.txIds = sub('txid');
    this.meta = sub('meta');
    this.findingLog = sub('findings');
  }

  /** Opens (or creates) the state in `path`. */
  static async open(path: string): Promise<ReplayState> {
    const db = new Level<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await db.open();
    const state = new ReplayState(db);
    const count = await state.meta.get('findings');
    state.findingCount = count ? Buffer.from(count).readUInt32BE(0) : 0;
    return state;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async position(): Promise<ReplayPosition | undefined> {
    const v = await this.meta.get('position');
    return v ? positionSchema.parse(JSON.parse(Buffer.from(v).toString('utf8'))) : undefined;
  }

  /** Every finding recorded in this state, in order, including those of earlier runs. */
  async findings(): Promise<Finding[]> {
    const out: Finding[] = [];
    for await (const value of this.findingLog.values()) {
      out.push(findingSchema.parse(JSON.parse(Buffer.from(value).toString('utf8'))) as Finding);
    }
    return out;
  }

  // ---- reads (the block being replayed included) ----------------------------------

  async get(key: string): Promise<StateValue | undefined> {
    const p = this.pending.get(key);
    if (p !== undefined) {
      return p ?? undefined;
    }
    const cached = this.committed.get(key);
    if (cached !== undefined) {
      return cached ?? undefined;
    }
    const v = await this.state.get(key);
    const entry = v ? decodeState(v) : null;
    this.remember(this.committed, key, entry);
    return entry ?? undefined;
  }

  /** Reads, in one call each, the committed entries and transaction ids a block is about to need. */
  async prefetch(keys: Iterable<string>, txIds: Iterable<string>): Promise<void> {
    const missingKeys = [...new Set(keys)].filter((k) => !this.committed.has(k) && !this.pending.has(k));
    const missingTx = [...new Set(txIds)].filter((t) => t !== '' && !this.knownTxIds.has(t));
    const [values, locations] = await Promise.all([
      missingKeys.length > 0 ? this.state.getMany(missingKeys) : Promise.resolve([]),
      missingTx.length > 0 ? this.txIds.getMany(missingTx) : Promise.resolve([]),
    ]);
    missingKeys.forEach((k, i) => {
      const v = values[i];
      this.remember(this.committed, k, v ? decodeState(v) : null);
    });
    missingTx.forEach((t, i) => {
      const v = locations[i];
      this.remember(this.knownTxIds, t, v ? { block: Buffer.from(v).readUInt32BE(0), tx: Buffer.from(v).readUInt32BE(4) } : null);
    });
  }

  private remember<T>(cache: Map<string, T>, key: string, value: T): void {
    if (cache.size >= 200_000) {
      cache.clear();
    }
    cache.set(key, value);
  }

  /** Keys in [start, end) ("" end: to the last key), in key order. */
  async range(start: string, end: string): Promise<{ key: string; entry: StateValue }[]> {
    const merged = new Map<string, StateValue>();
    const options = end === '' ? { gte: start } : { gte: start, lt: end };
    for await (const [key, value] of this.state.iterator(options)) {
      merged.set(key, decodeState(value));
    }
    for (const [key, p] of this.pending) {
      if (compareKeys(key, start) >= 0 && (end === '' || compareKeys(key, end) < 0)) {
        if (p) {
          merged.set(key, p);
        } else {
          merged.delete(key);
        }
      }
    }
    return [...merged.entries()].sort(([a], [b]) => compareKeys(a, b)).map(([key, entry]) => ({ key, entry }));
  }

  async getPrivateHash(collection: string, keyHashHex: string): Promise<PrivateHash | undefined> {
    const id = privateHashId(collection, keyHashHex);
    const p = this.pendingHashes.get(id);
    if (p !== undefined) {
      return p ?? undefined;
    }
    const v = await this.hashes.get(id);
    return v ? decodeHash(v) : undefined;
  }

  async transactionLocation(txId: string): Promise<Version | undefined> {
    const p = this.pendingTxIds.get(txId);
    if (p) {
      return p;
    }
    const known = this.knownTxIds.get(txId);
    if (known !== undefined) {
      return known ?? undefined;
    }
    const v = await this.txIds.get(txId);
    if (!v) {
      return undefined;
    }
    const buf = Buffer.from(v);
    return { block: buf.readUInt32BE(0), tx: buf.readUInt32BE(4) };
  }

  // ---- writes into the block being replayed ------------------------------------------

  markValidationParameterUpdated(key: string): void {
    this.parameterUpdated.add(key);
  }

  /** Whether an earlier valid transaction of this block set the key's validation parameter. */
  validationParameterUpdatedInBlock(key: string): boolean {
    return this.parameterUpdated.has(key);
  }

  put(key: string, value: StateValue | null): void {
    this.pending.set(key, value);
  }

  putPrivateHash(collection: string, keyHashHex: string, hash: PrivateHash | null): void {
    this.pendingHashes.set(privateHashId(collection, keyHashHex), hash);
  }

  recordTransaction(txId: string, at: Version): void {
    this.pendingTxIds.set(txId, at);
  }

  /** Writes the block's changes, its findings and the new position atomically. */
  async commitBlock(position: ReplayPosition, findings: readonly Finding[]): Promise<void> {
    const ops: { type: 'put' | 'del'; sublevel: Sub; key: string; value?: Uint8Array }[] = [];
    for (const [key, v] of this.pending) {
      ops.push(v ? { type: 'put', sublevel: this.state, key, value: encodeState(v) } : { type: 'del', sublevel: this.state, key });
    }
    for (const [id, h] of this.pendingHashes) {
      ops.push(h ? { type: 'put', sublevel: this.hashes, key: id, value: encodeHash(h) } : { type: 'del', sublevel: this.hashes, key: id });
    }
    for (const [txId, at] of this.pendingTxIds) {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(at.block, 0);
      b.writeUInt32BE(at.tx, 4);
      ops.push({ type: 'put', sublevel: this.txIds, key: txId, value: b });
    }
    for (const f of findings) {
      ops.push({ type: 'put', sublevel: this.findingLog, key: String(this.findingCount).padStart(10, '0'), value: Buffer.from(canonicalJson(f)) });
      this.findingCount += 1;
    }
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.findingCount, 0);
    ops.push({ type: 'put', sublevel: this.meta, key: 'findings', value: count });
    ops.push({ type: 'put', sublevel: this.meta, key: 'position', value: Buffer.from(canonicalJson(position)) });
    await this.db.batch(ops as never);
    for (const [key, v] of this.pending) {
      this.remember(this.committed, key, v);
    }
    for (const [txId, at] of this.pendingTxIds) {
      this.remember(this.knownTxIds, txId, at);
    }
    this.pending = new Map();
    this.parameterUpdated = new Set();
    this.pendingHashes = new Map();
    this.pendingTxIds = new Map();
  }

  // ---- whole-state iteration (committed blocks only) -----------------------------------

  async *entries(options: { gte?: string; lt?: string } = {}): AsyncGenerator<{ key: string; entry: StateValue }> {
    for await (const [key, value] of this.state.iterator(options)) {
      yield { key, entry: decodeState(value) };
    }
  }

  async *privateHashes(): AsyncGenerator<{ id: string; hash: PrivateHash }> {
    for await (const [id, value] of this.hashes.iterator()) {
      yield { id, hash: decodeHash(value) };
    }
  }
}
