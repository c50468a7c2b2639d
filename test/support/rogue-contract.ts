/**
 * The contract a hostile member adds to its own build of the chaincode: raw
 * writes with no authorisation check at all. The rogue-member suite installs
 * it on one member's peer only (with Fabric's approveformyorg of the committed
 * definition, or as one embedded peer's contracts) and tries with it to forge
 * or erase other members' data. Keys are given as {"type", "attributes"} for
 * a composite key, or {"raw"}; a policy as {"orgs": [...]} (all of them).
 */
import { Context, Contract, Transaction } from 'fabric-contract-api';
import { common, msp } from '@hyperledger/fabric-protos';

interface KeySpec {
  type?: string;
  attributes?: string[];
  raw?: string;
}

function keyOf(ctx: Context, keyJson: string): string {
  const spec = JSON.parse(keyJson) as KeySpec;
  return spec.raw ?? ctx.stub.createCompositeKey(spec.type ?? '', spec.attributes ?? []);
}

/** "every one of these organisations' peers", as the honest chaincode writes key-level policies */
function allOfPeers(orgs: readonly string[]): Uint8Array {
  const sorted = [...new Set(orgs)].sort();
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setIdentitiesList(
    sorted.map((mspId) => {
      const role = new msp.MSPRole();
      role.setMspIdentifier(mspId);
      role.setRole(msp.MSPRole.MSPRoleType.PEER);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(role.serializeBinary());
      return principal;
    }),
  );
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(sorted.length);
  nOutOf.setRulesList(
    sorted.map((_, i) => {
      const rule = new common.SignaturePolicy();
      rule.setSignedBy(i);
      return rule;
    }),
  );
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(nOutOf);
  envelope.setRule(rule);
  return envelope.serializeBinary();
}

export class RogueContract extends Contract {
  constructor() {
    super('rogue');
  }

  /** Writes `value` (text) under the key, and a key-level policy when `policyJson` names organisations. */
  @Transaction()
  public async Put(ctx: Context, keyJson: string, value: string, policyJson: string): Promise<string> {
    const key = keyOf(ctx, keyJson);
    await ctx.stub.putState(key, Buffer.from(value, 'utf8'));
    if (policyJson !== '') {
      await ctx.stub.setStateValidationParameter(key, allOfPeers((JSON.parse(policyJson) as { orgs: string[] }).orgs));
    }
    return key;
  }

  @Transaction()
  public async Delete(ctx: Context, keyJson: string): Promise<string> {
    const key = keyOf(ctx, keyJson);
    await ctx.stub.deleteState(key);
    return key;
  }

  /** Replaces the key-level policy of an existing key. */
  @Transaction()
  public async SetPolicy(ctx: Context, keyJson: string, policyJson: string): Promise<string> {
    const key = keyOf(ctx, keyJson);
    await ctx.stub.setStateValidationParameter(key, allOfPeers((JSON.parse(policyJson) as { orgs: string[] }).orgs));
    return key;
  }

  @Transaction()
  public async PutPrivate(ctx: Context, collection: string, keyJson: string, value: string): Promise<string> {
    const key = keyOf(ctx, keyJson);
    await ctx.stub.putPrivateData(collection, key, Buffer.from(value, 'utf8'));
    return key;
  }

  @Transaction()
  public async PurgePrivate(ctx: Context, collection: string, keyJson: string): Promise<string> {
    const key = keyOf(ctx, keyJson);
    await ctx.stub.purgePrivateData(collection, key);
    return key;
  }
}
