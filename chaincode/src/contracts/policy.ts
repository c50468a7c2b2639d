/**
 * Key-level (state-based) endorsement policies: "k of these organisations'
 * peers", as a SignaturePolicyEnvelope built here with the organisations in
 * sorted order, so every endorser writes the same bytes.
 */
import { common, msp } from '@hyperledger/fabric-protos';

const built = new Map<string, Uint8Array>();

export function signedByPeersOf(orgs: readonly string[], required: number): Uint8Array {
  const sorted = [...new Set(orgs)].sort();
  const cacheKey = `${required}/${sorted.join(',')}`;
  const cached = built.get(cacheKey);
  if (cached) {
    return Uint8Array.from(cached);
  }
  const bytes = buildEnvelope(sorted, required);
  built.set(cacheKey, bytes);
  return Uint8Array.from(bytes);
}

function buildEnvelope(sorted: readonly string[], required: number): Uint8Array {
  if (sorted.length === 0 || required < 1 || required > sorted.length) {
    throw new RangeError(`cannot require ${required} of ${sorted.length} organisations`);
  }
  const principals = sorted.map((mspId) => {
    const role = new msp.MSPRole();
    role.setMspIdentifier(mspId);
    role.setRole(msp.MSPRole.MSPRoleType.PEER);
    const principal = new msp.MSPPrincipal();
    principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
    principal.setPrincipal(role.serializeBinary());
    return principal;
  });
  const rules = sorted.map((_, i) => {
    const rule = new common.SignaturePolicy();
    rule.setSignedBy(i);
    return rule;
  });
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(required);
  nOutOf.setRulesList(rules);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(nOutOf);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList(principals);
  return envelope.serializeBinary();
}

/** Every one of these organisations must endorse. */
export function allOf(orgs: readonly string[]): Uint8Array {
  return signedByPeersOf(orgs, new Set(orgs).size);
}
