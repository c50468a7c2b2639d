/**
 * Lodging a declaration: the gateway commits to it (declarationHash over the
 * canonical JSON, salted field hashes and their root), puts the public part
 * and the commitments in the transaction's argument and the private part
 * with its salts in transient data, so the private part never reaches a block.
 */
import {
  canonicalBytes,
  canonicalJson,
  commitDeclaration,
  splitDeclaration,
  type ConsignmentRecord,
  type Declaration,
  type Salts,
} from 'customs-ledger-chaincode/domain';
import type { WalletIdentity } from '../ledger/backend';
import type { LedgerClient } from './ledger-client';
import { answerParser, consignmentRecordSchema } from './ledger-views';
import { randomSalts } from './salts';

export interface TraderSignature {
  /** 0x-prefixed 20-byte address */
  address: string;
  /** 0x-prefixed 65-byte EIP-712 signature over the declaration's typed data */
  signature: string;
}

export interface LodgeInput {
  declaration: Declaration;
  /** the salts the trader signed over; made here when absent (then the lodgement cannot be signed) */
  salts?: Salts | undefined;
  trader?: TraderSignature | undefined;
}

export interface Lodged {
  record: ConsignmentRecord;
  /**
   * The salts of every field: whoever holds them can later disclose single
   * fields. Null when this declaration had already been lodged under other
   * salts: the first lodgement's salts are the ones that count.
   */
  salts: Salts | null;
  saltsGenerated: boolean;
  /** false when the same declaration had already been lodged and the ledger returned that record */
  created: boolean;
  transactionId: string;
}

const asRecord = answerParser(consignmentRecordSchema, 'record');

export class LodgementService {
  constructor(private readonly ledger: LedgerClient) {}

  async lodge(as: WalletIdentity, input: LodgeInput): Promise<Lodged> {
    const salts = input.salts ?? randomSalts();
    const commitment = commitDeclaration(input.declaration, salts);
    const { publicPart, privatePart } = splitDeclaration(input.declaration);
    const lodgement = {
      ...publicPart,
      declarationHash: commitment.declarationHash,
      fieldRoot: commitment.fieldRoot,
      trader: input.trader?.address ?? null,
      traderSignature: input.trader?.signature ?? null,
    };
    const committed = await this.ledger.submit(
      {
        identity: as,
        contract: 'consignment',
        fn: 'Lodge',
        args: [canonicalJson(lodgement)],
        transient: { declaration: canonicalBytes({ fields: privatePart, salts }) },
      },
      asRecord,
      // Lodge answers with the existing record for the same UCR, hash and originator, so sending it again is safe.
      true,
    );
    const record = committed.value;
    return {
      record,
      salts: record.fieldRoot === commitment.fieldRoot ? salts : null,
      saltsGenerated: input.salts === undefined,
      created: record.lodgeTxId === committed.transactionId,
      transactionId: committed.transactionId,
    };
  }
}
