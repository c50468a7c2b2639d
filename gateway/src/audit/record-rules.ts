/**
 * Consignment records belong to their originator: every write of a record
 * or of its index keys is made by the originator's identity and endorsed by
 * the originator's peer, the lodged facts never change, and a trader's
 * EIP-712 signature, when there is one, is valid on this channel.
 */
import { DOCUMENT_KEYS, type ConsignmentRecord, type IndexKey } from 'customs-ledger-chaincode/domain';
import { parseConsignmentRecord } from './documents';
import { compositeKey, parseOrReport, readDocument, writesOf, type RuleContext } from './rule-context';
import { traderCheckOf } from './signature-checks';

const INDEXES: readonly IndexKey[] = ['consignment-status', 'consignment-office', 'consignment-day'];

export async function checkRecordWrites(ctx: RuleContext): Promise<void> {
  const owners = new Map<string, string>();
  // indexed loops: a for-of across an await keeps an iterator and a result object per step
  const records = writesOf(ctx.tx, DOCUMENT_KEYS.consignment);
  for (let i = 0; i < records.length; i++) {
    const w = records[i]!;
    const ucr = w.attributes[0] ?? '';
    const before = await readDocument(ctx, w.key, parseConsignmentRecord);
    const after = w.value === null ? null : parseOrReport(ctx, w.value, parseConsignmentRecord);
    const owner = before?.originator ?? after?.originator;
    if (owner === undefined) {
      continue;
    }
    owners.set(ucr, owner);
    if (after === null) {
      ctx.report('record-write', `record ${ucr} of ${owner} was deleted`);
    }
    checkOwnerWrite(ctx, owner, `record ${ucr}`);
    if (after) {
      if (after.originator !== owner) {
        ctx.report('foreign-record-write', `record ${ucr} of ${owner} was rewritten as ${after.originator}'s`);
      }
      if (after.ucr !== ucr) {
        ctx.report('record-write', `the record under key ${ucr} names UCR ${after.ucr}`);
      }
      if (before && lodgedFactsChanged(before, after)) {
        ctx.report('record-write', `the lodged facts of record ${ucr} (hash, field root, trader, signature or version) changed`);
      } else if (!before) {
        checkTraderSignature(ctx, after);
      }
    }
  }
  for (let x = 0; x < INDEXES.length; x++) {
    const index = INDEXES[x]!;
    const writes = writesOf(ctx.tx, index);
    for (let i = 0; i < writes.length; i++) {
      const w = writes[i]!;
      const ucr = w.attributes.at(-1) ?? '';
      const owner = owners.get(ucr) ?? (await readDocument(ctx, compositeKey(DOCUMENT_KEYS.consignment, [ucr]), parseConsignmentRecord))?.originator;
      if (owner === undefined) {
        ctx.report('record-write', `index ${index} names ${ucr}, which has no record`);
      } else {
        checkOwnerWrite(ctx, owner, `${index} index of ${ucr}`);
      }
    }
  }
}

function checkOwnerWrite(ctx: RuleContext, owner: string, what: string): void {
  if (ctx.tx.creator.mspId !== owner) {
    ctx.report('foreign-record-write', `${ctx.tx.creator.mspId} wrote ${what}, which belongs to ${owner}`);
  }
  if (!ctx.endorsers.has(owner)) {
    ctx.report('originator-endorsement', `${what} was written without the endorsement of its originator ${owner}`);
  }
}

function lodgedFactsChanged(a: ConsignmentRecord, b: ConsignmentRecord): boolean {
  return (
    a.declarationHash !== b.declarationHash ||
    a.fieldRoot !== b.fieldRoot ||
    a.trader !== b.trader ||
    a.traderSignature !== b.traderSignature ||
    a.declarationVersion !== b.declarationVersion ||
    a.lodgeTxId !== b.lodgeTxId
  );
}

function checkTraderSignature(ctx: RuleContext, record: ConsignmentRecord): void {
  if ((record.trader === null) !== (record.traderSignature === null)) {
    ctx.report('trader-signature', `record ${record.ucr} has a trader without a signature or a signature without a trader`);
    return;
  }
  const check = traderCheckOf(ctx.tx.channelId, record);
  if (check && !ctx.traderSignatureValid(check)) {
    ctx.report('trader-signature', `the trader signature on record ${record.ucr} is not ${record.trader}'s over its hash, root, authority and version`);
  }
}
