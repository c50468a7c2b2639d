/**
 * Re-derives a transaction's validation code from the blocks alone, as a
 * Fabric peer decides it: channel, duplicate transaction id, the creator's
 * certificate and signature, every endorser's certificate and signature,
 * key-level policies from the replayed state (the chaincode policy "any
 * member" for keys without one), the owner's endorsement on every write to
 * an implicit collection, then MVCC versions and phantom reads against the
 * state replayed so far.
 *
 * Namespaces are kept apart as Fabric keeps them: every namespace's reads
 * are checked against that namespace's replayed versions, and a
 * transaction may write only into the namespace of the chaincode it
 * invoked. Lifecycle transactions (`_lifecycle`, `lscc`) are system
 * transactions: creator and endorsers are checked as for any transaction,
 * their public writes need the channel's LifecycleEndorsement policy and
 * their writes into an organisation's implicit collection that
 * organisation's peer.
 */
import { implicitCollectionOwner, keyLabel } from 'customs-ledger-chaincode/domain';
import { common } from '@hyperledger/fabric-protos';
import type { ValidationCode } from '../ledger/backend';
import type { DecodedTransaction, NamespaceRwset } from '../fabric-format/decoded';
import { channelEndorsementSatisfied } from './channel-config';
import type { ChannelTrust } from './channel-trust';
import type { AuditRule } from './finding';
import { compareKeys, type ReplayState, type Version } from './replay-state';
import { policyOrganisations, signaturePolicySatisfied, type Endorsing } from './signature-policy';

export interface Derivation {
  code: ValidationCode;
  /** why the code is not VALID, as the rule it breaks */
  reason: { rule: AuditRule; message: string } | null;
  /** organisations whose peers validly endorsed */
  endorsers: Endorsing[];
}

export interface ValidationContext {
  trust: ChannelTrust;
  state: ReplayState;
  chaincode: string;
}

/** Whether the transaction's creator signature and each of its endorsements verify (checked ahead, see prepared-block.ts). */
export interface SignatureVerdicts {
  creator: boolean;
  endorsements: readonly boolean[];
}

/** The namespaces of Fabric's lifecycle system chaincodes. */
export const LIFECYCLE_NAMESPACES: ReadonlySet<string> = new Set(['_lifecycle', 'lscc']);

export const isLifecycleTransaction = (tx: Pick<DecodedTransaction, 'chaincode'>): boolean => LIFECYCLE_NAMESPACES.has(tx.chaincode);

/** Where the replayed state keeps a namespace: the audited chaincode's is the default (undefined). */
export const stateNamespace = (namespace: string, chaincode: string): string | undefined => (namespace === chaincode ? undefined : namespace);

export const implicitOwner = implicitCollectionOwner;

function sameVersion(a: Version | null | undefined, b: Version | null): boolean {
  const x = a ?? null;
  return x === b || (x !== null && b !== null && x.block === b.block && x.tx === b.tx);
}

function invalid(code: ValidationCode, rule: AuditRule, message: string, endorsers: Endorsing[] = []): Derivation {
  return { code, reason: { rule, message }, endorsers };
}

export async function deriveValidationCode(tx: DecodedTransaction, ctx: ValidationContext, signatures: SignatureVerdicts): Promise<Derivation> {
  if (tx.headerType !== common.HeaderType.ENDORSER_TRANSACTION) {
    return invalid('INVALID_OTHER_REASON', 'transaction-format', `header type ${tx.headerType} is not an endorser transaction`);
  }
  if (tx.channelId !== ctx.trust.channelId) {
    return invalid('INVALID_OTHER_REASON', 'transaction-format', `channel ${tx.channelId} is not ${ctx.trust.channelId}`);
  }
  const seen = ctx.state.peekTransaction(tx.transactionId);
  const earlier = seen === undefined ? await ctx.state.transactionLocation(tx.transactionId) : seen;
  if (earlier) {
    return invalid('DUPLICATE_TXID', 'duplicate-txid', `transaction id already used in block ${earlier.block}, transaction ${earlier.tx}`);
  }
  const creator = ctx.trust.checkMember(tx.creator.mspId, tx.creator.certificatePem, tx.timestamp);
  if (!creator.valid) {
    return invalid('BAD_CREATOR_SIGNATURE', 'creator-certificate', creator.reason);
  }
  if (!signatures.creator) {
    return invalid('BAD_CREATOR_SIGNATURE', 'creator-signature', `the envelope signature does not verify with the certificate of ${tx.creator.mspId}`);
  }
  const lifecycle = isLifecycleTransaction(tx);
  if (tx.chaincode !== ctx.chaincode && !lifecycle) {
    return invalid('INVALID_ENDORSER_TRANSACTION', 'transaction-format', `chaincode ${tx.chaincode} is not ${ctx.chaincode}`);
  }
  if (tx.response.status !== 200) {
    return invalid('INVALID_ENDORSER_TRANSACTION', 'transaction-format', `the endorsed response has status ${tx.response.status}`);
  }
  const endorsers: Endorsing[] = [];
  for (let i = 0; i < tx.endorsements.length; i++) {
    const e = tx.endorsements[i]!;
    const check = ctx.trust.checkMember(e.mspId, e.certificatePem, tx.timestamp);
    if (!check.valid) {
      return invalid('ENDORSEMENT_POLICY_FAILURE', 'endorser-certificate', check.reason);
    }
    if (signatures.endorsements[i] !== true) {
      return invalid('ENDORSEMENT_POLICY_FAILURE', 'endorser-signature', `the endorsement of ${e.mspId} does not verify`);
    }
    endorsers.push({ mspId: e.mspId, isPeer: check.isPeer });
  }
  const foreign = tx.namespaces.find((n) => n.namespace !== tx.chaincode && writesSomething(n.rwset));
  if (foreign) {
    return invalid('INVALID_OTHER_REASON', 'transaction-format', `chaincode ${tx.chaincode} writes into namespace ${foreign.namespace}`, endorsers);
  }
  const policy = lifecycle ? checkLifecyclePolicies(tx, ctx, endorsers) : await checkPolicies(tx, ctx, endorsers);
  if (policy) {
    return invalid('ENDORSEMENT_POLICY_FAILURE', 'endorsement-policy', policy, endorsers);
  }
  const conflict = await checkReads(tx, ctx);
  if (conflict) {
    return { code: conflict.code, reason: { rule: conflict.code === 'MVCC_READ_CONFLICT' ? 'mvcc-read' : 'phantom-read', message: conflict.message }, endorsers };
  }
  return { code: 'VALID', reason: null, endorsers };
}

const writesSomething = (rw: NamespaceRwset): boolean =>
  rw.writes.length > 0 || rw.metadataWrites.length > 0 || rw.collections.some((c) => c.hashedWrites.length > 0);

/** A write into an organisation's implicit collection needs a peer of that organisation. */
function checkCollectionWrites(rw: NamespaceRwset, endorsers: readonly Endorsing[]): string | undefined {
  for (const c of rw.collections) {
    const owner = implicitOwner(c.collection);
    if (c.hashedWrites.length > 0 && (owner === undefined || !endorsers.some((e) => e.isPeer && e.mspId === owner))) {
      return `a write to ${c.collection} needs its owner's endorsement, endorsed by ${endorserNames(endorsers)}`;
    }
  }
  return undefined;
}

/**
 * A lifecycle transaction as Fabric validates its namespace: public writes
 * (a committed definition) or no writes at all need the channel's
 * LifecycleEndorsement; an approval writes only into the approving
 * organisation's implicit collection, which needs that organisation's peer.
 */
function checkLifecyclePolicies(tx: DecodedTransaction, ctx: ValidationContext, endorsers: Endorsing[]): string | undefined {
  const rw = tx.rwset;
  const publicWrites = rw.writes.length > 0 || rw.metadataWrites.length > 0;
  if (publicWrites || !writesSomething(rw)) {
    const verdict = channelEndorsementSatisfied(ctx.trust.policies, 'lifecycleEndorsement', ctx.trust.members, endorsers);
    if (!verdict.satisfied) {
      return `the channel's LifecycleEndorsement needs ${verdict.description}, endorsed by ${endorserNames(endorsers)}`;
    }
  }
  return checkCollectionWrites(rw, endorsers);
}

async function checkPolicies(tx: DecodedTransaction, ctx: ValidationContext, endorsers: Endorsing[]): Promise<string | undefined> {
  let needsChaincodePolicy = false;
  // the keys written, each once, in an array: indexed loops (a for-of across an await keeps an iterator per step)
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const written of [tx.rwset.writes, tx.rwset.metadataWrites]) {
    for (let i = 0; i < written.length; i++) {
      const key = written[i]!.key;
      if (!seen.has(key)) {
        seen.add(key);
        keys.push(key);
      }
    }
  }
  // As Fabric's key-level validator: a key whose policy an earlier transaction of the same block changed cannot be validated.
  for (const key of keys) {
    if (ctx.state.validationParameterUpdatedInBlock(key)) {
      return `the key-level policy of ${printable(key)} was set by an earlier transaction in this block`;
    }
  }
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const known = ctx.state.peek(key);
    const vp = (known === undefined ? await ctx.state.get(key) : known)?.validationParameter;
    if (vp && vp.length > 0) {
      if (!signaturePolicySatisfied(vp, endorsers)) {
        return `key ${printable(key)} needs ${policyOrganisations(vp).join(' and ')}, endorsed by ${endorserNames(endorsers)}`;
      }
    } else {
      needsChaincodePolicy = true;
    }
  }
  const collectionProblem = checkCollectionWrites(tx.rwset, endorsers);
  if (collectionProblem !== undefined) {
    return collectionProblem;
  }
  // As Fabric's v20 validator: the chaincode policy applies to any public write without a key-level policy, and
  // to a transaction for which no other policy was evaluated (no writes at all); a transaction that writes only
  // keys with key-level policies and implicit collections is valid without it.
  const collectionWrites = tx.rwset.collections.some((c) => c.hashedWrites.length > 0);
  if (needsChaincodePolicy || (keys.length === 0 && !collectionWrites)) {
    const verdict = channelEndorsementSatisfied(ctx.trust.policies, 'endorsement', ctx.trust.members, endorsers);
    if (!verdict.satisfied) {
      return `the chaincode policy needs ${verdict.description}, endorsed by ${endorserNames(endorsers)}`;
    }
  }
  return undefined;
}

/** MVCC and phantom reads of every namespace, each against its own replayed versions. */
async function checkReads(tx: DecodedTransaction, ctx: ValidationContext): Promise<{ code: ValidationCode; message: string } | undefined> {
  for (const { namespace, rwset } of tx.namespaces) {
    const conflict = await checkNamespaceReads(rwset, ctx.state, stateNamespace(namespace, ctx.chaincode), namespace === ctx.chaincode ? '' : `${namespace}: `);
    if (conflict) {
      return conflict;
    }
  }
  return undefined;
}

async function checkNamespaceReads(
  rw: NamespaceRwset,
  state: ReplayState,
  ns: string | undefined,
  label: string,
): Promise<{ code: ValidationCode; message: string } | undefined> {
  for (let i = 0; i < rw.reads.length; i++) {
    const read = rw.reads[i]!;
    const known = state.peek(read.key, ns);
    const current = known === undefined ? await state.get(read.key, ns) : known;
    if (!sameVersion(current?.version, read.version)) {
      return { code: 'MVCC_READ_CONFLICT', message: `key ${label}${printable(read.key)} changed since it was read` };
    }
  }
  for (let k = 0; k < rw.collections.length; k++) {
    const c = rw.collections[k]!;
    for (let i = 0; i < c.hashedReads.length; i++) {
      const read = c.hashedReads[i]!;
      const current = await state.getPrivateHash(c.collection, read.keyHash.toString('hex'), ns);
      if (!sameVersion(current?.version, read.version)) {
        return { code: 'MVCC_READ_CONFLICT', message: `a private key of ${label}${c.collection} changed since it was read` };
      }
    }
  }
  for (const q of rw.rangeQueries) {
    let now = await state.range(q.startKey, q.endKey, ns);
    if (!q.exhausted) {
      const last = q.reads.at(-1)?.key;
      now = last === undefined ? [] : now.filter(({ key }) => compareKeys(key, last) <= 0);
    }
    const same = now.length === q.reads.length && now.every(({ key, entry }, i) => q.reads[i]!.key === key && sameVersion(entry.version, q.reads[i]!.version));
    if (!same) {
      return { code: 'PHANTOM_READ_CONFLICT', message: `range from ${printable(q.startKey)} changed since it was read` };
    }
  }
  return undefined;
}

const endorserNames = (endorsers: readonly Endorsing[]): string =>
  endorsers.length === 0 ? 'nobody' : endorsers.map((e) => e.mspId).join(', ');

/** A state key for messages: composite keys with their separators shown as "/". */
export const printable = keyLabel;
