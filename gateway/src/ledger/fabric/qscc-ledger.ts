/** What both Fabric backends answer the same way: transaction status, height and blocks, through QSCC. */
import { type BlockInfo, EvaluateError, type TransactionStatus } from '../backend';
import { blockInfoOf } from '../block-view';
import type { Qscc } from './qscc';

export abstract class QsccLedger {
  protected abstract readonly qscc: Qscc;
  protected abstract readonly chaincode: string;

  transactionStatus(transactionId: string): Promise<TransactionStatus | undefined> {
    return this.qscc.transactionStatus(transactionId);
  }

  blockHeight(): Promise<number> {
    return this.qscc.blockHeight();
  }

  async blockBytes(blockNumber: number): Promise<Uint8Array> {
    const height = await this.blockHeight();
    if (!Number.isSafeInteger(blockNumber) || blockNumber < 0 || blockNumber >= height) {
      throw new EvaluateError(`block ${blockNumber} does not exist (height ${height})`, undefined);
    }
    return this.qscc.blockBytes(blockNumber);
  }

  async blockInfo(blockNumber: number): Promise<BlockInfo> {
    return blockInfoOf(await this.blockBytes(blockNumber), this.chaincode);
  }
}
