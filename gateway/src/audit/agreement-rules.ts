/**
 * Agreements and acceptances: an agreement is written only by one of its
 * parties (identity and peer), and each acceptance only by the party it
 * names, in its own transaction, naming its own key's agreement and party,
 * and never withdrawn.
 */
import { parseAcceptance, parseAgreement } from './documents';
import { parseOrReport, readDocument, writesOf, type RuleContext } from './rule-context';

export async function checkAgreementWrites(ctx: RuleContext): Promise<void> {
  const creator = ctx.tx.creator.mspId;
  for (const w of writesOf(ctx.tx, 'agreement')) {
    const id = w.attributes[0] ?? '';
    const before = await readDocument(ctx, w.key, parseAgreement);
    const after = w.value === null ? undefined : parseOrReport(ctx, w.value, parseAgreement);
    const parties = before?.parties ?? after?.parties ?? [];
    if (!parties.includes(creator) || !ctx.endorsers.has(creator)) {
      ctx.report('agreement-party', `agreement ${id} was written by ${creator}, which is not a party endorsing with its own peer`);
    }
    if (before && after && before.parties.join(',') !== after.parties.join(',')) {
      ctx.report('agreement-party', `the parties of agreement ${id} changed after it was proposed`);
    }
  }
  for (const w of writesOf(ctx.tx, 'acceptance')) {
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
