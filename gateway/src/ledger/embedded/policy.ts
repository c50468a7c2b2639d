/**
 * Evaluates Fabric signature policies (SignaturePolicyEnvelope, as key-level
 * endorsement parameters are written) against the organisations whose peers
 * endorsed a transaction.
 */
import { common, msp } from '@hyperledger/fabric-protos';
import { requiredEndorsers, type ChaincodePolicyRule } from '../endorsement-plan';

export interface Endorser {
  mspId: string;
  /** true when the endorsing certificate carries the peer node OU */
  isPeer: boolean;
}

function principalSatisfied(principal: msp.MSPPrincipal, endorsers: readonly Endorser[]): boolean {
  if (principal.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) {
    return false;
  }
  const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
  const needPeer = role.getRole() === msp.MSPRole.MSPRoleType.PEER;
  const memberOk = role.getRole() === msp.MSPRole.MSPRoleType.MEMBER || needPeer;
  return memberOk && endorsers.some((e) => e.mspId === role.getMspIdentifier() && (!needPeer || e.isPeer));
}

function ruleSatisfied(rule: common.SignaturePolicy, principals: msp.MSPPrincipal[], endorsers: readonly Endorser[]): boolean {
  if (rule.hasSignedBy()) {
    const principal = principals[rule.getSignedBy()];
    return principal !== undefined && principalSatisfied(principal, endorsers);
  }
  const nOutOf = rule.getNOutOf();
  if (!nOutOf) {
    return false;
  }
  const satisfied = nOutOf.getRulesList().filter((r) => ruleSatisfied(r, principals, endorsers)).length;
  return satisfied >= nOutOf.getN();
}

const parsed = new Map<string, common.SignaturePolicyEnvelope | null>();

function parseEnvelope(envelopeBytes: Uint8Array): common.SignaturePolicyEnvelope | null {
  const key = Buffer.from(envelopeBytes).toString('base64');
  let envelope = parsed.get(key);
  if (envelope === undefined) {
    try {
      envelope = common.SignaturePolicyEnvelope.deserializeBinary(envelopeBytes);
    } catch {
      envelope = null;
    }
    if (parsed.size > 10_000) {
      parsed.clear();
    }
    parsed.set(key, envelope);
  }
  return envelope;
}

/** True when the endorsements satisfy the serialized SignaturePolicyEnvelope; false for anything malformed. */
export function policySatisfied(envelopeBytes: Uint8Array, endorsers: readonly Endorser[]): boolean {
  const envelope = parseEnvelope(envelopeBytes);
  const rule = envelope?.getRule();
  try {
    return envelope !== null && rule !== undefined && ruleSatisfied(rule, envelope.getIdentitiesList(), endorsers);
  } catch {
    return false;
  }
}

/** The organisations named by a policy, for messages and audits. */
export function policyOrganisations(envelopeBytes: Uint8Array): string[] {
  try {
    const envelope = common.SignaturePolicyEnvelope.deserializeBinary(envelopeBytes);
    return envelope
      .getIdentitiesList()
      .map((p) => msp.MSPRole.deserializeBinary(p.getPrincipal_asU8()).getMspIdentifier())
      .sort();
  } catch {
    return [];
  }
}

export type ChaincodePolicy = ChaincodePolicyRule;

/** The chaincode policy as an implicit-meta rule over the members' peers (each member's Endorsement: one of its peers). */
export function chaincodePolicySatisfied(policy: ChaincodePolicy, members: readonly string[], endorsers: readonly Endorser[]): boolean {
  const endorsing = new Set(endorsers.filter((e) => e.isPeer && members.includes(e.mspId)).map((e) => e.mspId));
  return endorsing.size >= requiredEndorsers(policy, members.length);
}
