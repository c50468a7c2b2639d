/**
 * The world state the auditor rebuilds, in its own LevelDB: values with
 * versions and key-level policies, the hashes of private writes, every
 * transaction id seen, the position reached (the checkpoint) and the
 * findings so far. Changes of the block being replayed stay in memory;
 * finished blocks are written with the position reached in one batch every
 * so many blocks, so an interrupted replay resumes at a block boundary. A
 * state rebuilt from block 0 is also held in memory (bounded), and keys it
 * does not hold are known not to exist without a read.
 *
 * Versions are kept per namespace, as Fabric keeps them: the audited
 * chaincode's own namespace is the default (`namespace` undefined) and is
 * what the rules, the state comparison and `stateAt` see; every other
 * namespace a transaction reads or writes (`_lifecycle`, `lscc`) is kept
 * apart under its name, so its MVCC checks compare with its own writes.
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

/**
 * A key's identity across namespaces ("" for the audited chaincode's own); for
 * another namespace it is also its id in the `nsstate` sublevel. Namespace
 * names hold no NUL, so ids of different namespaces never collide.
 */
const nsId = (namespace: string | undefined, key: string): string => `${namespace ?? ''}\u0000${key}`;
const splitNsId = (id: string): { namespace: string; key: string } => {
  const i = id.indexOf('\u0000');
  return { namespace: id.slice(0, i), key: id.slice(i + 1) };
};

function makeSub(db: Level<string, Uint8Array>, name: string) {
  return db.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' });
}
type Sub = ReturnType<typeof makeSub>;

/** Blocks replayed before their changes are written (with the position reached) in one batch. */
const FLUSH_BLOCKS = 128;
/** ... or changed entries, whichever comes first. */
const FLUSH_ENTRIES = 20_000;

export class ReplayState {
  private readonly state: Sub;
  /** keys of other namespaces than the audited chaincode's, by nsId */
  private readonly nsState: Sub;
  private readonly hashes: Sub;
  /** private-data hashes of other namespaces, by nsId(namespace, privateHashId) */
  private readonly nsHashes: Sub;
  private readonly txIds: Sub;
  private readonly meta: Sub;
  private readonly findingLog: Sub;
  // the block being replayed
  private pending = new Map<string, StateValue | null>();
  private pendingHashes = new Map<string, PrivateHash | null>();
  private pendingTxIds = new Map<string, Version>();
  private pendingConfigBlock: number | undefined;
  /** Keys whose validation parameter a valid transaction of the block being replayed set. */
  private parameterUpdated = new Set<string>();
  // blocks replayed, not yet written
  private unwritten = {
    blocks: 0,
    state: new Map<string, StateValue | null>(),
    hashes: new Map<string, PrivateHash | null>(),
    txIds: new Map<string, Version>(),
    findings: [] as Finding[],
    position: undefined as ReplayPosition | undefined,
    configBlock: undefined as number | undefined,
  };
  /** Committed entries read or written so far (null: known absent); kept bounded. */
  private readonly committed = new Map<string, StateValue | null>();
  private readonly committedHashes = new Map<string, PrivateHash | null>();
  private readonly knownTxIds = new Map<string, Version | null>();
  /**
   * True while the database holds nothing the caches above do not: the
   * state was empty when opened and no cache has been cleared since. Then a
   * key the caches do not hold does not exist, and is not read.
   */
  private complete = false;
  private findingCount = 0;

  private constructor(private readonly db: Level<string, Uint8Array>) {
    const sub = (name: string): Sub => makeSub(db, name);
    this.state = sub('state');
    this.nsState = sub('nsstate');
    this.hashes = sub('pvthash');
    this.nsHashes = sub('nspvthash');
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
    // A replay writes its position with every batch: without one, nothing was ever written.
    state.complete = (await state.meta.get('position')) === undefined;
    return state;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.db.close();
  }

  /** The newest CONFIG block after block 0 that the replay applied (committed), if any. */
  async configBlock(): Promise<number | undefined> {
    if (this.unwritten.configBlock !== undefined) {
      return this.unwritten.configBlock;
    }
    const v = await this.meta.get('config-block');
    return v ? Buffer.from(v).readUInt32BE(0) : undefined;
  }

  /** Records, with the block being replayed, that it is a CONFIG block the channel's trust now comes from. */
  setConfigBlock(n: number): void {
    this.pendingConfigBlock = n;
  }

  async position(): Promise<ReplayPosition | undefined> {
    if (this.unwritten.position) {
      return this.unwritten.position;
    }
    const v = await this.meta.get('position');
    return v ? positionSchema.parse(JSON.parse(Buffer.from(v).toString('utf8'))) : undefined;
  }

  /** Every finding recorded in this state, in order, including those of earlier runs. */
  async findings(): Promise<Finding[]> {
    await this.flush();
    const out: Finding[] = [];
    for await (const value of this.findingLog.values()) {
      out.push(findingSchema.parse(JSON.parse(Buffer.from(value).toString('utf8'))) as Finding);
    }
    return out;
  }

  // ---- reads (the block being replayed included) ----------------------------------

  /** A key of the audited chaincode's namespace, or of `namespace` when given. */
  async get(key: string, namespace?: string): Promise<StateValue | undefined> {
    const id = nsId(namespace, key);
    const p = this.pending.has(id) ? this.pending.get(id) : this.unwritten.state.get(id);
    if (p !== undefined) {
      return p ?? undefined;
    }
    const cached = this.committed.get(id);
    if (cached !== undefined || this.complete) {
      return cached ?? undefined;
    }
    const v = namespace === undefined ? await this.state.get(key) : await this.nsState.get(id);
    const entry = v ? decodeState(v) : null;
    this.remember(this.committed, id, entry);
    return entry ?? undefined;
  }

  /** Reads, in one call each, the committed entries (of the audited chaincode's namespace) and transaction ids a block is about to need. */
  async prefetch(keys: Iterable<string>, txIds: Iterable<string>): Promise<void> {
    if (this.complete) {
      return;
    }
    const known = (id: string): boolean => this.committed.has(id) || this.pending.has(id) || this.unwritten.state.has(id);
    const missingKeys = [...new Set(keys)].filter((k) => !known(nsId(undefined, k)));
    const missingTx = [...new Set(txIds)].filter((t) => t !== '' && !this.knownTxIds.has(t) && !this.unwritten.txIds.has(t));
    const [values, locations] = await Promise.all([
      missingKeys.length > 0 ? this.state.getMany(missingKeys) : Promise.resolve([]),
      missingTx.length > 0 ? this.txIds.getMany(missingTx) : Promise.resolve([]),
    ]);
    missingKeys.forEach((k, i) => {
      const v = values[i];
      this.remember(this.committed, nsId(undefined, k), v ? decodeState(v) : null);
    });
    missingTx.forEach((t, i) => {
      const v = locations[i];
      this.remember(this.knownTxIds, t, v ? { block: Buffer.from(v).readUInt32BE(0), tx: Buffer.from(v).readUInt32BE(4) } : null);
    });
  }

  private remember<T>(cache: Map<string, T>, key: string, value: T): void {
    if (cache.size >= 200_000) {
      cache.clear();
      this.complete = false;
    }
    cache.set(key, value);
  }

  /** Keys in [start, end) ("" end: to the last key), in key order, of the audited chaincode's namespace or of `namespace`. */
  async range(start: string, end: string, namespace?: string): Promise<{ key: string; entry: StateValue }[]> {
    // Earlier blocks' changes are written first: then only this block's are merged with the database's keys.
    await this.flush();
    const merged = new Map<string, StateValue>();
    if (namespace === undefined) {
      const options = end === '' ? { gte: start } : { gte: start, lt: end };
      for await (const [key, value] of this.state.iterator(options)) {
        merged.set(key, decodeState(value));
      }
    } else {
      const options = { gte: nsId(namespace, start), lt: end === '' ? `${namespace}\u0001` : nsId(namespace, end) };
      for await (const [id, value] of this.nsState.iterator(options)) {
        merged.set(splitNsId(id).key, decodeState(value));
      }
    }
    for (const [id, p] of this.pending) {
      const { namespace: ns, key } = splitNsId(id);
      if (ns !== (namespace ?? '')) {
        continue;
      }
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

  async getPrivateHash(collection: string, keyHashHex: string, namespace?: string): Promise<PrivateHash | undefined> {
    const id = nsId(namespace, privateHashId(collection, keyHashHex));
    const p = this.pendingHashes.has(id) ? this.pendingHashes.get(id) : this.unwritten.hashes.get(id);
    if (p !== undefined) {
      return p ?? undefined;
    }
    const cached = this.committedHashes.get(id);
    if (cached !== undefined || this.complete) {
      return cached ?? undefined;
    }
    const v = namespace === undefined ? await this.hashes.get(privateHashId(collection, keyHashHex)) : await this.nsHashes.get(id);
    const hash = v ? decodeHash(v) : null;
    this.remember(this.committedHashes, id, hash);
    return hash ?? undefined;
  }

  async transactionLocation(txId: string): Promise<Version | undefined> {
    const p = this.pendingTxIds.get(txId) ?? this.unwritten.txIds.get(txId);
    if (p) {
      return p;
    }
    const known = this.knownTxIds.get(txId);
    if (known !== undefined || this.complete) {
      return known ?? undefined;
    }
    const v = await this.txIds.get(txId);
    const at = v ? { block: Buffer.from(v).readUInt32BE(0), tx: Buffer.from(v).readUInt32BE(4) } : null;
    this.remember(this.knownTxIds, txId, at);
    return at ?? undefined;
  }

  // ---- writes into the block being replayed ------------------------------------------

  markValidationParameterUpdated(key: string, namespace?: string): void {
    this.parameterUpdated.add(nsId(namespace, key));
  }

  /** Whether an earlier valid transaction of this block set the key's validation parameter. */
  validationParameterUpdatedInBlock(key: string, namespace?: string): boolean {
    return this.parameterUpdated.has(nsId(namespace, key));
  }

  put(key: string, value: StateValue | null, namespace?: string): void {
    this.pending.set(nsId(namespace, key), value);
  }

  putPrivateHash(collection: string, keyHashHex: string, hash: PrivateHash | null, namespace?: string): void {
    this.pendingHashes.set(nsId(namespace, privateHashId(collection, keyHashHex)), hash);
  }

  recordTransaction(txId: string, at: Version): void {
    this.pendingTxIds.set(txId, at);
  }

  /**
   * Ends the block being replayed: its changes, its findings and the new
   * position are written atomically, together with those of the blocks
   * before it not yet written (every FLUSH_BLOCKS blocks, and by flush()).
   */
  async commitBlock(position: ReplayPosition, findings: readonly Finding[]): Promise<void> {
    const u = this.unwritten;
    for (const [id, v] of this.pending) {
      u.state.set(id, v);
      this.remember(this.committed, id, v);
    }
    for (const [id, h] of this.pendingHashes) {
      u.hashes.set(id, h);
      this.remember(this.committedHashes, id, h);
    }
    for (const [txId, at] of this.pendingTxIds) {
      u.txIds.set(txId, at);
      this.remember(this.knownTxIds, txId, at);
    }
    u.findings.push(...findings);
    u.position = position;
    u.configBlock = this.pendingConfigBlock ?? u.configBlock;
    u.blocks += 1;
    this.pending = new Map();
    this.parameterUpdated = new Set();
    this.pendingHashes = new Map();
    this.pendingTxIds = new Map();
    this.pendingConfigBlock = undefined;
    if (u.blocks >= FLUSH_BLOCKS || u.state.size + u.hashes.size + u.txIds.size >= FLUSH_ENTRIES) {
      await this.flush();
    }
  }

  /** Writes the blocks replayed so far, their findings and the position reached, in one batch. */
  async flush(): Promise<void> {
    const u = this.unwritten;
    if (!u.position) {
      return;
    }
    const ops: { type: 'put' | 'del'; sublevel: Sub; key: string; value?: Uint8Array }[] = [];
    for (const [id, v] of u.state) {
      const { namespace, key } = splitNsId(id);
      const [sublevel, at] = namespace === '' ? [this.state, key] : [this.nsState, id];
      ops.push(v ? { type: 'put', sublevel, key: at, value: encodeState(v) } : { type: 'del', sublevel, key: at });
    }
    for (const [id, h] of u.hashes) {
      const { namespace, key } = splitNsId(id);
      const [sublevel, at] = namespace === '' ? [this.hashes, key] : [this.nsHashes, id];
      ops.push(h ? { type: 'put', sublevel, key: at, value: encodeHash(h) } : { type: 'del', sublevel, key: at });
    }
    for (const [txId, at] of u.txIds) {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(at.block, 0);
      b.writeUInt32BE(at.tx, 4);
      ops.push({ type: 'put', sublevel: this.txIds, key: txId, value: b });
    }
    let count = this.findingCount;
    for (const f of u.findings) {
      ops.push({ type: 'put', sublevel: this.findingLog, key: String(count).padStart(10, '0'), value: Buffer.from(canonicalJson(f)) });
      count += 1;
    }
    const countBytes = Buffer.alloc(4);
    countBytes.writeUInt32BE(count, 0);
    ops.push({ type: 'put', sublevel: this.meta, key: 'findings', value: countBytes });
    ops.push({ type: 'put', sublevel: this.meta, key: 'position', value: Buffer.from(canonicalJson(u.position)) });
    if (u.configBlock !== undefined) {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(u.configBlock, 0);
      ops.push({ type: 'put', sublevel: this.meta, key: 'config-block', value: b });
    }
    await this.db.batch(ops as never);
    this.findingCount = count;
    this.unwritten = {
      blocks: 0,
      state: new Map(),
      hashes: new Map(),
      txIds: new Map(),
      findings: [],
      position: undefined,
      configBlock: undefined,
    };
  }

  // ---- whole-state iteration (committed blocks only) -----------------------------------

  async *entries(options: { gte?: string; lt?: string } = {}): AsyncGenerator<{ key: string; entry: StateValue }> {
    await this.flush();
    for await (const [key, value] of this.state.iterator(options)) {
      yield { key, entry: decodeState(value) };
    }
  }

  async *privateHashes(): AsyncGenerator<{ id: string; hash: PrivateHash }> {
    await this.flush();
    for await (const [id, value] of this.hashes.iterator()) {
      yield { id, hash: decodeHash(value) };
    }
  }
}
