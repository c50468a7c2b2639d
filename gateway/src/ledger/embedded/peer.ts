/**
 * One member organisation's peer in the embedded network. It endorses
 * (simulates the real contracts on its committed state and signs the
 * result), and it validates and commits every block the orderer delivers:
 * creator and endorser signatures and certificates, the chaincode policy,
 * key-level policies, the owner's endorsement on every write to an implicit
 * collection, duplicate transaction ids, MVCC versions and phantom reads.
 * An invalid transaction stays in its block with its validation code. Each
 * committed block gets its validation codes and, from block 1 on, the
 * commit hash chained over the state updates it commits (commit-hash.ts).
 */
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { implicitCollectionOwner } from 'customs-ledger-chaincode/domain';
import { common } from '@hyperledger/fabric-protos';
import type { ValidationCode } from '../backend';
import { buildProposalResponsePayload, endorse, type EndorsementBytes } from '../../fabric-format/envelope';
import { buildReadWriteSet, decodePrivateWrites, type PrivateWriteSet } from '../../fabric-format/rwset';
import { decodeSignedProposal } from '../../fabric-format/proposal';
import { sha256 } from '../../fabric-format/signing';
import type { DecodedTransaction } from '../../fabric-format/decoded';
import type { Signer } from '../../fabric-format/identity';
import { commitHashEntryOf, transactionsFilter, withCommitMetadata } from '../../fabric-format/block';
import { addTransactionUpdates, commitHash, metadataOnlyKeys, commitHashMetadata, readCommitHashMetadata, updateBatchBytes, UpdateBatch } from '../../fabric-format/commit-hash';
import { verifySignature } from '../../fabric-format/signing';
import type { ContractHost } from './dispatch';
import { compareKeys } from '../../fabric-format/keys';
import { ReadWriteLock } from './lock';
import type { Membership } from './membership';
import { chaincodePolicySatisfied, policySatisfied, type ChaincodePolicy, type Endorser } from './policy';
import { sameVersion, type Version } from '../../fabric-format/rwset';
import { SimulationStub, type StateReader } from './simulation';
import { SharedWork } from './shared-work';
import { collectionKey, type BatchOp, type PeerStore, type StateEntry, type TxLocation } from './storage';

export interface ChaincodeDefinition {
  name: string;
  version: string;
  endorsementPolicy: ChaincodePolicy;
}

export interface ProposalResult {
  transactionId: string;
  status: number;
  message: string;
  payload: Buffer;
  /** set when the chaincode succeeded */
  proposalResponsePayload?: Uint8Array;
  endorsement?: EndorsementBytes;
  privateSets?: PrivateWriteSet[];
}

export interface CommittedBlockEvent {
  number: number;
  codes: ValidationCode[];
  transactions: { transactionId: string; code: ValidationCode; event: { name: string; payload: Uint8Array } | null }[];
}

export class EndorsementRefused extends Error {}

const implicitOwner = implicitCollectionOwner;

interface PendingState {
  entry: StateEntry | null;
}

export class EmbeddedPeer extends EventEmitter {
  private readonly lock = new ReadWriteLock();
  private commitChain: Promise<unknown> = Promise.resolve();
  private heightCache = 0;
  /** the committed state as simulations read it (made once) */
  private stateReader: StateReader | undefined;
  /** the COMMIT_HASH of the last committed block (empty before block 1) */
  private lastCommitHash: Buffer = Buffer.alloc(0);

  constructor(
    readonly mspId: string,
    private readonly signer: Signer,
    readonly store: PeerStore,
    private readonly channelId: string,
    private readonly chaincode: ChaincodeDefinition,
    private readonly membership: Membership,
    private readonly host: ContractHost,
    private readonly options: { syncWrites: boolean },
    private readonly shared: SharedWork = new SharedWork(),
  ) {
    super();
    this.setMaxListeners(0);
  }

  async open(): Promise<void> {
    await this.store.open();
    this.heightCache = await this.store.height();
    const last = this.heightCache > 0 ? await this.store.block(this.heightCache - 1) : undefined;
    this.lastCommitHash = last ? readCommitHashMetadata(commitHashEntryOf(last)) : Buffer.alloc(0);
  }

  get height(): number {
    return this.heightCache;
  }

  blockHeight(): Promise<number> {
    return Promise.resolve(this.heightCache);
  }

  async close(): Promise<void> {
    await this.commitChain;
    await this.store.close();
  }

  txLocation(transactionId: string): Promise<TxLocation | undefined> {
    return this.store.txLocation(transactionId);
  }

  block(n: number): Promise<Uint8Array | undefined> {
    return this.store.block(n);
  }

  // ---- endorsement -----------------------------------------------------------------

  /** Simulates a signed proposal; signs the result when the chaincode succeeded. */
  async processProposal(signedProposal: Uint8Array, endorse_ = true): Promise<ProposalResult> {
    const proposal = decodeSignedProposal(signedProposal);
    if (proposal.channelId !== this.channelId) {
      throw new EndorsementRefused(`channel ${proposal.channelId} is not served by this peer`);
    }
    const identity = this.membership.check(proposal.creator.mspId, proposal.creator.certificatePem, proposal.timestamp);
    if (!identity.valid) {
      throw new EndorsementRefused(`creator refused: ${identity.reason ?? 'unknown identity'}`);
    }
    if (!verifySignature(proposal.creator.certificatePem, proposal.proposalBytes, proposal.signature)) {
      throw new EndorsementRefused('the proposal signature does not verify');
    }
    const expectedTxId = sha256(Buffer.concat([proposal.nonce, proposal.creatorBytes])).toString('hex');
    if (expectedTxId !== proposal.transactionId) {
      throw new EndorsementRefused('the transaction id is not derived from the nonce and creator');
    }
    const simulated = await this.lock.read(async () => {
      const stub = new SimulationStub((this.stateReader ??= this.reader()), {
        channelId: this.channelId,
        txId: proposal.transactionId,
        creator: { mspid: proposal.creator.mspId, idBytes: Buffer.from(proposal.creator.certificatePem, 'utf8') },
        timestamp: proposal.timestamp,
        args: proposal.args.map((a) => Buffer.from(a, 'utf8')),
        transient: proposal.transient,
        peerMspId: this.mspId,
      });
      const response = await this.host.invoke(stub);
      if (response.status !== 200) {
        return { response, results: undefined };
      }
      try {
        // A query is answered, not endorsed: its read/write set is checked but never built.
        if (!endorse_) {
          stub.checkRules();
          return { response, results: undefined };
        }
        return { response, results: stub.results() };
      } catch (err) {
        return { response: { status: 500, message: (err as Error).message, payload: Buffer.alloc(0) }, results: undefined };
      }
    });
    const base = {
      transactionId: proposal.transactionId,
      status: simulated.response.status,
      message: simulated.response.message,
      payload: simulated.response.payload,
    };
    if (!simulated.results || !endorse_) {
      return base;
    }
    const { results, privateSets } = buildReadWriteSet(this.chaincode.name, simulated.results.rwset);
    const prp = buildProposalResponsePayload(
      { transactionId: proposal.transactionId, proposalHash: proposal.proposalHash },
      this.chaincode.name,
      this.chaincode.version,
      results,
      simulated.results.event,
      { status: 200, message: '', payload: simulated.response.payload },
    );
    return { ...base, proposalResponsePayload: prp, endorsement: endorse(prp, this.signer), privateSets };
  }

  /** Holds the private part of a transaction until its block commits (Fabric's transient store). */
  async storePrivateData(transactionId: string, sets: readonly PrivateWriteSet[]): Promise<void> {
    for (const set of sets) {
      if (this.isMember(set.collection)) {
        await this.store.putTransient(transactionId, set.collection, set.rwset);
      }
    }
  }

  isMember(collection: string): boolean {
    return implicitOwner(collection) === this.mspId;
  }

  reader(): StateReader {
    const store = this.store;
    return {
      get: (key) => store.getState(key),
      range: (start, end, limit) => store.rangeState(start, end, limit),
      getValidationParameter: async (key) => (await store.getState(key))?.validationParameter,
      isCollectionMember: (collection) => this.isMember(collection),
      getPrivate: (collection, key) => store.getPrivate(collection, key),
      getPrivateHash: (collection, key) => store.getPrivateHash(collection, sha256(Buffer.from(key, 'utf8')).toString('hex')),
      privateRange: (collection, start, end) => store.rangePrivate(collection, start, end),
      getPrivateValidationParameter: () => Promise.resolve(undefined),
      history: (key) => store.history_(key),
    };
  }

  // ---- validation and commit --------------------------------------------------------------

  /** Validates and commits one block; blocks are committed strictly in order. */
  commitBlock(blockBytes: Uint8Array): Promise<CommittedBlockEvent> {
    const next = this.commitChain.then(() => this.lock.write(() => this.validateAndCommit(blockBytes)));
    this.commitChain = next.catch(() => undefined);
    return next;
  }

  private async validateAndCommit(blockBytes: Uint8Array): Promise<CommittedBlockEvent> {
    const { block, transactions: decoded } = this.shared.decode(blockBytes);
    const height = await this.store.height();
    // Everything the block's validation will read, fetched up front: one read per kind, not one per key.
    const valid = decoded.filter((tx): tx is DecodedTransaction => tx !== undefined);
    const [known, transient] = await Promise.all([
      this.store.knownTransactions(valid.map((tx) => tx.transactionId).filter((id) => id !== '')),
      this.store.transientMany(
        valid.flatMap((tx) => tx.rwset.collections.filter((c) => this.isMember(c.collection)).map((c) => ({ txId: tx.transactionId, collection: c.collection }))),
      ),
      this.store.prefetchState(valid.flatMap((tx) => [...tx.rwset.reads.map((r) => r.key), ...tx.rwset.writes.map((w) => w.key), ...tx.rwset.metadataWrites.map((m) => m.key)])),
    ]);
    if (block.number !== height) {
      throw new Error(`peer ${this.mspId} expected block ${height}, got ${block.number}`);
    }
    const pending = new Map<string, PendingState>();
    const pendingHashes = new Map<string, { version: Version; valueHash: Uint8Array } | null>();
    const seen = new Set<string>();
    /** keys whose validation parameter a valid transaction of this block set */
    const parameterUpdated = new Set<string>();
    const ops: BatchOp[] = [];
    const codes: ValidationCode[] = [];
    const transactions: CommittedBlockEvent['transactions'] = [];
    const updates = new UpdateBatch();

    for (const [txNum, tx] of decoded.entries()) {
      let code: ValidationCode;
      try {
        code = !tx
          ? 'INVALID_OTHER_REASON'
          : block.number === 0 && tx.headerType === common.HeaderType.CONFIG
            ? 'VALID'
            : known.has(tx.transactionId) || seen.has(tx.transactionId)
              ? 'DUPLICATE_TXID'
              : await this.validate(tx, pending, pendingHashes, parameterUpdated);
      } catch {
        code = 'INVALID_OTHER_REASON';
      }
      codes.push(code);
      const transactionId = tx?.transactionId ?? '';
      if (transactionId !== '' && !known.has(transactionId) && !seen.has(transactionId)) {
        ops.push(this.store.txIndexOp(transactionId, { block: block.number, tx: txNum, code }));
      }
      if (transactionId !== '') {
        seen.add(transactionId);
      }
      transactions.push({ transactionId, code, event: code === 'VALID' && tx ? tx.event : null });
      if (code === 'VALID' && tx && tx.headerType === common.HeaderType.ENDORSER_TRANSACTION) {
        tx.rwset.metadataWrites.forEach((m) => parameterUpdated.add(m.key));
        const committed = [{ namespace: this.chaincode.name, ...tx.rwset }];
        const latest = new Map<string, Uint8Array | null>();
        for (const { key } of metadataOnlyKeys(committed)) {
          latest.set(key, (await this.currentState(key, pending))?.value ?? null);
        }
        addTransactionUpdates(updates, { block: block.number, tx: txNum }, committed, (_ns, key) => latest.get(key) ?? null);
        await this.apply(tx, { block: block.number, tx: txNum }, pending, pendingHashes, ops, transient);
      }
    }
    // As Fabric's kvledger: the commit hash chain starts at block 1 (a peer that joined later has none).
    const hash =
      block.number === 1 || this.lastCommitHash.length > 0 ? commitHash(transactionsFilter(codes), updateBatchBytes(updates), this.lastCommitHash) : undefined;
    ops.push(this.store.blockOp(block.number, withCommitMetadata(blockBytes, codes, hash && commitHashMetadata(hash))));
    ops.push(this.store.heightOp(block.number + 1));
    await this.store.commit(ops, this.options.syncWrites, block.number + 1);
    this.heightCache = block.number + 1;
    if (hash) {
      this.lastCommitHash = hash;
    }
    const event: CommittedBlockEvent = { number: block.number, codes, transactions };
    this.emit('block', event);
    return event;
  }

  private async currentState(key: string, pending: Map<string, PendingState>): Promise<StateEntry | undefined> {
    const p = pending.get(key);
    if (p) {
      return p.entry ?? undefined;
    }
    return this.store.getState(key);
  }

  private async validate(
    tx: DecodedTransaction,
    pending: Map<string, PendingState>,
    pendingHashes: Map<string, { version: Version; valueHash: Uint8Array } | null>,
    parameterUpdated: ReadonlySet<string>,
  ): Promise<ValidationCode> {
    if (tx.headerType !== common.HeaderType.ENDORSER_TRANSACTION || tx.channelId !== this.channelId) {
      return 'INVALID_OTHER_REASON';
    }
    const creator = this.membership.check(tx.creator.mspId, tx.creator.certificatePem, tx.timestamp);
    if (!creator.valid || !this.shared.verify(tx.creator.certificatePem, tx.payloadBytes, tx.signature)) {
      return 'BAD_CREATOR_SIGNATURE';
    }
    if (tx.chaincode !== this.chaincode.name || tx.response.status !== 200) {
      return 'INVALID_ENDORSER_TRANSACTION';
    }
    // Endorsements: each a member peer, each signature over (response payload || endorser identity).
    const endorsers: Endorser[] = [];
    for (const e of tx.endorsements) {
      const check = this.membership.check(e.mspId, e.certificatePem, tx.timestamp);
      if (!check.valid || !this.shared.verify(e.certificatePem, [tx.proposalResponsePayload, e.endorser], e.signature)) {
        return 'ENDORSEMENT_POLICY_FAILURE';
      }
      endorsers.push({ mspId: e.mspId, isPeer: check.isPeer });
    }
    // Key-level policies replace the chaincode policy for the keys that carry one.
    let needsChaincodePolicy = false;
    const writtenKeys = new Set([...tx.rwset.writes.map((w) => w.key), ...tx.rwset.metadataWrites.map((m) => m.key)]);
    // As Fabric's key-level validator does: a key whose policy an earlier transaction of this block set
    // cannot be validated against a policy that was not yet committed when this one was endorsed.
    for (const key of writtenKeys) {
      if (parameterUpdated.has(key)) {
        return 'ENDORSEMENT_POLICY_FAILURE';
      }
    }
    for (const key of writtenKeys) {
      const vp = (await this.currentState(key, pending))?.validationParameter;
      if (vp && vp.length > 0) {
        if (!policySatisfied(vp, endorsers)) {
          return 'ENDORSEMENT_POLICY_FAILURE';
        }
      } else {
        needsChaincodePolicy = true;
      }
    }
    // A write or purge in an organisation's implicit collection needs that organisation's endorsement.
    let collectionWrites = false;
    for (const c of tx.rwset.collections) {
      const owner = implicitOwner(c.collection);
      if (c.hashedWrites.length > 0) {
        collectionWrites = true;
        if (owner === undefined || !endorsers.some((e) => e.mspId === owner && e.isPeer)) {
          return 'ENDORSEMENT_POLICY_FAILURE';
        }
      }
    }
    // As Fabric's v20 validator: the chaincode policy applies to any public write without a key-level policy,
    // and to a transaction for which no other policy was evaluated; writes only into implicit collections and
    // keys with key-level policies are valid without it.
    if (
      (needsChaincodePolicy || (writtenKeys.size === 0 && !collectionWrites)) &&
      !chaincodePolicySatisfied(this.chaincode.endorsementPolicy, this.membership.mspIds, endorsers)
    ) {
      return 'ENDORSEMENT_POLICY_FAILURE';
    }
    // MVCC: every read must still be at the version the endorser saw.
    for (const read of tx.rwset.reads) {
      const current = await this.currentState(read.key, pending);
      if (!sameVersion(current?.version ?? null, read.version)) {
        return 'MVCC_READ_CONFLICT';
      }
    }
    for (const c of tx.rwset.collections) {
      for (const read of c.hashedReads) {
        const id = collectionKey(c.collection, read.keyHash.toString('hex'));
        const p = pendingHashes.get(id);
        const current = p !== undefined ? p : await this.store.getPrivateHash(c.collection, read.keyHash.toString('hex'));
        if (!sameVersion(current?.version ?? null, read.version)) {
          return 'MVCC_READ_CONFLICT';
        }
      }
    }
    for (const q of tx.rwset.rangeQueries) {
      if (!(await this.rangeUnchanged(q, pending))) {
        return 'PHANTOM_READ_CONFLICT';
      }
    }
    return 'VALID';
  }

  private async rangeUnchanged(
    q: DecodedTransaction['rwset']['rangeQueries'][number],
    pending: Map<string, PendingState>,
  ): Promise<boolean> {
    const inRange = (k: string) => compareKeys(k, q.startKey) >= 0 && (q.endKey === '' || compareKeys(k, q.endKey) < 0);
    const merged = new Map<string, Version>();
    for (const e of await this.store.rangeState(q.startKey, q.endKey)) {
      merged.set(e.key, e.version);
    }
    for (const [k, p] of pending) {
      if (inRange(k)) {
        if (p.entry) {
          merged.set(k, p.entry.version);
        } else {
          merged.delete(k);
        }
      }
    }
    let now = [...merged.entries()].sort(([a], [b]) => compareKeys(a, b));
    if (!q.exhausted) {
      // A page (or an early stop) only read up to its last key.
      const last = q.reads.at(-1)?.key;
      now = last === undefined ? [] : now.filter(([k]) => compareKeys(k, last) <= 0);
    }
    return now.length === q.reads.length && now.every(([k, v], i) => q.reads[i]!.key === k && sameVersion(q.reads[i]!.version, v));
  }

  private async apply(
    tx: DecodedTransaction,
    version: Version,
    pending: Map<string, PendingState>,
    pendingHashes: Map<string, { version: Version; valueHash: Uint8Array } | null>,
    ops: BatchOp[],
    transient: Map<string, Uint8Array>,
  ): Promise<void> {
    for (const w of tx.rwset.writes) {
      const before = await this.currentState(w.key, pending);
      if (w.value === null) {
        pending.set(w.key, { entry: null });
      } else {
        const entry: StateEntry = { value: w.value, version };
        if (before?.validationParameter) {
          entry.validationParameter = before.validationParameter;
        }
        pending.set(w.key, { entry });
      }
      ops.push(this.store.historyOp(w.key, version));
    }
    for (const m of tx.rwset.metadataWrites) {
      const current = await this.currentState(m.key, pending);
      if (current) {
        const entry: StateEntry = { value: current.value, version: current.version };
        if (m.validationParameter) {
          entry.validationParameter = m.validationParameter;
        }
        pending.set(m.key, { entry });
      }
    }
    for (const key of new Set([...tx.rwset.writes.map((w) => w.key), ...tx.rwset.metadataWrites.map((m) => m.key)])) {
      const p = pending.get(key)!;
      ops.push(p.entry ? this.store.putStateOp(key, p.entry) : this.store.delStateOp(key));
    }
    for (const c of tx.rwset.collections) {
      for (const w of c.hashedWrites) {
        const keyHashHex = w.keyHash.toString('hex');
        const id = collectionKey(c.collection, keyHashHex);
        if (w.isDelete || w.isPurge) {
          pendingHashes.set(id, null);
          ops.push(this.store.delPrivateHashOp(c.collection, keyHashHex));
        } else if (w.valueHash) {
          pendingHashes.set(id, { version, valueHash: w.valueHash });
          ops.push(this.store.putPrivateHashOp(c.collection, keyHashHex, version, w.valueHash));
        }
      }
      if (!this.isMember(c.collection)) {
        continue;
      }
      for (const w of c.hashedWrites.filter((h) => h.isPurge)) {
        const plainKey = await this.store.privateKeyOf(c.collection, w.keyHash.toString('hex'));
        if (plainKey !== undefined) {
          ops.push(this.store.delPrivateOp(c.collection, plainKey), this.store.delPrivateKeyOp(c.collection, w.keyHash.toString('hex')));
        }
      }
      const pvt = transient.get(`${tx.transactionId}\u0000${c.collection}`);
      if (!pvt) {
        if (c.hashedWrites.some((h) => !h.isPurge)) {
          this.emit('missingPrivateData', { transactionId: tx.transactionId, collection: c.collection });
        }
        continue;
      }
      if (!sha256(pvt).equals(c.pvtRwsetHash)) {
        this.emit('missingPrivateData', { transactionId: tx.transactionId, collection: c.collection, reason: 'hash mismatch' });
        continue;
      }
      for (const w of decodePrivateWrites(pvt)) {
        const keyHashHex = createHash('sha256').update(w.key).digest('hex');
        if (w.value === null) {
          ops.push(this.store.delPrivateOp(c.collection, w.key), this.store.delPrivateKeyOp(c.collection, keyHashHex));
        } else {
          ops.push(this.store.putPrivateOp(c.collection, w.key, version, w.value), this.store.putPrivateKeyOp(c.collection, keyHashHex, w.key));
        }
      }
      ops.push(this.store.delTransientOp(tx.transactionId, c.collection));
    }
  }
}
