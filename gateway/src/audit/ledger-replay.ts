/**
 * The auditor's replay of the ledger from raw block bytes: the hash chain
 * and the orderer's signature on every header, the data hash over every
 * block's transactions, each validation code derived again and compared
 * with the one the peer wrote, the peer's commit hash over the block's
 * updates, DESIGN's rules on every transaction that the
 * peer or the replay holds valid, and the world state rebuilt into a LevelDB
 * that a later replay continues from (the checkpoint).
 */
import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import type { ValidationCode } from '../ledger/backend';
import { blockHeaderHash } from '../fabric-format/block';
import type { DecodedBlock } from '../fabric-format/decoded';
import { functionOf } from '../ledger/block-view';
import { readBlock, type ReadBlock, type ReadTransaction } from '../fabric-format/block-reader';
import { addTransactionUpdates, commitHash, metadataOnlyKeys, readCommitHashMetadata, updateBatchBytes, UpdateBatch } from '../fabric-format/commit-hash';
import { readEnvelope } from '../fabric-format/block-reader';
import type { DecodedTransaction } from '../fabric-format/decoded';
import { checkAgreementWrites, checkMemberWrites } from './agreement-rules';
import type { BlockSource } from './block-source';
import { ChannelTrust } from './channel-trust';
import { finding, type Finding, type FindingSite } from './finding';
import { prepareBlock, unreadableBlock, type BlockVerdicts, type Preparation, type PreparedBlock } from './prepared-block';
import { checkPurgeWrites } from './purge-rules';
import { ReadAhead } from './read-ahead';
import { checkRecordWrites } from './record-rules';
import type { ReplayPosition, ReplayState, Version } from './replay-state';
import type { RuleContext } from './rule-context';
import { checkShareWrites } from './sharing-rules';
import { inlineChecker, traderCheckKey, traderSignatureValid, type SignatureChecker, type TraderCheck } from './signature-checks';
import { deriveValidationCode, isLifecycleTransaction, stateNamespace, type Derivation } from './transaction-validation';

export interface ReplayProgress {
  block: number;
  height: number;
  transactions: number;
}

export interface ReplayRunOptions {
  /** last block to replay, inclusive (default: the newest) */
  to?: number;
  /** findings of blocks before this one are not reported (they are still replayed into the state) */
  reportFrom?: number;
  chaincode: string;
  /** hex header hash of block 0 the auditor trusts, obtained out of band */
  expectedGenesisHash?: string;
  onProgress?: (p: ReplayProgress) => void;
}

/** The genesis block the replay trusted: its hash, whether the caller pinned it, and who signed it. */
export interface TrustedGenesis {
  /** hex header hash of block 0 */
  hash: string;
  /** true when it equals the caller's `expectedGenesisHash` (obtained out of band) */
  pinned: boolean;
  /** the orderer MSP that signed its config transaction, or null when unsigned (configtxgen) and trusted by its hash alone */
  signedBy: string | null;
}

export interface RunSummary {
  channelId: string;
  genesisHash: string;
  /** the genesis block whose configuration every check rests on */
  trustedGenesis: TrustedGenesis;
  /** blocks after block 0 whose CONFIG transaction changed the channel's trust */
  configBlocks: number[];
  fromBlock: number;
  toBlock: number;
  height: number;
  blocks: number;
  transactions: number;
  validTransactions: number;
  findings: Finding[];
  /**
   * Writes the ledger refused: transactions that the peer recorded, and the
   * replay derives, as ENDORSEMENT_POLICY_FAILURE: a client and endorsers
   * trying to write keys or collections whose policy they cannot satisfy,
   * such as another member's data. They changed nothing, so they are no
   * finding, but an auditor lists them: each is an attempt someone made.
   */
  refusedWrites: RefusedWrite[];
  headHash: string;
}

export interface RefusedWrite {
  block: number;
  tx: number;
  txId: string;
  /** the submitting client's organisation */
  creator: string;
  /** the organisations whose peers endorsed it */
  endorsedBy: string[];
  /** "contract:Function" (another chaincode's prefixed with its name) */
  fn: string;
  /** why the policy was not met */
  reason: string;
}

/** The time a block was cut, as near as its content says: its first transaction's timestamp. */
function blockTime(block: DecodedBlock): Date {
  try {
    return block.envelopes[0] ? readEnvelope(block.envelopes[0]).timestamp : new Date();
  } catch {
    return new Date();
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/** blockDataHash (SHA-256 over the concatenated envelopes), hashed envelope by envelope instead of copied together first. */
function dataHashOf(envelopes: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const e of envelopes) {
    hash.update(e);
  }
  return hash.digest();
}

/** How many blocks are read and prepared ahead of the one being replayed. */
const READ_AHEAD = 32;

export class LedgerReplayer {
  private trust: ChannelTrust | undefined;
  private configBlocks: number[] = [];
  /** the COMMIT_HASH the previous block recorded; undefined when it is not known (that block could not be read) */
  private previousCommitHash: Buffer | undefined = Buffer.alloc(0);
  /** verdicts on traders' signatures, by traderCheckKey; kept bounded */
  private readonly traderVerdicts = new Map<string, boolean>();

  /** `checker` runs the signature checks (on the main thread unless given). */
  constructor(
    private readonly source: BlockSource,
    readonly state: ReplayState,
    private readonly checker: SignatureChecker = inlineChecker(),
  ) {}

  /** Replays from the state's position up to `to`. */
  async run(options: ReplayRunOptions): Promise<RunSummary> {
    const height = await this.source.height();
    const start = (await this.state.position()) ?? { next: 0, previousHash: '', genesisHash: '', channelId: '' };
    const to = Math.min(options.to ?? height - 1, height - 1);
    const reportFrom = options.reportFrom ?? start.next;
    const findings: Finding[] = [];
    let position: ReplayPosition = start;
    let transactions = 0;
    let valid = 0;
    const refusedWrites: RefusedWrite[] = [];
    if (start.next > 0 && !this.trust) {
      findings.push(...(await this.resume(start)));
    }
    if (start.next > height) {
      findings.push(finding({ block: height, tx: null, txId: null }, 'chain-truncated', `the checkpoint reached block ${start.next - 1}, the source now holds only ${height} blocks`));
    }
    const preparation: Preparation = { checker: this.checker, traderChecksAsked: new Set() };
    const ahead = new ReadAhead(
      (n) => this.source.block(n).then(
        (bytes) => prepareBlock(n, bytes, preparation),
        (err: unknown) => unreadableBlock(n, err),
      ),
      to,
      READ_AHEAD,
    );
    try {
      for (let n = start.next; n <= to; n++) {
        const result = await this.replayBlock(await ahead.take(n), position, options);
        if (result.fatal) {
          // Without the channel's trust nothing further can be checked; the checkpoint is left as it was.
          findings.push(...result.findings);
          break;
        }
        position = result.position;
        transactions += result.transactions;
        valid += result.valid;
        if (n >= reportFrom) {
          refusedWrites.push(...result.refusedWrites);
        }
        const reported = n >= reportFrom ? result.findings : [];
        await this.state.commitBlock(position, reported);
        findings.push(...reported);
        options.onProgress?.({ block: n, height, transactions });
      }
    } finally {
      await ahead.stop();
      await this.state.flush();
    }
    return {
      channelId: position.channelId,
      genesisHash: position.genesisHash,
      trustedGenesis: {
        hash: position.genesisHash,
        pinned: options.expectedGenesisHash !== undefined && options.expectedGenesisHash === position.genesisHash,
        signedBy: this.trust?.genesisSigner ?? null,
      },
      configBlocks: [...this.configBlocks],
      fromBlock: start.next,
      toBlock: to,
      height,
      blocks: Math.max(0, to - start.next + 1),
      transactions,
      validTransactions: valid,
      findings,
      refusedWrites,
      headHash: position.previousHash,
    };
  }

  /** Reads the channel's trust again when continuing from a checkpoint, and checks that block 0 is the one replayed before. */
  private async resume(position: ReplayPosition): Promise<Finding[]> {
    const site = { block: 0, tx: null, txId: null };
    try {
      const genesis = readBlock(await this.source.block(0));
      this.trust = ChannelTrust.fromGenesis(genesis);
      this.previousCommitHash = await this.recordedCommitHash(position.next - 1);
      const hash = hex(blockHeaderHash(0, genesis.previousHash, genesis.dataHash));
      const configBlock = await this.state.configBlock();
      if (configBlock !== undefined && configBlock > 0 && configBlock < position.next) {
        // the newest configuration the checkpoint reached, checked when it was replayed
        this.trust = ChannelTrust.fromConfigBlock(readBlock(await this.source.block(configBlock)), this.trust.genesisSigner);
      }
      return hash === position.genesisHash ? [] : [finding(site, 'genesis-config', `block 0 is not the genesis block the checkpoint was built from`)];
    } catch (err) {
      return [finding(site, 'genesis-config', `block 0 cannot be read: ${(err as Error).message}`)];
    }
  }

  private async replayBlock(
    prepared: PreparedBlock,
    position: ReplayPosition,
    options: ReplayRunOptions,
  ): Promise<{ position: ReplayPosition; findings: Finding[]; refusedWrites: RefusedWrite[]; transactions: number; valid: number; fatal?: boolean }> {
    const n = prepared.position;
    const findings: Finding[] = [];
    const blockSite: FindingSite = { block: n, tx: null, txId: null };
    const report = (site: FindingSite, rule: Finding['rule'], message: string): void => {
      findings.push(finding(site, rule, message));
    };
    const block = prepared.block;
    if (block instanceof Error) {
      this.previousCommitHash = undefined;
      report(blockSite, 'block-decode', `block ${n} cannot be read: ${block.message}`);
      return { position: { ...position, next: n + 1, previousHash: '' }, findings, refusedWrites: [], transactions: 0, valid: 0, fatal: n === 0 || !this.trust };
    }
    const verdicts = await prepared.verdicts();
    this.rememberTraderVerdicts(verdicts);
    const headerHash = hex(prepared.header ? sha256(prepared.header) : blockHeaderHash(block.number, block.previousHash, block.dataHash));
    if (block.number !== n) {
      report(blockSite, 'block-number', `block ${n} of the store says it is block ${block.number}`);
    }
    if (n === 0) {
      if (block.previousHash.length !== 0) {
        report(blockSite, 'previous-hash', 'the genesis block names a previous block');
      }
      if (options.expectedGenesisHash !== undefined && options.expectedGenesisHash !== headerHash) {
        report(blockSite, 'genesis-config', `the genesis block hash ${headerHash} is not the trusted ${options.expectedGenesisHash}`);
      }
      try {
        this.trust = ChannelTrust.fromGenesis(block);
        this.trust.problems.forEach((p) => report(blockSite, 'genesis-config', p));
      } catch (err) {
        report(blockSite, 'genesis-config', `the channel configuration cannot be read: ${(err as Error).message}`);
        return { position, findings, refusedWrites: [], transactions: 0, valid: 0, fatal: true };
      }
      position = { next: 0, previousHash: '', genesisHash: headerHash, channelId: this.trust.channelId };
    } else if (position.previousHash !== '' && hex(block.previousHash) !== position.previousHash) {
      report(blockSite, 'previous-hash', `block ${n} names previous hash ${hex(block.previousHash).slice(0, 16)}…, block ${n - 1}'s header hash is ${position.previousHash.slice(0, 16)}…`);
    }
    const trust = this.trust!;
    if (!dataHashOf(block.envelopes).equals(block.dataHash)) {
      report(blockSite, 'data-hash', `the data hash of block ${n} is not the hash of its ${block.envelopes.length} transactions`);
    }
    // Every envelope was decoded once, ahead; read what their validation needs from the replayed state in one go.
    const decoded = prepared.transactions;
    if (!this.state.inMemory) {
      const transactionsOk = decoded.filter((d): d is ReadTransaction => !(d instanceof Error));
      await this.state.prefetch(
        transactionsOk
          .filter((tx) => tx.chaincode === options.chaincode)
          .flatMap((tx) => [...tx.rwset.reads.map((r) => r.key), ...tx.rwset.writes.map((w) => w.key), ...tx.rwset.metadataWrites.map((m) => m.key)]),
        transactionsOk.map((tx) => tx.transactionId),
      );
    }
    const first = decoded[0];
    const cutAt = first && !(first instanceof Error) ? first.timestamp : blockTime(block);
    // configtxgen's genesis block carries no orderer signature: an unsigned genesis block is trusted by its hash alone.
    if (!(n === 0 && trust.genesisSigner === null && block.ordererSignatures.length === 0)) {
      this.checkOrdererSignature(block, verdicts, trust, cutAt, (m) => report(blockSite, 'orderer-signature', m));
    }
    let nextTrust: ChannelTrust | undefined;
    const codes = block.validationCodes;
    if (block.envelopes.length === 0) {
      report(blockSite, 'transaction-format', `block ${n} holds no transaction`);
    }

    let valid = 0;
    const refusedWrites: RefusedWrite[] = [];
    const updates = new UpdateBatch();
    for (const i of block.envelopes.keys()) {
      const version: Version = { block: n, tx: i };
      let tx: ReadTransaction | undefined;
      let derivation: Derivation;
      const site: FindingSite = { block: n, tx: i, txId: null };
      try {
        const d = decoded[i]!;
        if (d instanceof Error) {
          throw d;
        }
        tx = d;
        site.txId = tx.transactionId;
        if (n === 0 && i === 0 && tx.headerType === common.HeaderType.CONFIG) {
          derivation = { code: 'VALID', reason: null, endorsers: [] };
        } else if (n > 0 && tx.headerType === common.HeaderType.CONFIG) {
          derivation = this.deriveConfig(block, i, trust, (next) => (nextTrust = next));
        } else {
          derivation = await deriveValidationCode(tx, { trust, state: this.state, chaincode: options.chaincode }, { creator: verdicts.creator[i] === true, endorsements: verdicts.endorsements[i] ?? [] });
        }
      } catch (err) {
        derivation = { code: 'INVALID_OTHER_REASON', reason: { rule: 'transaction-format', message: `the envelope cannot be decoded: ${(err as Error).message}` }, endorsers: [] };
      }
      const recorded: ValidationCode = codes[i] ?? 'INVALID_OTHER_REASON';
      if (recorded !== derivation.code) {
        const why = derivation.reason ? `: ${derivation.reason.message}` : '';
        report(site, 'validation-code', `the peer recorded ${recorded}, the replay derives ${derivation.code}${why}`);
        if (recorded === 'VALID' && derivation.reason) {
          report(site, derivation.reason.rule, derivation.reason.message);
        }
      }
      if (tx && recorded === 'ENDORSEMENT_POLICY_FAILURE' && derivation.code === 'ENDORSEMENT_POLICY_FAILURE') {
        refusedWrites.push({
          block: n,
          tx: i,
          txId: tx.transactionId,
          creator: tx.creator.mspId,
          endorsedBy: [...new Set(tx.endorsements.map((e) => e.mspId))].sort(),
          fn: functionOf(tx, options.chaincode),
          reason: derivation.reason?.message ?? 'the endorsement policy was not met',
        });
      }
      if (tx && tx.transactionId !== '') {
        this.checkTransactionId(tx, (m) => report(site, 'tx-id', m));
        this.state.recordTransaction(tx.transactionId, version);
      }
      // every transaction the replay holds valid counts, CONFIG ones (block 0's among them) too, as the peer's codes do
      if (derivation.code === 'VALID') {
        valid += 1;
      }
      if (!tx || tx.headerType !== common.HeaderType.ENDORSER_TRANSACTION) {
        continue;
      }
      if ((recorded === 'VALID' || derivation.code === 'VALID') && !isLifecycleTransaction(tx)) {
        const endorsers = derivation.endorsers.length > 0 || tx.endorsements.length === 0 ? derivation.endorsers : this.validEndorsers(tx, trust, verdicts.endorsements[i] ?? []);
        const ctx: RuleContext = {
          tx,
          site,
          state: this.state,
          endorsers: new Set(endorsers.filter((e) => e.isPeer).map((e) => e.mspId)),
          at: tx.timestamp.toISOString(),
          report: (rule, message) => report(site, rule, message),
          traderSignatureValid: (check) => this.traderSignatureValid(check),
        };
        await checkRecordWrites(ctx);
        await checkShareWrites(ctx);
        await checkPurgeWrites(ctx);
        await checkMemberWrites(ctx);
        await checkAgreementWrites(ctx);
      }
      if (recorded === 'VALID') {
        // what the peer says it committed, whatever the replay derives (validation-code reports that)
        const namespaces = tx.namespaces.map(({ namespace, rwset }) => ({ namespace, ...rwset }));
        const latest = new Map<string, Uint8Array | null>();
        for (const { namespace, key } of metadataOnlyKeys(namespaces)) {
          latest.set(`${namespace}\u0000${key}`, await this.latestValue(key, stateNamespace(namespace, options.chaincode)));
        }
        addTransactionUpdates(updates, version, namespaces, (namespace, key) => latest.get(`${namespace}\u0000${key}`) ?? null);
      }
      if (derivation.code === 'VALID') {
        await this.apply(tx, version, options.chaincode);
      }
    }
    this.checkCommitHash(block, updates, (m) => report(blockSite, 'commit-hash', m));
    if (nextTrust) {
      this.trust = nextTrust;
      this.configBlocks.push(n);
      this.state.setConfigBlock(n);
    }
    if (codes.length !== block.envelopes.length) {
      report(blockSite, 'validation-code', `block ${n} has ${block.envelopes.length} transactions and ${codes.length} validation codes`);
    }
    return {
      position: { ...position, next: n + 1, previousHash: headerHash },
      findings,
      refusedWrites,
      transactions: block.envelopes.length,
      valid,
    };
  }

  /**
   * A CONFIG transaction after block 0 (anchor peers, new members, ...):
   * alone in its block, signed by the orderer, its update signed by the
   * admins it needs; when it holds, the channel's trust comes from its
   * configuration from the next block on.
   */
  private deriveConfig(block: DecodedBlock, i: number, trust: ChannelTrust, next: (trust: ChannelTrust) => void): Derivation {
    if (block.envelopes.length !== 1) {
      return { code: 'INVALID_OTHER_REASON', reason: { rule: 'config-update', message: `a config transaction shares block ${block.number} with ${block.envelopes.length - 1} other transactions` }, endorsers: [] };
    }
    const applied = trust.applyConfigTransaction(block.envelopes[i]!);
    if (applied.problems.length > 0 || !applied.trust) {
      return { code: 'INVALID_OTHER_REASON', reason: { rule: 'config-update', message: applied.problems.join('; ') }, endorsers: [] };
    }
    next(applied.trust);
    return { code: 'VALID', reason: null, endorsers: [] };
  }

  /**
   * Fabric signs value ‖ signature header ‖ header, the value being the SIGNATURES metadata's
   * (OrdererBlockMetadata since 2.x; empty on the embedded ledger); prepared-block.ts checked each signature.
   */
  private checkOrdererSignature(block: DecodedBlock, verdicts: BlockVerdicts, trust: ChannelTrust, at: Date, report: (message: string) => void): void {
    if (block.ordererSignatures.length === 0) {
      report(`block ${block.number} carries no orderer signature`);
      return;
    }
    const problems: string[] = [];
    for (const [i, s] of block.ordererSignatures.entries()) {
      const identity = trust.checkOrderer(s.mspId, s.certificatePem, at);
      if (!identity.valid) {
        problems.push(identity.reason);
      } else if (verdicts.orderer[i] !== true) {
        problems.push(`the signature of ${s.mspId} does not verify over this header`);
      } else {
        return;
      }
    }
    report(`no valid orderer signature on block ${block.number}: ${problems.join('; ')}`);
  }

  private checkTransactionId(tx: ReadTransaction, report: (message: string) => void): void {
    if (tx.headerType !== common.HeaderType.ENDORSER_TRANSACTION) {
      return;
    }
    const expected = createHash('sha256').update(tx.nonce).update(tx.creatorBytes).digest('hex');
    if (expected !== tx.transactionId) {
      report(`transaction id ${tx.transactionId} is not derived from its nonce and creator`);
    }
  }

  private validEndorsers(tx: DecodedTransaction, trust: ChannelTrust, signatures: readonly boolean[]): { mspId: string; isPeer: boolean }[] {
    return tx.endorsements.flatMap((e, i) => {
      const check = trust.checkMember(e.mspId, e.certificatePem, tx.timestamp);
      return check.valid && signatures[i] === true ? [{ mspId: e.mspId, isPeer: check.isPeer }] : [];
    });
  }

  private rememberTraderVerdicts(verdicts: BlockVerdicts): void {
    if (this.traderVerdicts.size + verdicts.trader.size > 100_000) {
      this.traderVerdicts.clear();
    }
    for (const [key, valid] of verdicts.trader) {
      this.traderVerdicts.set(key, valid);
    }
  }

  /** The verdict checked ahead with the block's signatures, or (for a record the preparation did not foresee) checked now. */
  private traderSignatureValid(check: TraderCheck): boolean {
    const key = traderCheckKey(check);
    let valid = this.traderVerdicts.get(key);
    if (valid === undefined) {
      valid = traderSignatureValid(check);
      this.traderVerdicts.set(key, valid);
    }
    return valid;
  }

  /** The COMMIT_HASH block n recorded, or undefined when it cannot be read. */
  private async recordedCommitHash(n: number): Promise<Buffer | undefined> {
    try {
      return readCommitHashMetadata(readBlock(await this.source.block(n)).commitHashEntry);
    } catch {
      return undefined;
    }
  }

  private async latestValue(key: string, ns: string | undefined): Promise<Uint8Array | null> {
    const known = this.state.peek(key, ns);
    const entry = known === undefined ? await this.state.get(key, ns) : known;
    return entry?.value ?? null;
  }

  /**
   * The peer's COMMIT_HASH, recomputed as Fabric's kvledger computes it
   * (commit-hash.ts) over the recorded validation codes, the updates of the
   * transactions they mark valid and the previous block's recorded hash: it
   * holds when the metadata is the peer's account of what it committed
   * (whether those codes are right is the validation-code rule's). Fabric writes one from block 1 on, and on every block after a block
   * that has one; a peer that joined from a snapshot may have none before.
   */
  private checkCommitHash(block: ReadBlock, updates: UpdateBatch, report: (message: string) => void): void {
    const previous = this.previousCommitHash;
    let recorded: Buffer | undefined;
    try {
      recorded = readCommitHashMetadata(block.commitHashEntry);
    } catch (err) {
      report(`block ${block.number}: ${(err as Error).message}`);
    }
    this.previousCommitHash = recorded;
    if (block.number === 0 || recorded === undefined || previous === undefined) {
      return;
    }
    if (recorded.length === 0) {
      if (block.number === 1 || previous.length > 0) {
        report(`block ${block.number} carries no commit hash`);
      }
      return;
    }
    const expected = commitHash(block.transactionsFilter, updateBatchBytes(updates), previous);
    if (!expected.equals(recorded)) {
      report(`the commit hash of block ${block.number} is not the hash of its validation codes, its valid transactions' updates and block ${block.number - 1}'s commit hash`);
    }
  }

  /** Applies a valid transaction's writes, key-level policies and private-data hashes. */
  private async apply(tx: DecodedTransaction, version: Version, chaincode: string): Promise<void> {
    // indexed loops: a for-of across an await keeps an iterator and a result object per step
    for (let n = 0; n < tx.namespaces.length; n++) {
      const { namespace, rwset } = tx.namespaces[n]!;
      const ns = stateNamespace(namespace, chaincode);
      for (let i = 0; i < rwset.writes.length; i++) {
        const w = rwset.writes[i]!;
        const known = this.state.peek(w.key, ns);
        const before = known === undefined ? await this.state.get(w.key, ns) : known;
        this.state.put(w.key, w.value === null ? null : { value: w.value, version, validationParameter: before?.validationParameter ?? null }, ns);
      }
      for (let i = 0; i < rwset.metadataWrites.length; i++) {
        const m = rwset.metadataWrites[i]!;
        this.state.markValidationParameterUpdated(m.key, ns);
        const known = this.state.peek(m.key, ns);
        const current = known === undefined ? await this.state.get(m.key, ns) : known;
        if (current) {
          this.state.put(m.key, { ...current, validationParameter: m.validationParameter && m.validationParameter.length > 0 ? m.validationParameter : null }, ns);
        }
      }
      for (const c of rwset.collections) {
        for (const w of c.hashedWrites) {
          const keyHash = w.keyHash.toString('hex');
          this.state.putPrivateHash(c.collection, keyHash, w.isDelete || w.isPurge || !w.valueHash ? null : { valueHash: w.valueHash, version }, ns);
        }
      }
    }
  }
}
