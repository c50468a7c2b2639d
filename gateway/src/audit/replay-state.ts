/**
 * The world state the auditor rebuilds, in its own LevelDB: values with
 * versions and key-level policies, the hashes of private writes, every
 * transaction id seen, the position reached (the checkpoint) and the
 * findings so far. Changes of the block being replayed stay in memory;
 * finished blocks are written with the position reached in one batch every
 * so many blocks, so an interrupted replay resumes at a block boundary (the
 * batch is written while the next blocks are replayed, one at a time). A
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
import { canonicalJson, hex64Schema } from 'customs-ledger-chaincode/domain';
import { z } from 'zod';
import type { Finding } from './finding';
import { compareKeys } from '../fabric-format/keys';
import type { Version } from '../fabric-format/rwset';

export type { Version };

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
  previousHash: hex64Schema.or(z.literal('')),
  genesisHash: hex64Schema.or(z.literal('')),
  channelId: z.string(),
});

const findingSchema = z.strictObject({
  block: z.number().int().nullable(),
  tx: z.number().int().nullable(),
  txId: z.string().nullable(),
  rule: z.string(),
  message: z.string(),
});

/** A version as 8 bytes: block, then transaction, big-endian. */
function encodeVersion(at: Version): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeUInt32BE(at.block, 0);
  b.writeUInt32BE(at.tx, 4);
  return b;
}

/** Version, validation parameter's length, validation parameter, value: in one allocation. */
function encodeState(v: StateValue): Buffer {
  const vp = v.validationParameter;
  const vpLength = vp?.length ?? 0;
  const b = Buffer.allocUnsafe(12 + vpLength + v.value.length);
  b.writeUInt32BE(v.version.block, 0);
  b.writeUInt32BE(v.version.tx, 4);
  b.writeUInt32BE(vpLength, 8);
  if (vp) {
    b.set(vp, 12);
  }
  b.set(v.value, 12 + vpLength);
  return b;
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
  const b = Buffer.allocUnsafe(8 + h.valueHash.length);
  b.writeUInt32BE(h.version.block, 0);
  b.writeUInt32BE(h.version.tx, 4);
  b.set(h.valueHash, 8);
  return b;
}

function decodeHash(b: Uint8Array): PrivateHash {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return { version: { block: buf.readUInt32BE(0), tx: buf.readUInt32BE(4) }, valueHash: buf.subarray(8) };
}

export { compareKeys };

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

/** Whether a namespace is kept as the audited chaincode's: undefined, or "" (whose nsIds are the same). */
const isOwn = (namespace: string | undefined): namespace is undefined | '' => namespace === undefined || namespace === '';

/**
 * Entries by key and namespace: the audited chaincode's keys as they are
 * (the lookups of every transaction, on key strings whose hash the engine
 * keeps), other namespaces' by nsId.
 */
class NsMap<T> {
  readonly own = new Map<string, T>();
  readonly others = new Map<string, T>();

  get size(): number {
    return this.own.size + this.others.size;
  }

  has(key: string, namespace: string | undefined): boolean {
    return isOwn(namespace) ? this.own.has(key) : this.others.has(nsId(namespace, key));
  }

  get(key: string, namespace: string | undefined): T | undefined {
    return isOwn(namespace) ? this.own.get(key) : this.others.get(nsId(namespace, key));
  }

  set(key: string, namespace: string | undefined, value: T): void {
    if (isOwn(namespace)) {
      this.own.set(key, value);
    } else {
      this.others.set(nsId(namespace, key), value);
    }
  }

  clear(): void {
    this.own.clear();
    this.others.clear();
  }

}

function makeSub(db: Level<string, Uint8Array>, name: string) {
  return db.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' });
}
type Sub = ReturnType<typeof makeSub>;

/**
 * Where a cached range is filed: its namespace and the common prefix of its
 * start and end up to the last NUL (composite keys' separator), as an nsId.
 * Every key of the range begins with that prefix, so a change of a key can
 * only touch the ranges filed under one of its own prefixes ending in NUL.
 */
function rangeBucket(namespace: string, start: string, end: string): string {
  let common = 0;
  if (end !== '') {
    const limit = Math.min(start.length, end.length);
    while (common < limit && start.charCodeAt(common) === end.charCodeAt(common)) {
      common += 1;
    }
  }
  return nsId(namespace, common === 0 ? '' : start.slice(0, start.lastIndexOf('\u0000', common - 1) + 1));
}

/** Ranges of more entries are not cached; nor more ranges than this. */
const RANGE_CACHE_ENTRIES = 1_000;
const RANGE_CACHE_RANGES = 4_096;
/**
 * A key (UTF-8 from a block) lies under its range's bucket as a string when the bucket is
 * whole code points; a bucket holding UTF-16 surrogates is not trusted to, and its range not cached.
 */
const SURROGATE = /[\uD800-\uDFFF]/;

/** Entries a read cache holds at most. */
const MEMORY_ENTRIES = 200_000;

/** Blocks replayed, not yet written: their changes, findings, and the position and config block they reached. */
interface Unwritten {
  blocks: number;
  state: NsMap<StateValue | null>;
  hashes: Map<string, PrivateHash | null>;
  txIds: Map<string, Version>;
  findings: Finding[];
  position: ReplayPosition | undefined;
  configBlock: number | undefined;
}

const nothingUnwritten = (): Unwritten => ({
  blocks: 0,
  state: new NsMap(),
  hashes: new Map(),
  txIds: new Map(),
  findings: [],
  position: undefined,
  configBlock: undefined,
});

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
  private pending = new NsMap<StateValue | null>();
  private pendingHashes = new Map<string, PrivateHash | null>();
  private pendingTxIds = new Map<string, Version>();
  private pendingConfigBlock: number | undefined;
  /** Keys whose validation parameter a valid transaction of the block being replayed set. */
  private parameterUpdated = new NsMap<true>();
  // blocks replayed, not yet written
  private unwritten = nothingUnwritten();
  /**
   * The batch being written while the replay goes on (one at a time), and
   * what it holds, which reads see until it is written.
   */
  private writing: { changes: Unwritten; done: Promise<void> } | undefined;
  /** why a batch written in the background failed: the replay stops with it */
  private writeError: Error | undefined;
  /** Committed entries read or written so far (null: known absent); kept bounded. */
  private readonly committed = new NsMap<StateValue | null>();
  private readonly committedHashes = new Map<string, PrivateHash | null>();
  private readonly knownTxIds = new Map<string, Version | null>();
  /**
   * True while the database holds nothing the caches above do not: the
   * state was empty when opened and no cache has been cleared since. Then a
   * key the caches do not hold does not exist, and is not read.
   */
  private complete = false;
  private findingCount = 0;
  /**
   * Ranges read so far, as the committed blocks left them (the block being
   * replayed is merged in on every read), by namespace, start and end; a
   * committed change drops the ranges of its bucket (see rangeBucket).
   */
  private readonly ranges = new Map<string, { entries: { key: string; entry: StateValue }[]; bucket: string }>();
  /** the cache keys of `ranges` by bucket */
  private readonly rangeBuckets = new Map<string, Set<string>>();

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
    const unwritten = this.unwritten.configBlock ?? this.writing?.changes.configBlock;
    if (unwritten !== undefined) {
      return unwritten;
    }
    const v = await this.meta.get('config-block');
    return v ? Buffer.from(v).readUInt32BE(0) : undefined;
  }

  /** Records, with the block being replayed, that it is a CONFIG block the channel's trust now comes from. */
  setConfigBlock(n: number): void {
    this.pendingConfigBlock = n;
  }

  async position(): Promise<ReplayPosition | undefined> {
    const unwritten = this.unwritten.position ?? this.writing?.changes.position;
    if (unwritten) {
      return unwritten;
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

  /** True while every entry is held in memory (see `complete`): reads then need no database and prefetch() does nothing. */
  get inMemory(): boolean {
    return this.complete;
  }

  /**
   * A key as far as memory knows it, without waiting: its entry, null when it
   * does not exist, undefined when only the database can say (then get() reads it).
   */
  peek(key: string, namespace?: string): StateValue | null | undefined {
    // the block being replayed (a value is an entry, or null when deleted; never undefined)
    const p = this.pending.get(key, namespace);
    if (p !== undefined) {
      return p;
    }
    // Every commit writes through to the committed cache, so a key it holds has its newest committed
    // value there; the blocks not yet written matter only once it has been emptied (not complete).
    const cached = this.committed.get(key, namespace);
    if (cached !== undefined) {
      return cached;
    }
    return this.complete ? null : this.unwrittenState(key, namespace);
  }

  /** A key as the blocks replayed and not yet written left it (undefined when they did not change it). */
  private unwrittenState(key: string, namespace: string | undefined): StateValue | null | undefined {
    const u = this.unwritten.state.get(key, namespace);
    return u !== undefined ? u : this.writing?.changes.state.get(key, namespace);
  }

  /** A key of the audited chaincode's namespace, or of `namespace` when given. */
  async get(key: string, namespace?: string): Promise<StateValue | undefined> {
    const known = this.peek(key, namespace);
    if (known !== undefined) {
      return known ?? undefined;
    }
    const v = namespace === undefined ? await this.state.get(key) : await this.nsState.get(nsId(namespace, key));
    const entry = v ? decodeState(v) : null;
    this.rememberState(key, namespace, entry);
    return entry ?? undefined;
  }

  /** Reads, in one call each, the committed entries (of the audited chaincode's namespace) and transaction ids a block is about to need. */
  async prefetch(keys: Iterable<string>, txIds: Iterable<string>): Promise<void> {
    if (this.complete) {
      return;
    }
    const missingKeys = [...new Set(keys)].filter((k) => this.peek(k) === undefined);
    const missingTx = [...new Set(txIds)].filter((t) => t !== '' && this.peekTransaction(t) === undefined);
    const [values, locations] = await Promise.all([
      missingKeys.length > 0 ? this.state.getMany(missingKeys) : Promise.resolve([]),
      missingTx.length > 0 ? this.txIds.getMany(missingTx) : Promise.resolve([]),
    ]);
    missingKeys.forEach((k, i) => {
      const v = values[i];
      this.rememberState(k, undefined, v ? decodeState(v) : null);
    });
    missingTx.forEach((t, i) => {
      const v = locations[i];
      this.remember(this.knownTxIds, t, v ? { block: Buffer.from(v).readUInt32BE(0), tx: Buffer.from(v).readUInt32BE(4) } : null);
    });
  }

  private rememberState(key: string, namespace: string | undefined, value: StateValue | null): void {
    this.makeRoom(this.committed);
    this.committed.set(key, namespace, value);
  }

  private remember<T>(cache: Map<string, T>, key: string, value: T): void {
    this.makeRoom(cache);
    cache.set(key, value);
  }

  /** Empties a full read cache; memory then no longer holds every entry. */
  private makeRoom(cache: { readonly size: number; clear(): void }): void {
    if (cache.size >= MEMORY_ENTRIES) {
      cache.clear();
      this.complete = false;
    }
  }

  /** Keys in [start, end) ("" end: to the last key), in key order, of the audited chaincode's namespace or of `namespace`. */
  async range(start: string, end: string, namespace?: string): Promise<{ key: string; entry: StateValue }[]> {
    const ns = namespace ?? '';
    const cacheKey = `${ns}\u0000${start}\u0000${end}`;
    let committed = namespace === '' ? undefined : this.ranges.get(cacheKey)?.entries;
    if (!committed) {
      committed = await this.committedRange(start, end, namespace);
      if (namespace !== '') {
        this.cacheRange(cacheKey, rangeBucket(ns, start, end), committed);
      }
    }
    // The block being replayed: only its keys under the range's common prefix can fall in it.
    const bucket = rangeBucket(ns, start, end);
    let merged: Map<string, StateValue> | undefined;
    const own = isOwn(namespace);
    const prefix = SURROGATE.test(bucket) ? nsId(ns, '') : bucket;
    const under = own ? prefix.slice(1) : prefix;
    for (const [id, p] of own ? this.pending.own : this.pending.others) {
      if (!id.startsWith(under)) {
        continue;
      }
      const key = own ? id : id.slice(ns.length + 1);
      if (compareKeys(key, start) >= 0 && (end === '' || compareKeys(key, end) < 0)) {
        merged ??= new Map(committed.map(({ key: k, entry }) => [k, entry]));
        if (p) {
          merged.set(key, p);
        } else {
          merged.delete(key);
        }
      }
    }
    if (!merged) {
      return committed.slice();
    }
    return [...merged.entries()].sort(([a], [b]) => compareKeys(a, b)).map(([key, entry]) => ({ key, entry }));
  }

  /** A range as the blocks before the one being replayed left it: their changes written first, then read from the database. */
  private async committedRange(start: string, end: string, namespace: string | undefined): Promise<{ key: string; entry: StateValue }[]> {
    await this.flush();
    const out: { key: string; entry: StateValue }[] = [];
    if (namespace === undefined) {
      const options = end === '' ? { gte: start } : { gte: start, lt: end };
      for await (const [key, value] of this.state.iterator(options)) {
        out.push({ key, entry: decodeState(value) });
      }
    } else {
      const options = { gte: nsId(namespace, start), lt: end === '' ? `${namespace}\u0001` : nsId(namespace, end) };
      for await (const [id, value] of this.nsState.iterator(options)) {
        out.push({ key: splitNsId(id).key, entry: decodeState(value) });
      }
    }
    return out;
  }

  private cacheRange(cacheKey: string, bucket: string, entries: { key: string; entry: StateValue }[]): void {
    if (entries.length > RANGE_CACHE_ENTRIES || SURROGATE.test(bucket)) {
      return;
    }
    if (this.ranges.size >= RANGE_CACHE_RANGES) {
      this.ranges.clear();
      this.rangeBuckets.clear();
    }
    this.ranges.set(cacheKey, { entries, bucket });
    let keys = this.rangeBuckets.get(bucket);
    if (!keys) {
      keys = new Set();
      this.rangeBuckets.set(bucket, keys);
    }
    keys.add(cacheKey);
  }

  /** Drops the cached ranges a committed change of `id` (an nsId) may fall in: those whose bucket is a prefix of it. */
  private invalidateRanges(id: string): void {
    for (let i = id.indexOf('\u0000'); i >= 0; i = id.indexOf('\u0000', i + 1)) {
      const keys = this.rangeBuckets.get(id.slice(0, i + 1));
      if (keys) {
        for (const k of keys) {
          this.ranges.delete(k);
        }
        this.rangeBuckets.delete(id.slice(0, i + 1));
      }
    }
  }

  async getPrivateHash(collection: string, keyHashHex: string, namespace?: string): Promise<PrivateHash | undefined> {
    const id = nsId(namespace, privateHashId(collection, keyHashHex));
    // as peek(): the block being replayed, then the committed cache (written through), then the blocks not yet written
    const p = this.pendingHashes.get(id);
    if (p !== undefined) {
      return p ?? undefined;
    }
    const cached = this.committedHashes.get(id);
    if (cached !== undefined || this.complete) {
      return cached ?? undefined;
    }
    const unwritten = this.unwritten.hashes.get(id);
    const inBatch = unwritten !== undefined ? unwritten : this.writing?.changes.hashes.get(id);
    if (inBatch !== undefined) {
      return inBatch ?? undefined;
    }
    const v = namespace === undefined ? await this.hashes.get(privateHashId(collection, keyHashHex)) : await this.nsHashes.get(id);
    const hash = v ? decodeHash(v) : null;
    this.remember(this.committedHashes, id, hash);
    return hash ?? undefined;
  }

  /** Where a transaction id was used, as far as memory knows: its place, null when unused, undefined when only the database can say. */
  peekTransaction(txId: string): Version | null | undefined {
    // as peek(): the block being replayed, then the ids known (written through), then the blocks not yet written
    const p = this.pendingTxIds.get(txId);
    if (p) {
      return p;
    }
    const known = this.knownTxIds.get(txId);
    if (known !== undefined) {
      return known;
    }
    return this.complete ? null : (this.unwritten.txIds.get(txId) ?? this.writing?.changes.txIds.get(txId));
  }

  async transactionLocation(txId: string): Promise<Version | undefined> {
    const known = this.peekTransaction(txId);
    if (known !== undefined) {
      return known ?? undefined;
    }
    const v = await this.txIds.get(txId);
    const at = v ? { block: Buffer.from(v).readUInt32BE(0), tx: Buffer.from(v).readUInt32BE(4) } : null;
    this.remember(this.knownTxIds, txId, at);
    return at ?? undefined;
  }

  // ---- writes into the block being replayed ------------------------------------------

  markValidationParameterUpdated(key: string, namespace?: string): void {
    this.parameterUpdated.set(key, namespace, true);
  }

  /** Whether an earlier valid transaction of this block set the key's validation parameter. */
  validationParameterUpdatedInBlock(key: string, namespace?: string): boolean {
    return this.parameterUpdated.has(key, namespace);
  }

  put(key: string, value: StateValue | null, namespace?: string): void {
    this.pending.set(key, namespace, value);
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
    // forEach rather than for-of over the maps here and in startWrite: no entry array per key
    this.pending.own.forEach((v, key) => {
      u.state.set(key, undefined, v);
      this.rememberState(key, undefined, v);
      if (this.ranges.size > 0) {
        this.invalidateRanges(nsId(undefined, key));
      }
    });
    this.pending.others.forEach((v, id) => {
      const { namespace, key } = splitNsId(id);
      u.state.set(key, namespace, v);
      this.rememberState(key, namespace, v);
      if (this.ranges.size > 0) {
        this.invalidateRanges(id);
      }
    });
    this.pendingHashes.forEach((h, id) => {
      u.hashes.set(id, h);
      this.remember(this.committedHashes, id, h);
    });
    this.pendingTxIds.forEach((at, txId) => {
      u.txIds.set(txId, at);
      this.remember(this.knownTxIds, txId, at);
    });
    u.findings.push(...findings);
    u.position = position;
    u.configBlock = this.pendingConfigBlock ?? u.configBlock;
    u.blocks += 1;
    this.pending = new NsMap();
    this.parameterUpdated = new NsMap();
    this.pendingHashes = new Map();
    this.pendingTxIds = new Map();
    this.pendingConfigBlock = undefined;
    if (u.blocks >= FLUSH_BLOCKS || u.state.size + u.hashes.size + u.txIds.size >= FLUSH_ENTRIES) {
      // written while the next blocks are replayed; the batch before it first
      await this.settleWrite();
      this.startWrite();
    }
  }

  /** Writes the blocks replayed so far, their findings and the position reached, in one batch, and waits until they are written. */
  async flush(): Promise<void> {
    await this.settleWrite();
    this.startWrite();
    await this.settleWrite();
  }

  /** Waits for the batch being written, if any; throws if a batch failed. */
  private async settleWrite(): Promise<void> {
    const w = this.writing;
    if (w) {
      await w.done;
      if (this.writing === w) {
        this.writing = undefined;
      }
    }
    if (this.writeError) {
      throw this.writeError;
    }
  }

  /** Starts writing the blocks replayed so far in one batch (none is being written). */
  private startWrite(): void {
    const u = this.unwritten;
    if (!u.position) {
      return;
    }
    // Keys prefixed here and written through the root database's chained batch: the same bytes as through
    // each sublevel, without abstract-level's per-operation handling of an array batch (as the peers' store).
    const batch = this.db.batch();
    const put = (sublevel: Sub, key: string, value: Uint8Array): void => void batch.put(sublevel.prefixKey(key, 'utf8'), value);
    const del = (sublevel: Sub, key: string): void => void batch.del(sublevel.prefixKey(key, 'utf8'));
    u.state.own.forEach((v, key) => {
      if (v) {
        put(this.state, key, encodeState(v));
      } else {
        del(this.state, key);
      }
    });
    u.state.others.forEach((v, id) => {
      if (v) {
        put(this.nsState, id, encodeState(v));
      } else {
        del(this.nsState, id);
      }
    });
    u.hashes.forEach((h, id) => {
      // the audited chaincode's own (namespace "", so the id begins with its NUL separator) under its private-hash id
      const own = id.charCodeAt(0) === 0;
      const sublevel = own ? this.hashes : this.nsHashes;
      const at = own ? id.slice(1) : id;
      if (h) {
        put(sublevel, at, encodeHash(h));
      } else {
        del(sublevel, at);
      }
    });
    u.txIds.forEach((at, txId) => put(this.txIds, txId, encodeVersion(at)));
    let count = this.findingCount;
    for (const f of u.findings) {
      put(this.findingLog, String(count).padStart(10, '0'), Buffer.from(canonicalJson(f)));
      count += 1;
    }
    const countBytes = Buffer.alloc(4);
    countBytes.writeUInt32BE(count, 0);
    put(this.meta, 'findings', countBytes);
    put(this.meta, 'position', Buffer.from(canonicalJson(u.position)));
    if (u.configBlock !== undefined) {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(u.configBlock, 0);
      put(this.meta, 'config-block', b);
    }
    this.findingCount = count;
    this.unwritten = nothingUnwritten();
    const done = batch.write().then(
      () => undefined,
      (err: unknown) => {
        this.writeError = err instanceof Error ? err : new Error(String(err));
      },
    );
    this.writing = { changes: u, done };
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
