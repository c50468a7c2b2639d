/**
 * One peer's LevelDB: world state with versions and key-level policies,
 * private data of its own collections, hashes of every private write,
 * history, blocks, a transaction index, and the persistent transient store
 * that holds private data between endorsement and commit. A block is
 * committed in one atomic batch, so a crash leaves all of it or none.
 */
import { Level } from 'level';
import type { Version } from '../../fabric-format/rwset';
import type { HistoryEntry, VersionedValue } from './simulation';
import type { ValidationCode } from '../backend';
import type { DecodedBlock } from '../../fabric-format/decoded';
import { readBlock, readEnvelope } from '../../fabric-format/block-reader';

/**
 * The options every LevelDB of the embedded network opens with. A 16 MiB
 * write buffer (LevelDB's default is 4) makes a quarter as many level-0
 * tables from the same writes, and so less compaction: under a stream of
 * lodgements, LevelDB's background thread used about 0.5 ms of CPU per
 * lodgement instead of 1.2 ms, for at most a few memtables' worth more memory.
 */
export const LEVEL_OPTIONS = { keyEncoding: 'utf8', valueEncoding: 'view', writeBufferSize: 16 * 1024 * 1024 } as const;

function makeSub(db: Level<string, Uint8Array>, name: string) {
  return db.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' });
}
type Sub = ReturnType<typeof makeSub>;

export interface StateEntry extends VersionedValue {
  validationParameter?: Uint8Array;
}

export interface TxLocation {
  block: number;
  tx: number;
  code: ValidationCode;
}

// state value layout: block u32 | tx u32 | vpLength u32 | vp | value
function encodeState(e: StateEntry): Buffer {
  const vp = e.validationParameter ?? new Uint8Array();
  const head = Buffer.alloc(12);
  head.writeUInt32BE(e.version.block, 0);
  head.writeUInt32BE(e.version.tx, 4);
  head.writeUInt32BE(vp.length, 8);
  return Buffer.concat([head, vp, e.value]);
}

function decodeState(b: Uint8Array): StateEntry {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const vpLength = buf.readUInt32BE(8);
  const entry: StateEntry = {
    version: { block: buf.readUInt32BE(0), tx: buf.readUInt32BE(4) },
    value: buf.subarray(12 + vpLength),
  };
  if (vpLength > 0) {
    entry.validationParameter = buf.subarray(12, 12 + vpLength);
  }
  return entry;
}

function encodeVersioned(version: Version, value: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(version.block, 0);
  head.writeUInt32BE(version.tx, 4);
  return Buffer.concat([head, value]);
}

function decodeVersioned(b: Uint8Array): VersionedValue {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return { version: { block: buf.readUInt32BE(0), tx: buf.readUInt32BE(4) }, value: buf.subarray(8) };
}

/** History entries hold no value: the write is read from its block, as Fabric's history database does. */
const HISTORY_MARK = Uint8Array.of(1);

const blockKey = (n: number): string => String(n).padStart(12, '0');
const historyKey = (key: string, v: Version): string => `${key}\u0000${String(v.block).padStart(12, '0')}${String(v.tx).padStart(6, '0')}`;
export const collectionKey = (collection: string, key: string): string => `${collection}\u0000${key}`;

export type BatchOp =
  | { type: 'put'; sublevel: Sub; key: string; value: Uint8Array }
  | { type: 'del'; sublevel: Sub; key: string };

/** Cached world-state entries (null: known absent) kept at most this many. */
const STATE_CACHE_LIMIT = 200_000;
/** Cached private values of the peer's own collections (each a whole declaration, so fewer). */
const PRIVATE_CACHE_LIMIT = 20_000;

/** Adds to a bounded read cache, dropping its oldest tenth when full. */
function remember<V>(cache: Map<string, V>, limit: number, key: string, value: V): void {
  if (cache.size >= limit) {
    let drop = limit / 10;
    for (const k of cache.keys()) {
      cache.delete(k);
      if (--drop === 0) {
        break;
      }
    }
  }
  cache.set(key, value);
}

export class PeerStore {
  readonly db: Level<string, Uint8Array>;
  /**
   * World state as last committed, read through: every change to state goes
   * through commit(), which updates this cache after its batch is written,
   * so entries (and known absences) are never stale.
   */
  private readonly stateCache = new Map<string, StateEntry | null>();
  /** The same for private values of the peer's collections, kept current by commit() alike. */
  private readonly privateCache = new Map<string, VersionedValue | null>();
  private generation = 0;
  private pendingReads: Map<string, { resolve: (entry: StateEntry | undefined) => void; reject: (err: Error) => void }[]> | undefined;
  private heightValue: number | undefined;
  readonly state: Sub;
  readonly pvt: Sub;
  readonly pvtHash: Sub;
  /** for member peers: collection + key hash → plain key, so a purge (hashes only) finds the value */
  readonly pvtKeys: Sub;
  readonly history: Sub;
  readonly blocks: Sub;
  readonly txIndex: Sub;
  readonly transient: Sub;
  readonly meta: Sub;

  /** `createIfMissing: false` refuses a folder that holds no store instead of making one there */
  constructor(path: string, options: { createIfMissing?: boolean } = {}) {
    this.db = new Level<string, Uint8Array>(path, { ...LEVEL_OPTIONS, createIfMissing: options.createIfMissing ?? true });
    const sub = (name: string): Sub => makeSub(this.db, name);
    this.state = sub('state');
    this.pvt = sub('pvt');
    this.pvtHash = sub('pvthash');
    this.pvtKeys = sub('pvtkeys');
    this.history = sub('history');
    this.blocks = sub('blocks');
    this.txIndex = sub('txid');
    this.transient = sub('transient');
    this.meta = sub('meta');
  }

  open(): Promise<void> {
    return this.db.open();
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async height(): Promise<number> {
    if (this.heightValue === undefined) {
      const v = await this.meta.get('height');
      this.heightValue = v ? Buffer.from(v).readUInt32BE(0) : 0;
    }
    return this.heightValue;
  }

  getState(key: string): Promise<StateEntry | undefined> {
    const cached = this.stateCache.get(key);
    if (cached !== undefined) {
      return Promise.resolve(cached ?? undefined);
    }
    return new Promise((resolve, reject) => {
      if (!this.pendingReads) {
        this.pendingReads = new Map();
        setImmediate(() => this.readPending());
      }
      const waiting = this.pendingReads.get(key);
      if (waiting) {
        waiting.push({ resolve, reject });
      } else {
        this.pendingReads.set(key, [{ resolve, reject }]);
      }
    });
  }

  /**
   * The state reads that missed the cache during one turn of the event loop
   * (concurrent endorsements each read a record that is not there yet), in
   * one getMany: LevelDB answers many keys at once for little more than one.
   */
  private readPending(): void {
    const pending = this.pendingReads!;
    this.pendingReads = undefined;
    const keys = [...pending.keys()];
    this.loadStates(keys).then(
      (entries) => keys.forEach((key, i) => pending.get(key)!.forEach((w) => w.resolve(entries[i]))),
      (err: unknown) => pending.forEach((waiting) => waiting.forEach((w) => w.reject(err instanceof Error ? err : new Error(String(err))))),
    );
  }

  /** Loads these keys into the state cache with one read (a block's validation needs them all). */
  async prefetchState(keys: Iterable<string>): Promise<void> {
    const missing = [...new Set(keys)].filter((k) => !this.stateCache.has(k));
    if (missing.length > 0) {
      await this.loadStates(missing);
    }
  }

  /** These keys' entries with one getMany, remembered unless a commit ran meanwhile (they may be stale then). */
  private async loadStates(keys: string[]): Promise<(StateEntry | undefined)[]> {
    const generation = this.generation;
    const values = await this.state.getMany(keys);
    const entries = values.map((v) => (v ? decodeState(v) : undefined));
    if (generation === this.generation) {
      keys.forEach((key, i) => this.rememberState(key, entries[i] ?? null));
    }
    return entries;
  }

  private rememberState(key: string, entry: StateEntry | null): void {
    remember(this.stateCache, STATE_CACHE_LIMIT, key, entry);
  }

  /** Transient private data of several transactions' collections, with one read. */
  async transientMany(pairs: readonly { txId: string; collection: string }[]): Promise<Map<string, Uint8Array>> {
    const keys = pairs.map((p) => `${p.txId}\u0000${p.collection}`);
    const values = keys.length === 0 ? [] : await this.transient.getMany(keys);
    const out = new Map<string, Uint8Array>();
    keys.forEach((k, i) => {
      const v = values[i];
      if (v) {
        out.set(k, v);
      }
    });
    return out;
  }

  /** Which of these transaction ids the peer has already committed (one read for a whole block). */
  async knownTransactions(txIds: readonly string[]): Promise<Set<string>> {
    const found = await this.txIndex.getMany([...txIds]);
    return new Set(txIds.filter((_, i) => found[i] !== undefined));
  }

  async rangeState(start: string, end: string, limit?: number): Promise<(StateEntry & { key: string })[]> {
    const out: (StateEntry & { key: string })[] = [];
    const options = end === '' ? { gte: start, limit: limit ?? -1 } : { gte: start, lt: end, limit: limit ?? -1 };
    for await (const [key, value] of this.state.iterator(options)) {
      out.push({ key, ...decodeState(value) });
    }
    return out;
  }

  async getPrivate(collection: string, key: string): Promise<VersionedValue | undefined> {
    const k = collectionKey(collection, key);
    const cached = this.privateCache.get(k);
    if (cached !== undefined) {
      return cached ?? undefined;
    }
    const generation = this.generation;
    const v = await this.pvt.get(k);
    const value = v ? decodeVersioned(v) : undefined;
    if (generation === this.generation) {
      remember(this.privateCache, PRIVATE_CACHE_LIMIT, k, value ?? null);
    }
    return value;
  }

  async rangePrivate(collection: string, start: string, end: string): Promise<(VersionedValue & { key: string })[]> {
    const out: (VersionedValue & { key: string })[] = [];
    const prefix = `${collection}\u0000`;
    for await (const [key, value] of this.pvt.iterator({ gte: prefix + start, lt: prefix + (end === '' ? '\u{10ffff}' : end) })) {
      out.push({ key: key.slice(prefix.length), ...decodeVersioned(value) });
    }
    return out;
  }

  /** The hash of a private value by collection and key hash (hex), with its version. */
  async getPrivateHash(collection: string, keyHashHex: string): Promise<VersionedValue | undefined> {
    const v = await this.pvtHash.get(collectionKey(collection, keyHashHex));
    return v ? decodeVersioned(v) : undefined;
  }

  async privateKeyOf(collection: string, keyHashHex: string): Promise<string | undefined> {
    const v = await this.pvtKeys.get(collectionKey(collection, keyHashHex));
    return v ? Buffer.from(v).toString('utf8') : undefined;
  }

  /**
   * Every committed write of `key`, newest first as a Fabric 2.5 peer answers
   * GetHistoryForKey. Like Fabric's history database, the index holds only
   * where each write is; its value and time are read from the block.
   */
  async history_(key: string): Promise<HistoryEntry[]> {
    const out: HistoryEntry[] = [];
    const blocks = new Map<number, DecodedBlock>();
    for await (const k of this.history.keys({ gte: `${key}\u0000`, lt: `${key}\u0001`, reverse: true })) {
      if (k.length !== key.length + 1 + 18) {
        continue; // a longer key that only shares this one's prefix
      }
      const blockNumber = Number(k.slice(-18, -6));
      const txNumber = Number(k.slice(-6));
      let block = blocks.get(blockNumber);
      if (!block) {
        const bytes = await this.block(blockNumber);
        if (!bytes) {
          continue;
        }
        block = readBlock(bytes);
        blocks.set(blockNumber, block);
      }
      const tx = readEnvelope(block.envelopes[txNumber]!);
      const write = tx.rwset.writes.find((w) => w.key === key);
      const ms = tx.timestamp.getTime();
      out.push({
        txId: tx.transactionId,
        timestamp: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 },
        isDelete: !write || write.value === null,
        value: write?.value ?? new Uint8Array(),
      });
    }
    return out;
  }

  async block(n: number): Promise<Uint8Array | undefined> {
    return (await this.blocks.get(blockKey(n))) ?? undefined;
  }

  async txLocation(txId: string): Promise<TxLocation | undefined> {
    const v = await this.txIndex.get(txId);
    return v ? (JSON.parse(Buffer.from(v).toString('utf8')) as TxLocation) : undefined;
  }

  /**
   * Not synced: a client hears of success only after the block commit, whose
   * synced batch holds the private data; what a power loss could take from
   * here is private data of transactions nobody was told had committed.
   */
  async putTransient(txId: string, collection: string, rwset: Uint8Array): Promise<void> {
    await this.transient.put(`${txId}\u0000${collection}`, rwset);
  }

  // ---- batch builders -----------------------------------------------------------

  putStateOp(key: string, entry: StateEntry): BatchOp & { entry: StateEntry } {
    return { type: 'put', sublevel: this.state, key, value: encodeState(entry), entry };
  }
  delStateOp(key: string): BatchOp {
    return { type: 'del', sublevel: this.state, key };
  }
  putPrivateOp(collection: string, key: string, version: Version, value: Uint8Array): BatchOp {
    return { type: 'put', sublevel: this.pvt, key: collectionKey(collection, key), value: encodeVersioned(version, value) };
  }
  delPrivateOp(collection: string, key: string): BatchOp {
    return { type: 'del', sublevel: this.pvt, key: collectionKey(collection, key) };
  }
  putPrivateKeyOp(collection: string, keyHashHex: string, key: string): BatchOp {
    return { type: 'put', sublevel: this.pvtKeys, key: collectionKey(collection, keyHashHex), value: Buffer.from(key, 'utf8') };
  }
  delPrivateKeyOp(collection: string, keyHashHex: string): BatchOp {
    return { type: 'del', sublevel: this.pvtKeys, key: collectionKey(collection, keyHashHex) };
  }
  putPrivateHashOp(collection: string, keyHashHex: string, version: Version, valueHash: Uint8Array): BatchOp {
    return { type: 'put', sublevel: this.pvtHash, key: collectionKey(collection, keyHashHex), value: encodeVersioned(version, valueHash) };
  }
  delPrivateHashOp(collection: string, keyHashHex: string): BatchOp {
    return { type: 'del', sublevel: this.pvtHash, key: collectionKey(collection, keyHashHex) };
  }
  historyOp(key: string, version: Version): BatchOp {
    return { type: 'put', sublevel: this.history, key: historyKey(key, version), value: HISTORY_MARK };
  }
  blockOp(n: number, bytes: Uint8Array): BatchOp {
    return { type: 'put', sublevel: this.blocks, key: blockKey(n), value: bytes };
  }
  txIndexOp(txId: string, location: TxLocation): BatchOp {
    return { type: 'put', sublevel: this.txIndex, key: txId, value: Buffer.from(JSON.stringify(location), 'utf8') };
  }
  delTransientOp(txId: string, collection: string): BatchOp {
    return { type: 'del', sublevel: this.transient, key: `${txId}\u0000${collection}` };
  }
  heightOp(height: number): BatchOp {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(height, 0);
    return { type: 'put', sublevel: this.meta, key: 'height', value: b };
  }

  /** Writes a whole block's changes atomically (and durably when `sync`), then updates the read caches. */
  async commit(ops: BatchOp[], sync: boolean, height: number): Promise<void> {
    this.generation += 1;
    // Keys prefixed here and written through the root database's chained batch: the same bytes as through
    // each sublevel, without abstract-level's per-operation handling of an array batch (its copy of every
    // operation, sublevel and encodings), which cost about twice as much CPU per operation.
    const batch = this.db.batch();
    for (const op of ops) {
      if (op.type === 'put') {
        batch.put(op.sublevel.prefixKey(op.key, 'utf8'), op.value);
      } else {
        batch.del(op.sublevel.prefixKey(op.key, 'utf8'));
      }
    }
    await batch.write({ sync } as never);
    for (const op of ops) {
      if (op.sublevel === this.state) {
        this.rememberState(op.key, op.type === 'put' ? ((op as { entry?: StateEntry }).entry ?? decodeState(op.value)) : null);
      } else if (op.sublevel === this.pvt) {
        remember(this.privateCache, PRIVATE_CACHE_LIMIT, op.key, op.type === 'put' ? decodeVersioned(op.value) : null);
      }
    }
    this.heightValue = height;
    this.generation += 1;
  }
}
