/**
 * How the trader's tools read the ledger: the public record of a UCR and the
 * status of a transaction. Two implementations: a gateway's LedgerBackend
 * (in-process, e.g. an auditor identity) and a gateway's REST API.
 */
import type { ConsignmentRecord } from 'customs-ledger-chaincode/domain';
import { LedgerError, type LedgerBackend, type WalletIdentity } from '../ledger/backend';
import { type z } from 'zod';
import { consignmentRecordSchema, parseWith } from 'customs-ledger-chaincode/domain';
import { parseConsignmentRecord } from '../audit/documents';

export interface LedgerTransactionStatus {
  blockNumber: number;
  validationCode: string;
}

/**
 * What a trader needs of a record to check its document: the commitments and
 * where they were lodged. The gateway serves this without a token
 * (GET /api/v1/commitments/:ucr); the rest of the record (status and its
 * reasons) stays with the members.
 */
export type RecordCommitment = Pick<
  ConsignmentRecord,
  'declarationHash' | 'declarationVersion' | 'fieldHashes' | 'fieldRoot' | 'lodgeTxId' | 'lodgedAt' | 'originator' | 'trader' | 'traderSignature' | 'ucr'
>;

export function commitmentOf(record: ConsignmentRecord): RecordCommitment {
  return {
    ucr: record.ucr,
    declarationHash: record.declarationHash,
    declarationVersion: record.declarationVersion,
    fieldHashes: record.fieldHashes,
    fieldRoot: record.fieldRoot,
    lodgeTxId: record.lodgeTxId,
    lodgedAt: record.lodgedAt,
    originator: record.originator,
    trader: record.trader,
    traderSignature: record.traderSignature,
  };
}

const commitmentSchema = consignmentRecordSchema.pick({
  ucr: true,
  declarationHash: true,
  declarationVersion: true,
  fieldHashes: true,
  fieldRoot: true,
  lodgeTxId: true,
  lodgedAt: true,
  originator: true,
  trader: true,
  traderSignature: true,
}) satisfies z.ZodType<RecordCommitment>;

/**
 * What a caller without a token shows to learn a record's commitments: the
 * declaration's hash, or salted field hashes, of the document it holds. A
 * gateway answers only when one of them is the record's, so nobody learns
 * from a UCR alone whether a record exists.
 */
export interface Possession {
  declarationHash?: string;
  fieldHashes?: Partial<Record<string, string>>;
}

export interface RecordSource {
  /** the commitments of `ucr`, or undefined when none was lodged */
  getRecord(ucr: string, possession?: Possession): Promise<RecordCommitment | undefined>;
  /** where a transaction was committed, or undefined when the ledger does not know it */
  transactionStatus(txId: string): Promise<LedgerTransactionStatus | undefined>;
}

function recordOf(view: unknown): RecordCommitment {
  if (typeof view !== 'object' || view === null || !('record' in view)) {
    throw new Error('the ledger answered something that is not a record view');
  }
  return commitmentOf(parseConsignmentRecord((view as { record: unknown }).record));
}

export const recordSources = {
  /** Queries through a LedgerBackend as `reader` (an auditor identity sees public facts only). */
  backend(backend: LedgerBackend, reader: WalletIdentity): RecordSource {
    return {
      async getRecord(ucr) {
        try {
          const bytes = await backend.evaluate({ identity: reader, contract: 'consignment', fn: 'Get', args: [ucr] });
          return recordOf(JSON.parse(bytes.toString('utf8')) as unknown);
        } catch (err) {
          if (err instanceof LedgerError && err.refusal?.code === 'RECORD_NOT_FOUND') {
            return undefined;
          }
          throw err;
        }
      },
      async transactionStatus(txId) {
        const status = await backend.transactionStatus(txId);
        return status ? { blockNumber: status.blockNumber, validationCode: status.validationCode } : undefined;
      },
    };
  },
  /**
   * A gateway's REST API: GET /api/v1/commitments/:ucr with a token, POST
   * with the caller's Possession without one, and GET /api/v1/transactions/:txId.
   */
  http(baseUrl: string, options: { token?: string; fetch?: typeof fetch } = {}): RecordSource {
    const fetchFn = options.fetch ?? fetch;
    const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
    const get = async (path: string, body?: unknown): Promise<unknown> => {
      const res = await fetchFn(`${baseUrl.replace(/\/$/, '')}/api/v1${path}`, {
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        signal: AbortSignal.timeout(30_000),
        ...(body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }),
      });
      if (res.status === 404) {
        return undefined;
      }
      if (!res.ok) {
        throw new Error(`${path} answered ${res.status}`);
      }
      return res.json();
    };
    return {
      async getRecord(ucr, possession) {
        // a token reads any record's commitments; without one, the caller shows what it holds
        const path = `/commitments/${encodeURIComponent(ucr)}`;
        const body = options.token !== undefined || possession === undefined ? await get(path) : await get(path, possession);
        return body === undefined ? undefined : parseWith(commitmentSchema, body, 'commitment');
      },
      async transactionStatus(txId) {
        const body = await get(`/transactions/${encodeURIComponent(txId)}`);
        const b = body as { blockNumber?: unknown; validationCode?: unknown } | undefined;
        return b && typeof b.blockNumber === 'number' && typeof b.validationCode === 'string'
          ? { blockNumber: b.blockNumber, validationCode: b.validationCode }
          : undefined;
      },
    };
  },
};
