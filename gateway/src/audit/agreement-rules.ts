/**
 * Members, agreements and acceptances: a member registers only itself and
 * its registration never changes; an agreement is written only by one of
 * its parties (identity and peer) and names registered members only; each
 * acceptance only by the party it names, in its own transaction, naming its
 * own key's agreement and party, and never withdrawn.
 */
import { DOCUMENT_KEYS } from 'customs-ledger-chaincode/domain';
import { parseAcceptance, parseAgreement, parseMember } from './documents';
import { compositeKey, parseOrReport, readDocument, writesOf, type RuleContext } from './rule-context';

export async function checkMemberWrites(ctx: RuleContext): Promise<void> {
  const creator = ctx.tx.creator.mspId;
  for (const w of writesOf(ctx.tx, DOCUMENT_KEYS.member)) {
    const msp = w.attributes[0] ?? '';
    if (w.value === null || (await ctx.state.get(w.key)) !== undefined) {
      ctx.report('member-registry', `the registration of ${msp} was ${w.value === null ? 'deleted' : 'rewritten'} by ${creator}: no contract changes one`);
      continue;
    }
    const member = parseOrReport(ctx, w.value, parseMember);
    if (msp !== creator || (member && member.msp !== msp)) {
      ctx.report('member-registry', `${creator} registered ${member?.msp ?? msp} under the key of ${msp}: a member registers only itself`);
    }
  }
}

export async function checkAgreementWrites(ctx: RuleContext): Promise<void> {
  const creator = ctx.tx.creator.mspId;
  for (const w of writesOf(ctx.tx, DOCUMENT_KEYS.agreement)) {
    const id = w.attributes[0] ?? '';
    const before = await readDocument(ctx, w.key, parseAgreement);
    const after = w.value === null ? undefined : parseOrReport(ctx, w.value, parseAgreement);
    const parties = before?.parties ?? after?.parties ?? [];
    if (!parties.includes(creator) || !ctx.endorsers.has(creator)) {
      ctx.report('agreement-party', `agreement ${id} was written by ${creator}, which is not a party endorsing with its own peer`);
    }
    if (!before && after) {
      for (const party of after.parties) {
        if (!(await readDocument(ctx, compositeKey(DOCUMENT_KEYS.member, [party]), parseMember))) {
          ctx.report('agreement-party', `agreement ${id} names ${party}, which is not a registered member of the channel`);
        }
      }
    }
    if (before && after && before.parties.join(',') !== after.parties.join(',')) {
      ctx.report('agreement-party', `the parties of agreement ${id} changed after it was proposed`);
    }
  }
  for (const w of writesOf(ctx.tx, DOCUMENT_KEYS.acceptance)) {
    const [agreementId = '', party = ''] = w.attributes;
    if (party !== creator || !ctx.endorsers.has(party)) {
      ctx.report('acceptance-owner', `the acceptance of ${party} for ${agreementId} was written by ${creator} with endorsements of ${[...ctx.endorsers].join(', ') || 'nobody'}`);
    }
    if (w.value === null) {
      ctx.report('acceptance-owner', `the acceptance of ${party} for ${agreementId} was deleted: no contract withdraws an acceptance`);
      continue;
    }
    const acceptance = parseOrReport(ctx, w.value, parseAcceptance);
    if (acceptance && (acceptance.agreementId !== agreementId || acceptance.party !== party)) {
      ctx.report('acceptance-owner', `the acceptance under ${party}'s key for ${agreementId} names ${acceptance.party}'s acceptance of ${acceptance.agreementId}`);
    }
  }
}
