/**
 * A chaincode stub that simulates one transaction against a peer's committed
 * state and records its read/write set, as a Fabric peer's transaction
 * simulator does: reads see committed state only (never the transaction's own
 * writes), range queries are recorded for phantom checks, paginated queries
 * are for read-only transactions, private data is readable only where the
 * peer's organisation is a member, and a transaction sets at most one event.
 */
import { createHash } from 'node:crypto';
import type {
  ChaincodeEvent,
  KeyRead,
  KeyWrite,
  MetadataWrite,
  PrivatePurge,
  PrivateRead,
  PrivateWrite,
  RangeRead,
  ReadWriteSet,
  Version,
} from '../../fabric-format/rwset';
import { compareKeys, createCompositeKey, isCompositeKey, partialKeyRange, splitCompositeKey } from '../../fabric-format/keys';

export interface VersionedValue {
  value: Uint8Array;
  version: Version;
}

export interface HistoryEntry {
  txId: string;
  timestamp: { seconds: number; nanos: number };
  isDelete: boolean;
  value: Uint8Array;
}

/** A peer's committed state as one simulation sees it. */
export interface StateReader {
  get(key: string): Promise<VersionedValue | undefined>;
  /** Keys in [start, end) in UTF-8 byte order; end '' means no upper bound. */
  range(start: string, end: string, limit?: number): Promise<(VersionedValue & { key: string })[]>;
  getValidationParameter(key: string): Promise<Uint8Array | undefined>;
  isCollectionMember(collection: string): boolean;
  getPrivate(collection: string, key: string): Promise<VersionedValue | undefined>;
  /** the hash of a private value and its version, as every peer of the channel holds it */
  getPrivateHash(collection: string, key: string): Promise<VersionedValue | undefined>;
  privateRange(collection: string, start: string, end: string): Promise<(VersionedValue & { key: string })[]>;
  getPrivateValidationParameter(collection: string, key: string): Promise<Uint8Array | undefined>;
  history(key: string): Promise<HistoryEntry[]>;
}

export interface ProposalContext {
  channelId: string;
  txId: string;
  /** MSP id and PEM certificate of the submitting client */
  creator: { mspid: string; idBytes: Uint8Array };
  /** the proposal's timestamp */
  timestamp: Date;
  /** "contract:Function" then the arguments */
  args: readonly Uint8Array[];
  transient: ReadonlyMap<string, Uint8Array>;
  /** MSP id of the simulating peer (CORE_PEER_LOCALMSPID on a real peer) */
  peerMspId: string;
}

export class SimulationError extends Error {}

interface Iterator<T> {
  next(): Promise<{ value?: T; done: boolean }>;
  close(): Promise<void>;
}

function listIterator<T>(items: readonly T[]): Iterator<T> {
  let i = 0;
  return {
    next: () => Promise.resolve(i < items.length ? { value: items[i++]!, done: false } : { done: true }),
    close: () => Promise.resolve(),
  };
}

/** Makes a promise of an iterator also usable with `for await`, as fabric-shim's stub does. */
function iterable<T, R extends Iterator<T> | { iterator: Iterator<T> }>(promise: Promise<R>): Promise<R> & AsyncIterable<T> {
  const p = promise as Promise<R> & AsyncIterable<T>;
  p[Symbol.asyncIterator] = () => {
    let it: Iterator<T> | undefined;
    return {
      next: async () => {
        if (!it) {
          const r = await promise;
          it = 'iterator' in r ? r.iterator : r;
        }
        const n = await it.next();
        return n.done ? { done: true, value: undefined } : { done: false, value: n.value as T };
      },
    };
  };
  return p;
}

const toBuffer = (v: Uint8Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

export class SimulationStub {
  private readonly reads = new Map<string, KeyRead>();
  private readonly rangeQueries: RangeRead[] = [];
  private readonly writes = new Map<string, KeyWrite>();
  private readonly metadataWrites = new Map<string, MetadataWrite>();
  private readonly privateReads = new Map<string, PrivateRead>();
  private readonly privateWrites = new Map<string, PrivateWrite>();
  private readonly privateMetadataWrites = new Map<string, MetadataWrite & { collection: string }>();
  private readonly purges = new Map<string, PrivatePurge>();
  private event: ChaincodeEvent | undefined;
  private paginated = false;

  constructor(
    private readonly state: StateReader,
    private readonly proposal: ProposalContext,
  ) {}

  // ---- identity and arguments --------------------------------------------

  getBufferArgs(): Buffer[] {
    return this.proposal.args.map(toBuffer);
  }
  getArgs(): string[] {
    return this.proposal.args.map((a) => toBuffer(a).toString('utf8'));
  }
  getStringArgs(): string[] {
    return this.getArgs();
  }
  getFunctionAndParameters(): { fcn: string; params: string[] } {
    const [fcn = '', ...params] = this.getArgs();
    return { fcn, params };
  }
  getTxID(): string {
    return this.proposal.txId;
  }
  getChannelID(): string {
    return this.proposal.channelId;
  }
  getCreator(): { mspid: string; idBytes: Uint8Array } {
    return this.proposal.creator;
  }
  getMspID(): string {
    return this.proposal.peerMspId;
  }
  getTransient(): Map<string, Uint8Array> {
    return new Map(this.proposal.transient);
  }
  getTxTimestamp(): { seconds: { low: number; high: number; toNumber(): number }; nanos: number } {
    const ms = this.proposal.timestamp.getTime();
    const seconds = Math.floor(ms / 1000);
    return {
      seconds: { low: seconds | 0, high: Math.floor(seconds / 2 ** 32), toNumber: () => seconds },
      nanos: (ms % 1000) * 1e6,
    };
  }
  getDateTimestamp(): Date {
    return new Date(this.proposal.timestamp.getTime());
  }
  getBinding(): string {
    return createHash('sha256').update(this.proposal.txId).digest('hex');
  }
  getSignedProposal(): never {
    throw new SimulationError('getSignedProposal is not available in the embedded ledger');
  }
  invokeChaincode(): never {
    throw new SimulationError('chaincode-to-chaincode calls are not supported');
  }

  // ---- public state ---------------------------------------------------------

  async getState(key: string): Promise<Buffer> {
    this.checkKey(key);
    const found = await this.state.get(key);
    this.recordRead(key, found?.version ?? null);
    return found ? toBuffer(found.value) : Buffer.alloc(0);
  }

  putState(key: string, value: Uint8Array): Promise<void> {
    this.checkKey(key);
    if (!(value instanceof Uint8Array)) {
      throw new SimulationError(`value for key ${JSON.stringify(key)} must be bytes`);
    }
    // An empty value is a delete in Fabric.
    this.writes.set(key, { key, value: value.length === 0 ? null : Uint8Array.from(value) });
    return Promise.resolve();
  }

  deleteState(key: string): Promise<void> {
    this.checkKey(key);
    this.writes.set(key, { key, value: null });
    return Promise.resolve();
  }

  setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    this.checkKey(key);
    this.metadataWrites.set(key, { key, validationParameter: ep.length === 0 ? null : Uint8Array.from(ep) });
    return Promise.resolve();
  }

  async getStateValidationParameter(key: string): Promise<Buffer> {
    this.checkKey(key);
    const found = await this.state.get(key);
    this.recordRead(key, found?.version ?? null);
    const ep = await this.state.getValidationParameter(key);
    return ep ? toBuffer(ep) : Buffer.alloc(0);
  }

  getStateByRange(startKey: string, endKey: string) {
    if (isCompositeKey(startKey) || isCompositeKey(endKey)) {
      throw new SimulationError('getStateByRange does not take composite keys; use getStateByPartialCompositeKey');
    }
    return iterable(this.rangeQuery(startKey, endKey, undefined, '').then((r) => r.iterator));
  }

  getStateByRangeWithPagination(startKey: string, endKey: string, pageSize: number, bookmark = '') {
    this.paginated = true;
    return iterable(this.rangeQuery(startKey, endKey, pageSize, bookmark));
  }

  getStateByPartialCompositeKey(objectType: string, attributes: string[]) {
    const { start, end } = partialKeyRange(objectType, attributes);
    return iterable(this.rangeQuery(start, end, undefined, '').then((r) => r.iterator));
  }

  getStateByPartialCompositeKeyWithPagination(objectType: string, attributes: string[], pageSize: number, bookmark = '') {
    this.paginated = true;
    const { start, end } = partialKeyRange(objectType, attributes);
    return iterable(this.rangeQuery(start, end, pageSize, bookmark));
  }

  getQueryResult(): never {
    throw new SimulationError('rich queries need CouchDB; customs-ledger uses composite-key indexes');
  }
  getQueryResultWithPagination(): never {
    return this.getQueryResult();
  }

  getHistoryForKey(key: string) {
    this.checkKey(key);
    return iterable(
      this.state.history(key).then((entries) =>
        listIterator(
          entries.map((e) => ({
            txId: e.txId,
            isDelete: e.isDelete,
            value: toBuffer(e.value),
            timestamp: { seconds: e.timestamp.seconds, nanos: e.timestamp.nanos },
          })),
        ),
      ),
    );
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    return createCompositeKey(objectType, attributes);
  }

  splitCompositeKey(compositeKey: string): { objectType: string | null; attributes: string[] } {
    return splitCompositeKey(compositeKey);
  }

  // ---- private data ----------------------------------------------------------

  async getPrivateData(collection: string, key: string): Promise<Buffer> {
    this.checkCollection(collection);
    this.checkKey(key);
    if (!this.state.isCollectionMember(collection)) {
      throw new SimulationError(`peer of ${this.proposal.peerMspId} is not a member of collection ${collection}`);
    }
    const found = await this.state.getPrivate(collection, key);
    this.recordPrivateRead(collection, key, found?.version ?? null);
    return found ? toBuffer(found.value) : Buffer.alloc(0);
  }

  /** Any peer may read a private value's hash; like a read of the value, it is a hashed read of the rwset (MVCC-checked at commit). */
  async getPrivateDataHash(collection: string, key: string): Promise<Buffer> {
    this.checkCollection(collection);
    this.checkKey(key);
    const hash = await this.state.getPrivateHash(collection, key);
    this.recordPrivateRead(collection, key, hash?.version ?? null);
    return hash ? toBuffer(hash.value) : Buffer.alloc(0);
  }

  putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    this.checkCollection(collection);
    this.checkKey(key);
    if (value.length === 0) {
      throw new SimulationError('private data value must not be empty');
    }
    this.privateWrites.set(`${collection}\u0000${key}`, { collection, key, value: Uint8Array.from(value) });
    return Promise.resolve();
  }

  deletePrivateData(collection: string, key: string): Promise<void> {
    this.checkCollection(collection);
    this.checkKey(key);
    this.privateWrites.set(`${collection}\u0000${key}`, { collection, key, value: null });
    return Promise.resolve();
  }

  purgePrivateData(collection: string, key: string): Promise<void> {
    this.checkCollection(collection);
    this.checkKey(key);
    this.purges.set(`${collection}\u0000${key}`, { collection, key });
    return Promise.resolve();
  }

  setPrivateDataValidationParameter(collection: string, key: string, ep: Uint8Array): Promise<void> {
    this.checkCollection(collection);
    this.privateMetadataWrites.set(`${collection}\u0000${key}`, {
      collection,
      key,
      validationParameter: ep.length === 0 ? null : Uint8Array.from(ep),
    });
    return Promise.resolve();
  }

  async getPrivateDataValidationParameter(collection: string, key: string): Promise<Buffer> {
    this.checkCollection(collection);
    const ep = await this.state.getPrivateValidationParameter(collection, key);
    return ep ? toBuffer(ep) : Buffer.alloc(0);
  }

  /** Resolves to `{iterator}`, not to the iterator: that is what fabric-shim 2.5 does for private data. */
  getPrivateDataByRange(collection: string, startKey: string, endKey: string) {
    return iterable(this.privateRangeQuery(collection, startKey, endKey).then((iterator) => ({ iterator })));
  }

  getPrivateDataByPartialCompositeKey(collection: string, objectType: string, attributes: string[]) {
    const { start, end } = partialKeyRange(objectType, attributes);
    return iterable(this.privateRangeQuery(collection, start, end).then((iterator) => ({ iterator })));
  }

  getPrivateDataQueryResult(): never {
    return this.getQueryResult();
  }

  // ---- events ----------------------------------------------------------------

  setEvent(name: string, payload: Uint8Array): void {
    if (typeof name !== 'string' || name.length === 0) {
      throw new SimulationError('event name must be a non-empty string');
    }
    this.event = { name, payload: Uint8Array.from(payload) };
  }

  // ---- results ---------------------------------------------------------------

  /** Throws when the transaction broke a rule of simulation: paginated queries are for read-only transactions. */
  checkRules(): void {
    if (this.paginated && (this.writes.size > 0 || this.privateWrites.size > 0 || this.purges.size > 0)) {
      throw new SimulationError('paginated queries are supported only in read-only transactions');
    }
  }

  /** The read/write set in a canonical order (keys sorted by bytes), so every endorser produces the same bytes. */
  results(): { rwset: ReadWriteSet; event: ChaincodeEvent | null } {
    this.checkRules();
    const byKey = <T extends { key: string }>(m: Map<string, T>): T[] => [...m.values()].sort((a, b) => compareKeys(a.key, b.key));
    const byCollectionKey = <T extends { collection: string; key: string }>(m: Map<string, T>): T[] =>
      [...m.values()].sort((a, b) => compareKeys(a.collection, b.collection) || compareKeys(a.key, b.key));
    const writes = byKey(this.writes);
    return {
      rwset: {
        reads: byKey(this.reads),
        rangeQueries: [...this.rangeQueries],
        writes,
        metadataWrites: byKey(this.metadataWrites),
        privateReads: byCollectionKey(this.privateReads),
        privateWrites: byCollectionKey(this.privateWrites),
        privateMetadataWrites: byCollectionKey(this.privateMetadataWrites),
        purges: byCollectionKey(this.purges),
      },
      event: this.event ?? null,
    };
  }

  // ---- internals -------------------------------------------------------------

  private checkKey(key: string): void {
    if (typeof key !== 'string' || key.length === 0) {
      throw new SimulationError('key must be a non-empty string');
    }
  }

  private checkCollection(collection: string): void {
    if (typeof collection !== 'string' || collection.length === 0) {
      throw new SimulationError('collection must be a non-empty string');
    }
  }

  private recordRead(key: string, version: Version | null): void {
    if (!this.reads.has(key)) {
      this.reads.set(key, { key, version });
    }
  }

  private recordPrivateRead(collection: string, key: string, version: Version | null): void {
    const id = `${collection}\u0000${key}`;
    if (!this.privateReads.has(id)) {
      this.privateReads.set(id, { collection, key, version });
    }
  }

  private async rangeQuery(
    startKey: string,
    endKey: string,
    pageSize: number | undefined,
    bookmark: string,
  ): Promise<{ iterator: Iterator<{ key: string; value: Buffer }>; metadata: { fetchedRecordsCount: number; bookmark: string } }> {
    const from = bookmark !== '' && compareKeys(bookmark, startKey) > 0 ? bookmark : startKey;
    const limit = pageSize === undefined ? undefined : pageSize + 1;
    const found = await this.state.range(from, endKey, limit);
    const page = pageSize === undefined ? found : found.slice(0, pageSize);
    const next = pageSize !== undefined && found.length > pageSize ? found[pageSize]!.key : '';
    this.rangeQueries.push({
      startKey: from,
      endKey,
      exhausted: next === '',
      reads: page.map((kv) => ({ key: kv.key, version: kv.version })),
    });
    return {
      iterator: listIterator(page.map((kv) => ({ key: kv.key, value: toBuffer(kv.value) }))),
      metadata: { fetchedRecordsCount: page.length, bookmark: next },
    };
  }

  private async privateRangeQuery(collection: string, start: string, end: string) {
    this.checkCollection(collection);
    if (!this.state.isCollectionMember(collection)) {
      throw new SimulationError(`peer of ${this.proposal.peerMspId} is not a member of collection ${collection}`);
    }
    const found = await this.state.privateRange(collection, start, end);
    found.forEach((kv) => this.recordPrivateRead(collection, kv.key, kv.version));
    return listIterator(found.map((kv) => ({ key: kv.key, value: toBuffer(kv.value) })));
  }
}
