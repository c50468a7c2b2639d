/**
 * A share is a fact on the public ledger: made only while its agreement was
 * active at the transaction's time, from one party to another, for a
 * purpose the agreement allows and for categories it covers, and the copy
 * written into the recipient's implicit collection is endorsed by the
 * recipient's peer (and the release by the sharer's).
 */
import { DOCUMENT_KEYS, addDays, fieldsOfCategories, implicitCollection } from 'customs-ledger-chaincode/domain';
import { parseConsignmentRecord, parseShareRecord } from './documents';
import { agreementAt, compositeKey, parseOrReport, readDocument, writesOf, type RuleContext } from './rule-context';

export async function checkShareWrites(ctx: RuleContext): Promise<void> {
  for (const w of writesOf(ctx.tx, DOCUMENT_KEYS.share)) {
    const where = `share ${w.attributes.join('/')}`;
    const known = ctx.state.peek(w.key);
    if (known === undefined ? await ctx.state.get(w.key) : known) {
      ctx.report('share-record', `${where} was ${w.value === null ? 'deleted' : 'rewritten'} after it was made`);
    }
    if (w.value === null) {
      continue;
    }
    const share = parseOrReport(ctx, w.value, parseShareRecord);
    if (!share) {
      continue;
    }
    if (share.ucr !== w.attributes[0] || share.shareId !== w.attributes[1] || share.shareId !== ctx.tx.transactionId) {
      ctx.report('share-record', `${where} does not name its own UCR and transaction`);
    }
    if (share.sharedAt !== ctx.at) {
      ctx.report('share-record', `${where} says it was shared at ${share.sharedAt}, the transaction time is ${ctx.at}`);
    }
    const record = await readDocument(ctx, compositeKey(DOCUMENT_KEYS.consignment, [share.ucr]), parseConsignmentRecord);
    if (!record) {
      ctx.report('share-record', `${where} shares ${share.ucr}, which has no record`);
    } else if (share.onward !== (share.from !== record.originator)) {
      ctx.report('share-record', `${where} marks onward=${String(share.onward)}, but the sharer ${share.from} ${share.from === record.originator ? 'is' : 'is not'} the originator`);
    }
    const found = await agreementAt(ctx, share.agreementId);
    if (!found) {
      ctx.report('share-agreement', `${where} names agreement ${share.agreementId}, which does not exist`);
    } else {
      const { agreement, status } = found;
      if (status !== 'active') {
        ctx.report('share-agreement', `${where} was made under agreement ${agreement.id} while it was ${status}`);
      }
      const parties = agreement.parties;
      if (!parties.includes(share.from) || !parties.includes(share.to) || share.from === share.to) {
        ctx.report('share-parties', `${where} from ${share.from} to ${share.to} is not between two parties of ${agreement.id} (${parties.join(', ')})`);
      }
      if (!agreement.purposes.includes(share.purpose)) {
        ctx.report('share-purpose', `${where} is for ${share.purpose}, which ${agreement.id} does not allow`);
      }
      const uncovered = share.categories.filter((c) => !agreement.categories.includes(c));
      if (uncovered.length > 0) {
        ctx.report('share-categories', `${where} shares ${uncovered.join(', ')}, which ${agreement.id} does not cover`);
      }
      if (share.retainUntil !== addDays(share.sharedAt, agreement.retentionDays)) {
        ctx.report('share-record', `${where} keeps the copy until ${share.retainUntil}, not ${agreement.retentionDays} days`);
      }
    }
    const expectedFields = fieldsOfCategories(share.categories);
    if (expectedFields.join(',') !== [...share.fields].sort().join(',')) {
      ctx.report('share-categories', `${where} lists fields ${share.fields.join(', ')}, not those of ${share.categories.join(', ')}`);
    }
    if (share.from !== ctx.tx.creator.mspId) {
      ctx.report('share-parties', `${where} claims to come from ${share.from}, but ${ctx.tx.creator.mspId} made it`);
    }
    const copy = ctx.tx.rwset.collections.find((c) => c.collection === implicitCollection(share.to) && c.hashedWrites.some((h) => !h.isDelete));
    if (!copy) {
      ctx.report('share-endorsement', `${where} wrote no copy into the recipient's collection ${implicitCollection(share.to)}`);
    }
    if (!ctx.endorsers.has(share.to)) {
      ctx.report('share-endorsement', `${where} into ${share.to}'s collection was not endorsed by ${share.to}`);
    }
    if (!ctx.endorsers.has(share.from)) {
      ctx.report('share-endorsement', `${where} was not endorsed by the sharer ${share.from}`);
    }
    const foreign = ctx.tx.rwset.collections.filter(
      (c) => c.hashedWrites.length > 0 && c.collection !== implicitCollection(share.to),
    );
    if (foreign.length > 0) {
      ctx.report('share-endorsement', `${where} also wrote into ${foreign.map((c) => c.collection).join(', ')}`);
    }
  }
}
