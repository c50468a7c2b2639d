/**
 * Purge receipts: a holder purges its copy of a share only once the share's
 * retention has run out or its agreement was terminated; an originator
 * purges its own declaration only after the customs retention minimum.
 */
import { DOCUMENT_KEYS, CUSTOMS_RETENTION_YEARS, addYears } from 'customs-ledger-chaincode/domain';
import { parseConsignmentRecord, parsePurgeReceipt, parseShareRecord } from './documents';
import { agreementAt, compositeKey, parseOrReport, readDocument, writesOf, type RuleContext } from './rule-context';

export async function checkPurgeWrites(ctx: RuleContext): Promise<void> {
  for (const w of writesOf(ctx.tx, DOCUMENT_KEYS.purge)) {
    const where = `purge ${w.attributes.join('/')}`;
    if (w.value === null) {
      ctx.report('purge-holder', `${where}: a purge receipt was deleted`);
      continue;
    }
    const receipt = parseOrReport(ctx, w.value, parsePurgeReceipt);
    if (!receipt) {
      continue;
    }
    if (receipt.holder !== ctx.tx.creator.mspId || !ctx.endorsers.has(receipt.holder)) {
      ctx.report('purge-holder', `${where} for ${receipt.holder} was made by ${ctx.tx.creator.mspId} or without ${receipt.holder}'s endorsement`);
    }
    if (receipt.purgedAt !== ctx.at) {
      ctx.report('purge-retention', `${where} says ${receipt.purgedAt}, the transaction time is ${ctx.at}`);
    }
    if (receipt.shareId === null) {
      const record = await readDocument(ctx, compositeKey(DOCUMENT_KEYS.consignment, [receipt.ucr]), parseConsignmentRecord);
      if (!record || record.originator !== receipt.holder) {
        ctx.report('purge-holder', `${where}: ${receipt.holder} purged a declaration it did not lodge`);
      } else if (ctx.at < addYears(record.lodgedAt, CUSTOMS_RETENTION_YEARS)) {
        ctx.report('purge-retention', `${where}: the declaration of ${receipt.ucr} was purged before ${addYears(record.lodgedAt, CUSTOMS_RETENTION_YEARS)}`);
      }
      continue;
    }
    const share = await readDocument(ctx, compositeKey(DOCUMENT_KEYS.share, [receipt.ucr, receipt.shareId]), parseShareRecord);
    if (!share) {
      ctx.report('purge-holder', `${where} names share ${receipt.shareId}, which does not exist`);
      continue;
    }
    if (share.to !== receipt.holder) {
      ctx.report('purge-holder', `${where}: the copy of share ${share.shareId} is held by ${share.to}, not ${receipt.holder}`);
    }
    const agreement = await agreementAt(ctx, share.agreementId);
    const terminated = agreement?.status === 'terminated';
    if (!terminated && ctx.at < share.retainUntil) {
      ctx.report('purge-retention', `${where} at ${ctx.at} is before the retention end ${share.retainUntil} and agreement ${share.agreementId} was not terminated`);
    }
  }
}
