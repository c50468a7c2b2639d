/**
 * Sharing a record's private fields with a partner authority under an
 * agreement, purpose-bound access to shared copies, and purging them.
 *
 * A share is endorsed by this authority's peer and the recipient's: the
 * gateway reads its own private view, sends exactly the fields of the shared
 * categories with their salts as transient data, and the recipient's peer
 * stores only what matches the lodged field hashes.
 */
import {
  LedgerRuleError,
  canonicalBytes,
  canonicalJson,
  fieldsOfCategories,
  type AccessRequest,
  type DataCategory,
  type PurgeReceipt,
  type Purpose,
  type RecordView,
  type ShareRecord,
} from 'customs-ledger-chaincode/domain';
import type { WalletIdentity } from '../ledger/backend';
import type { AgreementService } from './agreement-service';
import type { ConsignmentService } from './consignment-service';
import type { LedgerClient } from './ledger-client';
import {
  accessRequestSchema,
  answerParser,
  purgeReceiptSchema,
  shareRecordSchema,
  shareListSchema,
  type ShareList,
} from './ledger-views';

export interface ShareInput {
  recipient: string;
  agreementId: string;
  purpose: Purpose;
  /** within the agreement's categories; the agreement's own categories when absent */
  categories?: DataCategory[] | undefined;
}

export interface AccessGranted {
  request: AccessRequest;
  view: RecordView;
}

const asShare = answerParser(shareRecordSchema, 'share');
const asShares = answerParser(shareListSchema, 'shares');
const asAccess = answerParser(accessRequestSchema, 'access request');
const asPurge = answerParser(purgeReceiptSchema, 'purge receipt');

export class SharingService {
  constructor(
    private readonly ledger: LedgerClient,
    private readonly consignments: ConsignmentService,
    private readonly agreements: AgreementService,
  ) {}

  async share(as: WalletIdentity, ucr: string, input: ShareInput): Promise<ShareRecord> {
    const own = this.ledger.mspId;
    if (input.recipient === own) {
      throw new LedgerRuleError('INVALID_ARGUMENT', `recipient: ${own} is this authority itself`, { field: 'recipient' });
    }
    const view = await this.consignments.get(as, ucr);
    if (view.private === null) {
      throw new LedgerRuleError('NO_SHARED_COPY', `${own} holds no private fields of ${view.record.ucr}`, { ucr: view.record.ucr });
    }
    const categories = input.categories ?? (await this.agreements.get(as, input.agreementId)).categories;
    const fields: Record<string, unknown> = {};
    const salts: Record<string, string> = {};
    for (const field of fieldsOfCategories(categories)) {
      const value = view.private.fields[field];
      const salt = view.private.salts[field];
      if (value !== undefined && salt !== undefined) {
        fields[field] = value;
        salts[field] = salt;
      }
    }
    const requested = input.categories === undefined ? '' : canonicalJson([...new Set(input.categories)].sort());
    const committed = await this.ledger.submit(
      {
        identity: as,
        contract: 'consignment',
        fn: 'Share',
        args: [view.record.ucr, input.recipient, input.agreementId, input.purpose, requested],
        transient: { shared: canonicalBytes({ fields, salts }) },
        endorsingOrgs: [own, input.recipient],
      },
      asShare,
    );
    return committed.value;
  }

  shares(as: WalletIdentity, ucr: string): Promise<ShareList> {
    return this.ledger.evaluate({ identity: as, contract: 'consignment', fn: 'Shares', args: [ucr] }, asShares);
  }

  /** Records the purpose-bound request on the ledger first, then reads: every read of shared data leaves a trace. */
  async requestAccess(as: WalletIdentity, ucr: string, purpose: Purpose): Promise<AccessGranted> {
    const request = { identity: as, contract: 'consignment' as const, fn: 'RequestAccess', args: [ucr, purpose] };
    const committed = await this.ledger.submit(request, asAccess);
    return { request: committed.value, view: await this.consignments.get(as, ucr) };
  }

  /** Purges this authority's copy of one share, once retention ran out or the agreement was terminated. */
  async purge(as: WalletIdentity, ucr: string, shareId: string): Promise<PurgeReceipt> {
    const request = { identity: as, contract: 'consignment' as const, fn: 'Purge', args: [ucr, shareId] };
    return (await this.ledger.submit(request, asPurge)).value;
  }
}
