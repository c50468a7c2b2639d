/**
 * Signature policies (SignaturePolicyEnvelope), the one builder of them:
 * key-level (state-based) endorsement policies — "k of these organisations'
 * peers", organisations in sorted order so every endorser writes the same
 * bytes — and, for the genesis configuration the embedded ledger writes, an
 * organisation's role policies. Exported as `customs-ledger-chaincode/policy`.
 */
import { common, msp } from '@hyperledger/fabric-protos';

export type PrincipalRole = keyof typeof msp.MSPRole.MSPRoleType;

export interface Principal {
  mspId: string;
  role: PrincipalRole;
}

/** `required` of these principals (in the order given) must sign. */
export function signaturePolicy(principals: readonly Principal[], required: number): Uint8Array {
  if (principals.length === 0 || required < 1 || required > principals.length) {
    throw new RangeError(`cannot require ${required} of ${principals.length} principals`);
  }
  const identities = principals.map(({ mspId, role }) => {
    const r = new msp.MSPRole();
    r.setMspIdentifier(mspId);
    r.setRole(msp.MSPRole.MSPRoleType[role]);
    const principal = new msp.MSPPrincipal();
    principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
    principal.setPrincipal(r.serializeBinary());
    return principal;
  });
  const rules = principals.map((_, i) => {
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
  envelope.setIdentitiesList(identities);
  return envelope.serializeBinary();
}

const built = new Map<string, Uint8Array>();

/** `required` of these organisations' peers. */
export function signedByPeersOf(orgs: readonly string[], required: number): Uint8Array {
  const sorted = [...new Set(orgs)].sort();
  const cacheKey = `${required}/${sorted.join(',')}`;
  let bytes = built.get(cacheKey);
  if (!bytes) {
    bytes = signaturePolicy(
      sorted.map((mspId) => ({ mspId, role: 'PEER' })),
      required,
    );
    built.set(cacheKey, bytes);
  }
  return Uint8Array.from(bytes);
}

/** Every one of these organisations must endorse. */
export function allOf(orgs: readonly string[]): Uint8Array {
  return signedByPeersOf(orgs, new Set(orgs).size);
}
