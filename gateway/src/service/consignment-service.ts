/** Reading consignment records, their history and indexes, and moving a record through its statuses. */
import type { RecordStatus, RecordView, ConsignmentRecord } from 'customs-ledger-chaincode/domain';
import { canonicalJson } from 'customs-ledger-chaincode/domain';
import type { WalletIdentity } from '../ledger/backend';
import type { LedgerClient } from './ledger-client';
import {
  answerParser,
  consignmentRecordSchema,
  historySchema,
  recordPageSchema,
  recordViewSchema,
  type History,
  type RecordPage,
} from './ledger-views';

export type ListIndex = 'day' | 'office' | 'status';

export interface ListQuery {
  by: ListIndex;
  value: string;
  pageSize: number;
  /** opaque cursor from the previous page; "" for the first */
  bookmark: string;
}

const asView = answerParser(recordViewSchema, 'record view');
const asRecord = answerParser(consignmentRecordSchema, 'record');
const asHistory = answerParser(historySchema, 'history');
const asPage = answerParser(recordPageSchema, 'page');

export class ConsignmentService {
  constructor(private readonly ledger: LedgerClient) {}

  /** The public record, and the private fields this authority holds (none for an auditor). */
  get(as: WalletIdentity, ucr: string): Promise<RecordView> {
    return this.ledger.evaluate({ identity: as, contract: 'consignment', fn: 'Get', args: [ucr] }, asView);
  }

  async updateStatus(as: WalletIdentity, ucr: string, status: RecordStatus, reason: string): Promise<ConsignmentRecord> {
    const request = { identity: as, contract: 'consignment' as const, fn: 'UpdateStatus', args: [ucr, status, reason] };
    return (await this.ledger.submit(request, asRecord)).value;
  }

  history(as: WalletIdentity, ucr: string): Promise<History> {
    return this.ledger.evaluate({ identity: as, contract: 'consignment', fn: 'History', args: [ucr] }, asHistory);
  }

  list(as: WalletIdentity, query: ListQuery): Promise<RecordPage> {
    const args = [canonicalJson({ by: query.by, value: query.value, pageSize: query.pageSize, bookmark: query.bookmark })];
    return this.ledger.evaluate({ identity: as, contract: 'consignment', fn: 'List', args }, asPage);
  }
}
