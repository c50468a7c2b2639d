/**
 * A block made ready for its replay, ahead of its turn: decoded once (the
 * block, its orderer signatures' signed value, every envelope; see
 * block-reader.ts), and every
 * signature check it calls for handed to the signature checker, whose
 * verdicts the replay awaits when the block's turn comes. Nothing here
 * depends on the replayed state or the channel's trust, so blocks can be
 * prepared in any order; the replay uses them in block order.
 */
import { DOCUMENT_KEYS } from 'customs-ledger-chaincode/domain';
import { common } from '@hyperledger/fabric-protos';
import { blockHeaderBytes } from '../fabric-format/block';
import { readBlock, readEnvelope, type ReadBlock, type ReadTransaction } from '../fabric-format/block-reader';
import { parseConsignmentRecord } from './documents';
import { parseBytes, writesOf } from './rule-context';
import { traderCheckKey, traderCheckOf, type CheckBatch, type SignatureChecker } from './signature-checks';

/** The verdicts of a block's signature checks. */
export interface BlockVerdicts {
  /** per orderer signature of the block */
  orderer: readonly boolean[];
  /** per envelope: the creator's signature (false when the envelope is not an endorser transaction) */
  creator: readonly boolean[];
  /** per envelope, per endorsement */
  endorsements: readonly (readonly boolean[])[];
  /** traders' signatures of the consignment records the block writes, by traderCheckKey */
  trader: ReadonlyMap<string, boolean>;
}

export interface PreparedBlock {
  /** the position of the block in the source */
  position: number;
  /** the decoded block, or why it cannot be read */
  block: ReadBlock | Error;
  /** the block's header as Fabric hashes it (ASN.1 DER of number, previous hash and data hash), when it can be read */
  header?: Uint8Array;
  /** per envelope: the decoded transaction, or why it cannot be decoded */
  transactions: (ReadTransaction | Error)[];
  /** the verdicts of the block's signature checks, when the replay reaches it */
  verdicts(): Promise<BlockVerdicts>;
}

const NO_VERDICTS: BlockVerdicts = { orderer: [], creator: [], endorsements: [], trader: new Map() };

/** What the preparation of blocks shares: the checker, and the trader checks already asked for (a record's later versions carry the same signature). */
export interface Preparation {
  checker: SignatureChecker;
  traderChecksAsked: Set<string>;
}

/** A block that could not be read at all. */
export function unreadableBlock(position: number, err: unknown): PreparedBlock {
  return {
    position,
    block: err instanceof Error ? err : new Error(String(err)),
    transactions: [],
    verdicts: () => Promise.resolve(NO_VERDICTS),
  };
}

export function prepareBlock(position: number, bytes: Uint8Array, preparation: Preparation): PreparedBlock {
  let block: ReadBlock;
  try {
    block = readBlock(bytes);
  } catch (err) {
    return unreadableBlock(position, err);
  }
  const transactions = block.envelopes.map((envelope) => {
    try {
      return readEnvelope(envelope);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  });
  const batch: CheckBatch = { p256: [], trader: [] };
  const header = blockHeaderBytes(block.number, block.previousHash, block.dataHash);
  const orderer = block.ordererSignatures.map((s) => batch.p256.push({ certificatePem: s.certificatePem, message: [block.signedValue, s.signatureHeader, header], signature: s.signature }) - 1);
  const creator: number[] = [];
  const endorsements: number[][] = [];
  const trader: string[] = [];
  for (const tx of transactions) {
    if (tx instanceof Error || tx.headerType !== common.HeaderType.ENDORSER_TRANSACTION) {
      creator.push(-1);
      endorsements.push([]);
      continue;
    }
    creator.push(batch.p256.push({ certificatePem: tx.creator.certificatePem, message: [tx.payloadBytes], signature: tx.signature }) - 1);
    endorsements.push(
      tx.endorsements.map((e) => batch.p256.push({ certificatePem: e.certificatePem, message: [tx.proposalResponsePayload, e.endorser], signature: e.signature }) - 1),
    );
    for (const w of writesOf(tx, DOCUMENT_KEYS.consignment)) {
      const parsed = w.value === null ? undefined : parseBytes(w.value, parseConsignmentRecord);
      const check = parsed && 'value' in parsed ? traderCheckOf(tx.channelId, parsed.value) : undefined;
      const key = check && traderCheckKey(check);
      if (check && key && !preparation.traderChecksAsked.has(key)) {
        preparation.traderChecksAsked.add(key);
        batch.trader.push(check);
        trader.push(key);
      }
    }
  }
  if (preparation.traderChecksAsked.size > 100_000) {
    preparation.traderChecksAsked.clear();
  }
  const pending = preparation.checker.check(batch);
  const verdicts = (): Promise<BlockVerdicts> =>
    pending.wait().then((v) => ({
      orderer: orderer.map((i) => v.p256[i] === true),
      creator: creator.map((i) => i >= 0 && v.p256[i] === true),
      endorsements: endorsements.map((list) => list.map((i) => v.p256[i] === true)),
      trader: new Map(trader.map((key, i) => [key, v.trader[i] === true])),
    }));
  return { position, block, header, transactions, verdicts };
}
