/**
 * The auditor's own evaluation of Fabric signature policies
 * (SignaturePolicyEnvelope, as key-level endorsement parameters are
 * written), written apart from the peer's so that a bug in one is not
 * silently shared by the other. As in Fabric's cauthdsl, one endorsement
 * satisfies at most one principal.
 */
import { common, msp } from '@hyperledger/fabric-protos';

export interface Endorsing {
  mspId: string;
  isPeer: boolean;
}

/** A policy's principal, read once: a role of an organisation, another classification (never matched), or unreadable (evaluating it fails). */
type Principal = { mspId: string; role: number } | 'other' | 'unreadable' | undefined;

function readPrincipal(principal: msp.MSPPrincipal): Principal {
  if (principal.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) {
    return 'other';
  }
  try {
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    return { mspId: role.getMspIdentifier(), role: role.getRole() };
  } catch {
    return 'unreadable';
  }
}

function matches(principal: Principal, e: Endorsing): boolean {
  if (principal === 'unreadable') {
    throw new Error('the principal is not an MSPRole');
  }
  if (principal === undefined || principal === 'other' || principal.mspId !== e.mspId) {
    return false;
  }
  return principal.role === msp.MSPRole.MSPRoleType.MEMBER || (principal.role === msp.MSPRole.MSPRoleType.PEER && e.isPeer);
}

function evaluate(rule: common.SignaturePolicy, principals: readonly Principal[], endorsers: readonly Endorsing[], used: boolean[]): boolean {
  if (rule.hasSignedBy()) {
    const principal = principals[rule.getSignedBy()];
    const i = endorsers.findIndex((e, k) => !used[k] && matches(principal, e));
    if (i < 0) {
      return false;
    }
    used[i] = true;
    return true;
  }
  const nOutOf = rule.getNOutOf();
  if (!nOutOf) {
    return false;
  }
  let satisfied = 0;
  for (const sub of nOutOf.getRulesList()) {
    const trial = [...used];
    if (evaluate(sub, principals, endorsers, trial)) {
      trial.forEach((u, k) => (used[k] = u));
      satisfied += 1;
    }
  }
  return satisfied >= nOutOf.getN();
}

/**
 * Policies read so far, by their bytes (every record carries a policy of
 * the same few shapes): the rule and its principals, or null when the
 * envelope cannot be read. Kept bounded.
 */
const policies = new Map<string, { rule: common.SignaturePolicy | undefined; principals: Principal[] } | null>();

function policyOf(envelopeBytes: Uint8Array): { rule: common.SignaturePolicy | undefined; principals: Principal[] } | null {
  const id = Buffer.from(envelopeBytes.buffer, envelopeBytes.byteOffset, envelopeBytes.byteLength).toString('latin1');
  let policy = policies.get(id);
  if (policy === undefined) {
    try {
      const envelope = common.SignaturePolicyEnvelope.deserializeBinary(envelopeBytes);
      policy = { rule: envelope.getRule(), principals: envelope.getIdentitiesList().map(readPrincipal) };
    } catch {
      policy = null;
    }
    if (policies.size >= 10_000) {
      policies.clear();
    }
    policies.set(id, policy);
  }
  return policy;
}

/** True when these endorsements satisfy the serialized policy; false for anything malformed. */
export function signaturePolicySatisfied(envelopeBytes: Uint8Array, endorsers: readonly Endorsing[]): boolean {
  const policy = policyOf(envelopeBytes);
  try {
    return policy !== null && policy.rule !== undefined && evaluate(policy.rule, policy.principals, endorsers, endorsers.map(() => false));
  } catch {
    return false;
  }
}

/** The organisations a policy names, for messages. */
export function policyOrganisations(envelopeBytes: Uint8Array): string[] {
  try {
    return common.SignaturePolicyEnvelope.deserializeBinary(envelopeBytes)
      .getIdentitiesList()
      .map((p) => msp.MSPRole.deserializeBinary(p.getPrincipal_asU8()).getMspIdentifier())
      .sort();
  } catch {
    return [];
  }
}
