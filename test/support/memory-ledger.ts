/**
 * A whole channel's committed state in memory, for contract tests: public
 * state with versions, key-level policies and history, private data held only
 * by member organisations (every peer keeps the hashes), and a log of every
 * committed write and event. Transactions run through the real contract
 * dispatcher on the simulation stub; a submit simulates on every endorsing
 * peer, requires identical results, and commits.
 */
import { createHash, randomUUID } from 'node:crypto';
import { contracts } from 'customs-ledger-chaincode';
import { decodeRuleError, type DecodedRuleError } from 'customs-ledger-chaincode/domain';
import { compareKeys } from 'customs-ledger-gateway/dist/fabric-format/keys';
import type { ChaincodeEvent, ReadWriteSet, Version } from 'customs-ledger-gateway/dist/fabric-format/rwset';
import {
  SimulationStub,
  type HistoryEntry,
  type StateReader,
  type VersionedValue,
  ContractHost,
} from 'customs-ledger-gateway/dist/ledger';
import type { TestIdentities, Role } from './identities';

export const CHANNEL = 'customs';
const host = new ContractHost(contracts, 'customs-ledger', '0.1.0');

interface Stored extends VersionedValue {
  validationParameter?: Uint8Array;
}

export interface CallOptions {
  msp: string;
  role?: Role | 'none';
  /** the creator certificate to sign as, e.g. a gateway wallet's; by default the test identity of msp and role */
  certificatePem?: string;
  /** endorsing peers' organisations; defaults to the caller's */
  peers?: string[];
  args?: string[];
  /** bytes are passed as they are; anything else as its JSON text */
  transient?: Record<string, unknown>;
  time?: Date;
}

export interface CallResult {
  ok: boolean;
  status: number;
  message: string;
  payload: string;
  /** the coded refusal, when the contract refused */
  error: DecodedRuleError | undefined;
  rwset: ReadWriteSet | undefined;
  event: ChaincodeEvent | null;
  txId: string;
}

export interface CommittedTx {
  txId: string;
  /** the block the transaction was committed in (one transaction per block; block 0 is the genesis) */
  blockNumber: number;
  /** the transaction's timestamp */
  time: Date;
  creatorMsp: string;
  fn: string;
  rwset: ReadWriteSet;
  event: ChaincodeEvent | null;
}

const implicitMember = (collection: string, msp: string): boolean => collection === `_implicit_org_${msp}`;

export class MemoryLedger {
  readonly state = new Map<string, Stored>();
  readonly history = new Map<string, HistoryEntry[]>();
  /** private data per organisation: msp -> collection\0key -> value */
  readonly privateData = new Map<string, Map<string, Stored>>();
  readonly privateHashes = new Map<string, Stored>();
  readonly committed: CommittedTx[] = [];
  /** told about every commit, after it is applied */
  readonly commitListeners = new Set<(tx: CommittedTx) => void>();
  private block = 0;
  /** the clock transactions use unless a call names its own time */
  now = new Date('2026-03-02T09:00:00.000Z');

  constructor(readonly identities: TestIdentities) {}

  readerFor(peerMsp: string): StateReader {
    const sorted = (m: Map<string, Stored>, start: string, end: string) =>
      [...m.entries()]
        .filter(([k]) => compareKeys(k, start) >= 0 && (end === '' || compareKeys(k, end) < 0))
        .sort(([a], [b]) => compareKeys(a, b))
        .map(([key, v]) => ({ key, value: v.value, version: v.version }));
    const own = (): Map<string, Stored> => this.privateData.get(peerMsp) ?? new Map<string, Stored>();
    const inCollection = (collection: string): Map<string, Stored> =>
      new Map(
        [...own().entries()]
          .filter(([k]) => k.startsWith(`${collection}\u0000`))
          .map(([k, v]) => [k.slice(collection.length + 1), v]),
      );
    return {
      get: (key) => Promise.resolve(this.state.get(key)),
      range: (start, end, limit) => Promise.resolve(sorted(this.state, start, end).slice(0, limit ?? Infinity)),
      getValidationParameter: (key) => Promise.resolve(this.state.get(key)?.validationParameter),
      isCollectionMember: (collection) => implicitMember(collection, peerMsp),
      getPrivate: (collection, key) => Promise.resolve(own().get(`${collection}\u0000${key}`)),
      getPrivateHash: (collection, key) => Promise.resolve(this.privateHashes.get(`${collection}\u0000${key}`)),
      privateRange: (collection, start, end) => Promise.resolve(sorted(inCollection(collection), start, end)),
      getPrivateValidationParameter: () => Promise.resolve(undefined),
      // newest first, as a Fabric 2.5 peer answers GetHistoryForKey
      history: (key) => Promise.resolve([...(this.history.get(key) ?? [])].reverse()),
    };
  }

  private members: Promise<void> | undefined;

  /**
   * Every organisation registers as a member of the channel before the first
   * call, as each member's deployment does (network.sh deploy, or
   * EmbeddedNetwork.start): agreements can name registered members only.
   */
  private registerMembers(): Promise<void> {
    this.members ??= (async () => {
      for (const msp of this.identities.msps) {
        const result = await this.submitNow('membership:Register', { msp, role: 'admin' });
        if (!result.ok) {
          throw new Error(`${msp} could not register: ${result.message}`);
        }
      }
    })();
    return this.members;
  }

  /** Simulates on each endorsing peer; does not commit. */
  async evaluate(fn: string, options: CallOptions): Promise<CallResult> {
    await this.registerMembers();
    const results = await this.simulateAll(fn, options);
    return results[0]!;
  }

  /** Simulates on every endorsing peer, checks they agree, and commits when the contract succeeded. */
  async submit(fn: string, options: CallOptions): Promise<CallResult> {
    await this.registerMembers();
    return this.submitNow(fn, options);
  }

  private async submitNow(fn: string, options: CallOptions): Promise<CallResult> {
    const results = await this.simulateAll(fn, options);
    const first = results[0]!;
    if (!first.ok || !first.rwset) {
      return first;
    }
    const fingerprint = (r: CallResult) => createHash('sha256').update(serializeRwset(r.rwset!, r.event, r.payload)).digest('hex');
    const expected = fingerprint(first);
    for (const other of results.slice(1)) {
      if (!other.ok || fingerprint(other) !== expected) {
        throw new Error(`endorsers disagree on ${fn}: ${other.ok ? 'different read/write sets' : other.message}`);
      }
    }
    this.commit(first.txId, fn, first.rwset, first.event, options.time ?? this.now, options.msp);
    return first;
  }

  private async simulateAll(fn: string, options: CallOptions): Promise<CallResult[]> {
    const txId = createHash('sha256').update(randomUUID()).digest('hex');
    const peers = options.peers ?? [options.msp];
    const out: CallResult[] = [];
    for (const peerMsp of peers) {
      out.push(await this.simulate(fn, options, peerMsp, txId));
    }
    return out;
  }

  private async simulate(fn: string, options: CallOptions, peerMsp: string, txId: string): Promise<CallResult> {
    const certificatePem = options.certificatePem ?? this.identities.user(options.msp, options.role ?? 'officer').certificatePem;
    const transient = new Map<string, Uint8Array>(
      Object.entries(options.transient ?? {}).map(([k, v]) => [
        k,
        v instanceof Uint8Array ? v : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8'),
      ]),
    );
    const stub = new SimulationStub(this.readerFor(peerMsp), {
      channelId: CHANNEL,
      txId,
      creator: { mspid: options.msp, idBytes: Buffer.from(certificatePem) },
      timestamp: options.time ?? this.now,
      args: [fn, ...(options.args ?? [])].map((a) => Buffer.from(a, 'utf8')),
      transient,
      peerMspId: peerMsp,
    });
    const response = await host.invoke(stub);
    let rwset: ReadWriteSet | undefined;
    let event: ChaincodeEvent | null = null;
    let message = response.message;
    let ok = response.status === 200;
    if (ok) {
      try {
        ({ rwset, event } = stub.results());
      } catch (err) {
        ok = false;
        message = (err as Error).message;
      }
    }
    return {
      ok,
      status: ok ? 200 : 500,
      message,
      payload: response.payload.toString('utf8'),
      error: ok ? undefined : decodeRuleError(message),
      rwset,
      event,
      txId,
    };
  }

  /**
   * What a member's own build of the chaincode may still do to a key it owns
   * (the key-level policy names it alone): put any bytes under it, committed
   * as that member's transaction. The rogue-member suite does it through
   * Fabric's validation; this is for the readers' tests.
   */
  ownerWrite(msp: string, key: string, value: Uint8Array): string {
    const policy = this.state.get(key)?.validationParameter;
    const names = (m: string): boolean => policy !== undefined && Buffer.from(policy).includes(Buffer.from(m));
    if (!names(msp) || this.identities.msps.some((m) => m !== msp && names(m))) {
      throw new Error(`${msp} does not own ${key.split('\u0000').join('/')}`);
    }
    const txId = randomUUID().replaceAll('-', '');
    const rwset: ReadWriteSet = { reads: [], rangeQueries: [], writes: [{ key, value }], metadataWrites: [], privateReads: [], privateWrites: [], privateMetadataWrites: [], purges: [] };
    this.commit(txId, 'rogue:Put', rwset, null, this.now, msp);
    return txId;
  }

  private commit(txId: string, fn: string, rwset: ReadWriteSet, event: ChaincodeEvent | null, time: Date, creatorMsp: string): void {
    this.block += 1;
    const version: Version = { block: this.block, tx: 0 };
    const timestamp = { seconds: Math.floor(time.getTime() / 1000), nanos: (time.getTime() % 1000) * 1e6 };
    for (const w of rwset.writes) {
      const entries = this.history.get(w.key) ?? [];
      entries.push({ txId, timestamp, isDelete: w.value === null, value: w.value ?? new Uint8Array() });
      this.history.set(w.key, entries);
      if (w.value === null) {
        this.state.delete(w.key);
      } else {
        const before = this.state.get(w.key);
        this.state.set(w.key, { value: w.value, version, ...(before?.validationParameter ? { validationParameter: before.validationParameter } : {}) });
      }
    }
    for (const m of rwset.metadataWrites) {
      const current = this.state.get(m.key);
      if (current) {
        if (m.validationParameter) {
          current.validationParameter = m.validationParameter;
        } else {
          delete current.validationParameter;
        }
      }
    }
    for (const w of rwset.privateWrites) {
      const id = `${w.collection}\u0000${w.key}`;
      if (w.value === null) {
        this.privateHashes.delete(id);
      } else {
        this.privateHashes.set(id, { value: createHash('sha256').update(w.value).digest(), version });
      }
      for (const msp of this.identities.msps) {
        if (implicitMember(w.collection, msp)) {
          const store = this.privateData.get(msp) ?? new Map<string, Stored>();
          if (w.value === null) {
            store.delete(id);
          } else {
            store.set(id, { value: w.value, version });
          }
          this.privateData.set(msp, store);
        }
      }
    }
    for (const p of rwset.purges) {
      const id = `${p.collection}\u0000${p.key}`;
      this.privateHashes.delete(id);
      for (const store of this.privateData.values()) {
        store.delete(id);
      }
    }
    const tx: CommittedTx = { txId, blockNumber: this.block, time, creatorMsp, fn, rwset, event };
    this.committed.push(tx);
    for (const listener of this.commitListeners) {
      listener(tx);
    }
  }

  /** A digest of everything every peer holds, to assert that a refused call wrote nothing. */
  fingerprint(): string {
    const h = createHash('sha256');
    const put = (label: string, m: Map<string, Stored | Uint8Array>) => {
      for (const [k, v] of [...m.entries()].sort(([a], [b]) => compareKeys(a, b))) {
        const value = v instanceof Uint8Array ? v : v.value;
        h.update(label).update(k).update(value);
        if (!(v instanceof Uint8Array) && v.validationParameter) {
          h.update(v.validationParameter);
        }
      }
    };
    put('state', this.state);
    put('hashes', this.privateHashes);
    for (const [msp, store] of [...this.privateData.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      put(`private:${msp}`, store);
    }
    h.update(String(this.committed.length));
    return h.digest('hex');
  }
}

/** Bytes of a simulation's results, to compare what two endorsers produced. */
function serializeRwset(rwset: ReadWriteSet, event: ChaincodeEvent | null, payload: string): string {
  const hex = (v: Uint8Array | null) => (v === null ? null : Buffer.from(v).toString('hex'));
  return JSON.stringify({
    reads: rwset.reads,
    ranges: rwset.rangeQueries,
    writes: rwset.writes.map((w) => [w.key, hex(w.value)]),
    meta: rwset.metadataWrites.map((m) => [m.key, hex(m.validationParameter)]),
    preads: rwset.privateReads,
    pwrites: rwset.privateWrites.map((w) => [w.collection, w.key, hex(w.value)]),
    purges: rwset.purges,
    event: event ? [event.name, hex(event.payload)] : null,
    payload,
  });
}
