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
  leafHash,
  type Declaration,
  type DeclarationField,
  type Salts,
} from 'customs-ledger-chaincode/domain';
import { blockSources } from '../audit/block-source';
import type { TransactionStatus, WalletIdentity } from '../ledger/backend';
import { buildInclusionProof, commitmentOf, recordSources, type InclusionProof, type RecordCommitment } from '../trader';
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
  status: string;
  trader: { address: string; signature: string } | null;
}

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

  /** The commitments of a record, for a trader checking its document: no status, no private data. */
  async commitment(ucr: string): Promise<RecordCommitment> {
    const { record } = await this.consignments.get(this.reader, ucr);
    return commitmentOf(record);
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
    await this.consignments.get(this.reader, ucr);
    return this.ledger.call('inclusionProof', () =>
      buildInclusionProof(ucr, recordSources.backend(this.ledger.backend, this.reader), blockSources.backend(this.ledger.backend)),
    );
  }

  async verify(declaration: Declaration, salts?: Salts): Promise<Verification> {
    const declarationHash = declarationHashOf(declaration);
    const { record } = await this.consignments.get(this.reader, declaration.ucr);
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
      status: record.status,
      trader:
        record.trader !== null && record.traderSignature !== null ? { address: record.trader, signature: record.traderSignature } : null,
    };
    if (salts !== undefined) {
      const sent = fieldHashes(declaration, salts);
      verification.mismatchedFields = DECLARATION_FIELDS.filter((f) => sent[f] !== record.fieldHashes[f]);
    }
    return verification;
  }

  /** Selective disclosure: checks single fields, each with its salt, against the record's salted field hashes. */
  async disclose(ucr: string, disclosed: Partial<Record<DeclarationField, DisclosedField>>): Promise<DisclosureCheck> {
    const { record } = await this.consignments.get(this.reader, ucr);
    const fields = DECLARATION_FIELDS.flatMap((field) => {
      const d = disclosed[field];
      return d === undefined ? [] : [{ field, match: leafHash(field, d.salt, d.value) === record.fieldHashes[field] }];
    });
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
