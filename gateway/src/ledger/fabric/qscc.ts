/**
 * The peer's query system chaincode (qscc), as both Fabric backends call it
 * through their own evaluate: transaction status, chain height and raw
 * blocks, answered by the authority's own peer.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { EvaluateError, LedgerError, type TransactionStatus } from '../backend';
import { messageOf } from './errors';
import { validationCodeName } from '../../fabric-format/validation-codes';
import { readBlock, readEnvelope } from '../../fabric-format/block-reader';

/** Calls qscc function `fn` with these arguments on the authority's own peer. */
export type QsccCall = (fn: string, args: string[]) => Promise<Uint8Array>;

const NOT_FOUND = /no such transaction ID|not found|does not exist|Entry not found/i;

export class Qscc {
  constructor(
    private readonly evaluate: QsccCall,
    private readonly channel: string,
  ) {}

  private async call(fn: string, args: string[]): Promise<Uint8Array> {
    try {
      return await this.evaluate(fn, args);
    } catch (err) {
      throw err instanceof LedgerError ? err : new EvaluateError(`qscc ${fn}: ${messageOf(err)}`, undefined, { cause: err });
    }
  }

  async transactionStatus(transactionId: string): Promise<TransactionStatus | undefined> {
    let processed: Uint8Array;
    try {
      processed = await this.call('GetTransactionByID', [this.channel, transactionId]);
    } catch (err) {
      if (NOT_FOUND.test((err as Error).message) || NOT_FOUND.test(JSON.stringify(err))) {
        return undefined;
      }
      throw err;
    }
    const code = validationCodeName(peer.ProcessedTransaction.deserializeBinary(processed).getValidationcode());
    const block = readBlock(await this.call('GetBlockByTxID', [this.channel, transactionId]));
    // GetBlockByTxID answers the block of the first transaction with this id; its code is the one to report
    const index = block.envelopes.findIndex((e) => readEnvelope(e).transactionId === transactionId);
    return { transactionId, blockNumber: block.number, validationCode: index >= 0 ? block.validationCodes[index]! : code };
  }

  async blockHeight(): Promise<number> {
    const info = common.BlockchainInfo.deserializeBinary(await this.call('GetChainInfo', [this.channel]));
    return info.getHeight();
  }

  async blockBytes(blockNumber: number): Promise<Uint8Array> {
    return this.call('GetBlockByNumber', [this.channel, String(blockNumber)]);
  }
}
