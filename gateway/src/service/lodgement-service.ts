/**
 * Lodging a declaration: the gateway commits to it (declarationHash over the
 * canonical JSON, salted field hashes and their root) and lodges it in two
 * transactions. StoreDeclaration puts the private part with its salts, as
 * transient data, into the authority's own implicit collection, endorsed by
 * its own peer alone: no other authority ever receives it, and it never
 * reaches a block. Lodge then writes the public part and the commitments,
 * endorsed by a majority of the authorities, each checking what it can from
 * public data and that the private part is stored (by its hash).
 */
import {
  LedgerRuleError,
  canonicalBytes,
  canonicalJson,
  commitDeclaration,
  splitDeclaration,
  type ConsignmentRecord,
  type Declaration,
  type Lodgement,
  type Salts,
} from 'customs-ledger-chaincode/domain';
import { z } from 'zod';
import type { WalletIdentity } from '../ledger/backend';
import type { LedgerClient } from './ledger-client';
import { answerParser, consignmentRecordSchema } from './ledger-views';
import { randomSalts } from '../trader/salts';

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
const asStored = answerParser(z.strictObject({ ucr: z.string(), declarationHash: z.string(), collection: z.string() }), 'stored declaration');

/** How often, and after how long, Lodge is sent again while a witness has not yet committed the stored private part. */
const CATCH_UP_ATTEMPTS = 5;
const CATCH_UP_FIRST_WAIT_MS = 100;

export class LodgementService {
  constructor(private readonly ledger: LedgerClient) {}

  /**
   * Lodge, once StoreDeclaration has committed on the authority's own peer. A
   * witness may not have committed that block yet and then refuses with
   * DECLARATION_NOT_STORED, as it sees no hash of the private part: peers
   * commit the same blocks at their own pace. Lodge is sent again after a
   * short wait (100, 200, 400, 800 ms), each time to the next witnesses.
   */
  private async submitLodge(lodge: Parameters<LedgerClient['submit']>[0]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ledger.submit(lodge, asRecord, true);
      } catch (err) {
        if (!(err instanceof LedgerRuleError) || err.code !== 'DECLARATION_NOT_STORED' || attempt >= CATCH_UP_ATTEMPTS) {
          throw err;
        }
        await new Promise((resolve) => setTimeout(resolve, CATCH_UP_FIRST_WAIT_MS * 2 ** (attempt - 1)));
      }
    }
  }

  async lodge(as: WalletIdentity, input: LodgeInput): Promise<Lodged> {
    const salts = input.salts ?? randomSalts();
    const commitment = commitDeclaration(input.declaration, salts);
    const { publicPart, privatePart } = splitDeclaration(input.declaration);
    const lodgement: Lodgement = {
      ...publicPart,
      declarationHash: commitment.declarationHash,
      fieldRoot: commitment.fieldRoot,
      fieldHashes: commitment.fieldHashes,
      trader: input.trader?.address ?? null,
      traderSignature: input.trader?.signature ?? null,
    };
    const argument = canonicalJson(lodgement);
    const lodge = { identity: as, contract: 'consignment' as const, fn: 'Lodge', args: [argument] };
    // Lodge's checks of the public part run first, on the authority's own peer, so that a lodgement the
    // ledger would refuse leaves nothing behind, not even the private part in the authority's own collection.
    let lodged: ConsignmentRecord | undefined;
    try {
      lodged = await this.ledger.evaluate(lodge, asRecord);
    } catch (err) {
      if (!(err instanceof LedgerRuleError) || err.code !== 'DECLARATION_NOT_STORED') {
        throw err;
      }
    }
    // Both steps may be sent again safely: storing the same private part again changes nothing, and Lodge
    // answers with the existing record for the same UCR, hash and originator (whose private part is stored).
    if (lodged === undefined) {
      const store = {
        ...lodge,
        fn: 'StoreDeclaration',
        transient: { declaration: canonicalBytes({ fields: privatePart, salts }) },
        endorsement: 'named' as const,
      };
      await this.ledger.submit(store, asStored, true);
    }
    const committed = await this.submitLodge(lodge);
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
