/**
 * MembershipContract: the channel's member authorities, as the chaincode
 * knows them. Each member registers itself: the honest chaincode writes
 * `member/<msp>` only for the MSP of the submitting client, and Fabric
 * validates that client's certificate against the channel's MSPs, so a
 * registered member is one the channel's configuration holds. The key is
 * new, so its creation needs the chaincode policy (a majority), and it
 * carries no key-level policy: no member can remove or rewrite another's
 * entry, nor its own, alone. Agreements name registered members only.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CodedContract } from './coded-contract';
import { canonicalJson, type Member } from '../domain';
import { MEMBER, asMember, memberOf } from './agreements';
import { SkippedDocuments, collect, emit, key, requireRole, txTime, writeState } from './support';

@Info({ title: 'MembershipContract', description: 'The member authorities of the channel' })
export class MembershipContract extends CodedContract {
  constructor() {
    super('membership');
  }

  /** Registers the caller's authority (its admin); registering again answers the first registration and writes nothing. */
  @Transaction()
  @Returns('string')
  public async Register(ctx: Context): Promise<string> {
    const caller = requireRole(ctx, 'admin');
    const existing = await memberOf(ctx, caller.msp);
    if (existing) {
      return canonicalJson(existing);
    }
    const member: Member = { docType: 'member', msp: caller.msp, registeredAt: txTime(ctx), txId: ctx.stub.getTxID() };
    await writeState(ctx, key(ctx, MEMBER, caller.msp), member);
    emit(ctx, 'MemberRegistered', { msp: member.msp, at: member.registeredAt });
    return canonicalJson(member);
  }

  /** The registered members, in MSP order, and any member document that is not one. */
  @Transaction(false)
  @Returns('string')
  public async List(ctx: Context): Promise<string> {
    requireRole(ctx, 'admin', 'officer', 'auditor');
    const skipped = new SkippedDocuments();
    const members: Member[] = [];
    for (const kv of await collect(await ctx.stub.getStateByPartialCompositeKey(MEMBER, []))) {
      const member = await skipped.take(() => asMember(kv.value, kv.key));
      if (member) {
        members.push(member);
      }
    }
    return canonicalJson({ members, skipped: skipped.entries });
  }
}
