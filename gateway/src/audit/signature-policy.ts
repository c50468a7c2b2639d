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

function matches(principal: msp.MSPPrincipal | undefined, e: Endorsing): boolean {
  if (!principal || principal.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) {
    return false;
  }
  const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
  if (role.getMspIdentifier() !== e.mspId) {
    return false;
  }
  const type = role.getRole();
  return type === msp.MSPRole.MSPRoleType.MEMBER || (type === msp.MSPRole.MSPRoleType.PEER && e.isPeer);
}

function evaluate(rule: common.SignaturePolicy, principals: msp.MSPPrincipal[], endorsers: readonly Endorsing[], used: boolean[]): boolean {
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

/** True when these endorsements satisfy the serialized policy; false for anything malformed. */
export function signaturePolicySatisfied(envelopeBytes: Uint8Array, endorsers: readonly Endorsing[]): boolean {
  try {
    const envelope = common.SignaturePolicyEnvelope.deserializeBinary(envelopeBytes);
    const rule = envelope.getRule();
    return rule !== undefined && evaluate(rule, envelope.getIdentitiesList(), endorsers, endorsers.map(() => false));
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
