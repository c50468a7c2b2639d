/**
 * What a trader, or anyone holding the document, can check without a Fabric
 * identity: that a declaration is exactly the one on the ledger (the whole
 * document, or field by field with the salts), when and where it was
 * committed, by which authority, and who signed it.
 */
import {
  DECLARATION_FIELDS,
  declarationHashOf,
  fieldHashes,
  fieldRootOf,
  LedgerRuleError,
  leafHash,
  proofRequestSigner,
  type ConsignmentRecord,
  type Declaration,
  type DeclarationField,
  type Salts,
} from 'customs-ledger-chaincode/domain';
import { blockSources } from '../audit/block-source';
import type { TransactionStatus, WalletIdentity } from '../ledger/backend';
import { commitmentOf, proveInclusion, recordSources, type InclusionProof, type Possession, type RecordCommitment } from '../trader';
import { GatewayError } from './errors';
import type { ConsignmentService } from './consignment-service';
import type { LedgerClient } from './ledger-client';

export interface Verification {
  match: boolean;
  ucr: string;
  /** hash of the document that was sent */
  declarationHash: string;
  /** hash on the ledger */
  recordedDeclarationHash: string;
  /** only when salts were sent: the fields whose salted hash differs from the ledger's */
  mismatchedFields?: DeclarationField[];
  transactionId: string;
  blockNumber: number | null;
  committedAt: string;
  originator: string;
  trader: { address: string; signature: string } | null;
}

/** How long a trader's signed proof request stays good, either side of the gateway's clock. */
export const PROOF_REQUEST_WINDOW_MS = 5 * 60_000;

export interface DisclosedField {
  value: unknown;
  salt: string;
}

export interface DisclosureCheck {
  ucr: string;
  fieldRoot: string;
  /** true when the record's fieldRoot is the root of its published field hashes */
  rootConsistent: boolean;
  fields: { field: DeclarationField; match: boolean }[];
  match: boolean;
}

export class VerificationService {
  /** `reader` is the identity queries run as: the authority's auditor, which never sees private data. */
  constructor(
    private readonly ledger: LedgerClient,
    private readonly consignments: ConsignmentService,
    private readonly reader: WalletIdentity,
  ) {}

  /** The commitments of a record, for a token holder: no status, no private data. */
  async commitment(ucr: string): Promise<RecordCommitment> {
    const { record } = await this.consignments.get(this.reader, ucr);
    return commitmentOf(record);
  }

  /** The same for a caller without a token, which shows the declaration hash or salted field hashes of what it holds. */
  async commitmentFor(ucr: string, possession: Possession): Promise<RecordCommitment> {
    return commitmentOf(await this.heldRecord(ucr, (record) => holds(record, possession)));
  }

  /**
   * The record under `ucr` if `shown` holds for it. A caller without a token
   * gets the same refusal whether no record has that UCR or what it showed
   * does not match: it learns nothing of records whose document it lacks.
   */
  private async heldRecord(ucr: string, shown: (record: ConsignmentRecord) => boolean): Promise<ConsignmentRecord> {
    let record: ConsignmentRecord | undefined;
    try {
      ({ record } = await this.consignments.get(this.reader, ucr));
    } catch (err) {
      if (!(err instanceof LedgerRuleError && err.code === 'RECORD_NOT_FOUND')) {
        throw err;
      }
    }
    if (record === undefined || !shown(record)) {
      throw new GatewayError('NOT_FOUND', `no record ${ucr} matches what was sent`, { field: 'ucr' });
    }
    return record;
  }

  /** Where a transaction was committed and with which validation code; public ledger facts. */
  async transaction(transactionId: string): Promise<TransactionStatus> {
    const status = await this.ledger.call('transactionStatus', () => this.ledger.backend.transactionStatus(transactionId));
    if (!status) {
      throw new GatewayError('NOT_FOUND', `the ledger has no transaction ${transactionId}`, { field: 'txId' });
    }
    return status;
  }

  /**
   * A proof that a record's lodgement is in its block and that the block is
   * in the chain up to the current height, checkable offline with
   * `customs-ledger trader verify-inclusion`.
   */
  async inclusionProof(ucr: string): Promise<InclusionProof> {
    return this.proofOf((await this.consignments.get(this.reader, ucr)).record);
  }

  /** The proof for a record already read (once, whoever asks). */
  private proofOf(record: ConsignmentRecord): Promise<InclusionProof> {
    return this.ledger.call('inclusionProof', () =>
      proveInclusion(record, recordSources.backend(this.ledger.backend, this.reader), blockSources.backend(this.ledger.backend)),
    );
  }

  /**
   * The inclusion proof for a caller without a token: the record's trader,
   * which signs {ucr, authority, signedAt} with the key that signed the
   * declaration (within PROOF_REQUEST_WINDOW_MS of this gateway's clock).
   * The proof holds the whole block, so nobody else gets one tokenless.
   */
  async traderInclusionProof(ucr: string, request: { signedAt: string; signature: string }, now = Date.now()): Promise<InclusionProof> {
    const skew = Math.abs(Date.parse(request.signedAt) - now);
    if (!(skew <= PROOF_REQUEST_WINDOW_MS)) {
      throw new GatewayError('NOT_THE_TRADER', `signedAt: ${request.signedAt} is more than ${PROOF_REQUEST_WINDOW_MS / 60_000} minutes from this gateway's time; sign a fresh request`, { field: 'signedAt' });
    }
    const signer = proofRequestSigner({ ucr, authority: this.ledger.backend.mspId, signedAt: request.signedAt }, request.signature)?.toLowerCase();
    // unknown, lodged without a trader, or another trader's: one answer
    return this.proofOf(await this.heldRecord(ucr, (record) => signer !== undefined && record.trader !== null && record.trader.toLowerCase() === signer));
  }

  async verify(declaration: Declaration, salts?: Salts): Promise<Verification> {
    const declarationHash = declarationHashOf(declaration);
    const sent = salts === undefined ? undefined : fieldHashes(declaration, salts);
    const record = await this.heldRecord(declaration.ucr, (r) => holds(r, { declarationHash, ...(sent ? { fieldHashes: sent } : {}) }));
    const status = await this.ledger.call('transactionStatus', () => this.ledger.backend.transactionStatus(record.lodgeTxId));
    const verification: Verification = {
      match: record.declarationHash === declarationHash,
      ucr: record.ucr,
      declarationHash,
      recordedDeclarationHash: record.declarationHash,
      transactionId: record.lodgeTxId,
      blockNumber: status?.blockNumber ?? null,
      committedAt: record.lodgedAt,
      originator: record.originator,
      trader:
        record.trader !== null && record.traderSignature !== null ? { address: record.trader, signature: record.traderSignature } : null,
    };
    if (sent !== undefined) {
      verification.mismatchedFields = DECLARATION_FIELDS.filter((f) => sent[f] !== record.fieldHashes[f]);
    }
    return verification;
  }

  /** Selective disclosure: checks single fields, each with its salt, against the record's salted field hashes. */
  async disclose(ucr: string, disclosed: Partial<Record<DeclarationField, DisclosedField>>): Promise<DisclosureCheck> {
    const shown = Object.fromEntries(Object.entries(disclosed).map(([field, d]) => [field, leafHash(field as DeclarationField, d.salt, d.value)]));
    const record = await this.heldRecord(ucr, (r) => holds(r, { fieldHashes: shown }));
    const fields = DECLARATION_FIELDS.flatMap((field) => (shown[field] === undefined ? [] : [{ field, match: shown[field] === record.fieldHashes[field] }]));
    const rootConsistent = fieldRootOf(record.fieldHashes) === record.fieldRoot;
    return {
      ucr: record.ucr,
      fieldRoot: record.fieldRoot,
      rootConsistent,
      fields,
      match: rootConsistent && fields.length > 0 && fields.every((f) => f.match),
    };
  }
}

/** Whether what a caller shows is the record's: its declaration hash, or at least one salted field hash. */
function holds(record: ConsignmentRecord, possession: Possession): boolean {
  if (possession.declarationHash !== undefined && possession.declarationHash === record.declarationHash) {
    return true;
  }
  const recorded: Partial<Record<string, string>> = record.fieldHashes;
  return Object.entries(possession.fieldHashes ?? {}).some(([field, hash]) => hash !== undefined && recorded[field] === hash);
}
