/**
 * A member authority's registration in the chaincode's member list
 * (MembershipContract): made once, by the authority's own admin, when its
 * node first reaches the channel; agreements can name registered members
 * only. Asked first, so a node that restarts writes nothing.
 */
import type { LedgerBackend, WalletIdentity } from './backend';

export async function registerMember(backend: LedgerBackend, admin: WalletIdentity): Promise<'registered' | 'already'> {
  const answer = JSON.parse((await backend.evaluate({ identity: admin, contract: 'membership', fn: 'List', args: [] })).toString()) as {
    members: { msp: string }[];
  };
  if (answer.members.some((m) => m.msp === backend.mspId)) {
    return 'already';
  }
  await backend.submit({ identity: admin, contract: 'membership', fn: 'Register', args: [] });
  return 'registered';
}
