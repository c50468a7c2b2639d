/**
 * The contract a hostile member adds to its own build of the chaincode: raw
 * writes with no authorisation check at all. The rogue-member suite installs
 * it on one member's peer only (with Fabric's approveformyorg of the committed
 * definition, or as one embedded peer's contracts) and tries with it to forge
 * or erase other members' data. Keys are given as {"type", "attributes"} for
 * a composite key, or {"raw"}; a policy as {"orgs": [...]} (all of them, as
 * the honest chaincode writes key-level policies). Inside the member's own
 * chaincode package this module requires `customs-ledger-chaincode/policy`,
 * the package itself, by Node's self-reference through its "exports".
 */
import { Context, Contract, Transaction } from 'fabric-contract-api';
import { allOf } from 'customs-ledger-chaincode/policy';

interface KeySpec {
  type?: string;
  attributes?: string[];
  raw?: string;
}

function keyOf(ctx: Context, keyJson: string): string {
  const spec = JSON.parse(keyJson) as KeySpec;
  return spec.raw ?? ctx.stub.createCompositeKey(spec.type ?? '', spec.attributes ?? []);
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
      await ctx.stub.setStateValidationParameter(key, allOf((JSON.parse(policyJson) as { orgs: string[] }).orgs));
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
    await ctx.stub.setStateValidationParameter(key, allOf((JSON.parse(policyJson) as { orgs: string[] }).orgs));
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
