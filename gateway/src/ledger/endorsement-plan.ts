/**
 * Which peers a transaction asks to endorse. The channel's chaincode policy
 * is a MAJORITY of the member authorities (scripts/network/render-config.sh,
 * the embedded network alike): a new public key, or one without a key-level
 * policy, is valid only with that many authorities' endorsements, each of
 * which runs the honest chaincode's checks on the caller. So a submit asks
 * its own authority's peer, the organisations the request names (a share's
 * recipient), and enough other members' peers — witnesses — to reach the
 * policy. Witnesses are taken in turn (so the load spreads), and when one
 * cannot endorse, the next set is tried.
 *
 * A transaction that writes only into the caller's own implicit collection
 * is validated against the caller's own endorsement policy alone (Fabric
 * v2.5 core/common/validation/statebased/v20.go), and asks only its own peer.
 */
import { LedgerError, isCodedRefusal } from './backend';

export type ChaincodePolicyRule = 'any' | 'majority' | 'all';

/** How many distinct members' peers the chaincode policy needs. */
export function requiredEndorsers(rule: ChaincodePolicyRule, memberCount: number): number {
  if (rule === 'any') {
    return 1;
  }
  return rule === 'all' ? memberCount : Math.floor(memberCount / 2) + 1;
}

export interface EndorsementPlanner {
  /** The endorsing organisations to try, first set first; each holds `own` first. */
  plans(own: string, named: readonly string[], endorsement: 'policy' | 'named'): string[][];
  /**
   * Runs `attempt` with each plan in turn until one succeeds. A failure that
   * another set of endorsers cannot change ends the search at once: a coded
   * refusal, or anything past the endorsement stage (the own peer
   * unreachable, a transaction already sent). After the last plan, the last
   * failure is thrown, through `exhausted` when given.
   */
  inTurn<T>(
    own: string,
    request: { endorsingOrgs?: readonly string[]; endorsement?: 'policy' | 'named' },
    attempt: (orgs: string[]) => Promise<T>,
    exhausted?: (last: unknown) => unknown,
  ): Promise<T>;
}

/** Whether a failed attempt may succeed with other endorsers. */
function worthAnotherPlan(err: unknown): boolean {
  return err instanceof LedgerError && err.stage === 'endorse' && !isCodedRefusal(err);
}

export function endorsementPlanner(members: readonly string[], rule: ChaincodePolicyRule): EndorsementPlanner {
  let turn = 0;
  return {
    async inTurn(own, request, attempt, exhausted) {
      let last: unknown;
      for (const orgs of this.plans(own, request.endorsingOrgs ?? [], request.endorsement ?? 'policy')) {
        try {
          return await attempt(orgs);
        } catch (err) {
          if (!worthAnotherPlan(err)) {
            throw err;
          }
          last = err;
        }
      }
      throw exhausted ? exhausted(last) : last;
    },
    plans(own, named, endorsement) {
      const fixed = [own, ...[...new Set(named)].filter((o) => o !== own)];
      const needed = endorsement === 'named' ? 0 : requiredEndorsers(rule, members.length) - fixed.length;
      const others = members.filter((m) => !fixed.includes(m)).sort();
      if (needed <= 0 || others.length === 0) {
        return [fixed];
      }
      const start = turn++ % others.length;
      const rotated = [...others.slice(start), ...others.slice(0, start)];
      // one plan per starting witness: a witness that cannot endorse is replaced by the next in turn
      return rotated.map((_, i) => [...fixed, ...Array.from({ length: Math.min(needed, others.length) }, (_, k) => rotated[(i + k) % rotated.length]!)]);
    },
  };
}
