/**
 * A LedgerBackend over the in-memory channel (MemoryLedger): one backend per
 * member authority, all on the same channel, so gateway tests run the real
 * contracts without LevelDB. One transaction per block; blocks are
 * hash-chained over their transactions. Faults can be injected: read
 * conflicts (the transaction is invalidated and nothing is committed) and
 * commits whose confirmation times out (the transaction is committed).
 */
import { createHash, randomUUID } from 'node:crypto';
import { type BlockInfo, CommitError, type ContractEvent, EndorseError, EvaluateError, type LedgerBackend, type SubmitRequest, type SubmitResult, type TransactionRequest, type TransactionStatus, type ValidationCode } from 'customs-ledger-gateway/dist/ledger/backend';
import type { CommittedTx, MemoryLedger } from './memory-ledger';

type Fault = { kind: 'conflict'; code: ValidationCode } | { kind: 'timeout' };

/** Faults shared by every backend of one channel, consumed in order per transaction function ("consignment:Lodge"). */
export class MemoryFaults {
  private readonly planned = new Map<string, Fault[]>();

  /** The next `times` submits of `fn` are invalidated with `code` and not committed. */
  conflict(fn: string, times: number, code: ValidationCode = 'MVCC_READ_CONFLICT'): void {
    this.add(fn, times, { kind: 'conflict', code });
  }

  /** The next `times` submits of `fn` commit, but their commit is reported as timed out. */
  timeout(fn: string, times = 1): void {
    this.add(fn, times, { kind: 'timeout' });
  }

  take(fn: string): Fault | undefined {
    return this.planned.get(fn)?.shift();
  }

  clear(): void {
    this.planned.clear();
  }

  private add(fn: string, times: number, fault: Fault): void {
    const list = this.planned.get(fn) ?? [];
    for (let i = 0; i < times; i++) {
      list.push(fault);
    }
    this.planned.set(fn, list);
  }
}

export class MemoryBackend implements LedgerBackend {
  readonly kind = 'embedded' as const;

  constructor(
    private readonly ledger: MemoryLedger,
    readonly mspId: string,
    private readonly faults: MemoryFaults = new MemoryFaults(),
  ) {}

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    const fn = `${request.contract}:${request.fn}`;
    const fault = this.faults.take(fn);
    if (fault?.kind === 'conflict') {
      const txId = createHash('sha256').update(randomUUID()).digest('hex');
      throw new CommitError(`transaction ${txId} was invalidated: ${fault.code}`, txId, { validationCode: fault.code });
    }
    let result;
    try {
      result = await this.ledger.submit(fn, this.callOptions(request, request.endorsingOrgs ?? [this.mspId]));
    } catch (err) {
      throw new EndorseError((err as Error).message, undefined, { cause: err });
    }
    if (!result.ok) {
      throw new EndorseError(`chaincode refused ${fn}`, result.txId, { chaincodeMessage: result.message });
    }
    const committed = this.ledger.committed.find((tx) => tx.txId === result.txId);
    if (fault?.kind === 'timeout') {
      throw new CommitError(`timed out waiting for transaction ${result.txId} to commit`, result.txId);
    }
    return {
      transactionId: result.txId,
      blockNumber: committed?.blockNumber ?? this.ledger.committed.length,
      payload: Buffer.from(result.payload, 'utf8'),
    };
  }

  async evaluate(request: TransactionRequest): Promise<Buffer> {
    const fn = `${request.contract}:${request.fn}`;
    const result = await this.ledger.evaluate(fn, this.callOptions(request, [this.mspId]));
    if (!result.ok) {
      throw new EvaluateError(`chaincode refused ${fn}`, result.txId, { chaincodeMessage: result.message });
    }
    return Buffer.from(result.payload, 'utf8');
  }

  transactionStatus(transactionId: string): Promise<TransactionStatus | undefined> {
    const tx = this.ledger.committed.find((t) => t.txId === transactionId);
    return Promise.resolve(tx && { transactionId, blockNumber: tx.blockNumber, validationCode: 'VALID' });
  }

  blockHeight(): Promise<number> {
    return Promise.resolve(this.ledger.committed.length + 1);
  }

  blockBytes(): Promise<Uint8Array> {
    return Promise.reject(new Error('the in-memory ledger keeps no Fabric block bytes'));
  }

  blockInfo(blockNumber: number): Promise<BlockInfo> {
    const height = this.ledger.committed.length + 1;
    if (!Number.isSafeInteger(blockNumber) || blockNumber < 0 || blockNumber >= height) {
      return Promise.reject(new EvaluateError(`no block ${blockNumber}`, undefined));
    }
    let previousHash = '';
    let info: BlockInfo | undefined;
    for (let n = 0; n <= blockNumber; n++) {
      const tx = n === 0 ? undefined : this.ledger.committed[n - 1];
      const dataHash = createHash('sha256').update(tx ? `${tx.txId}|${tx.fn}` : 'genesis').digest('hex');
      const headerHash = createHash('sha256').update(`${n}|${previousHash}|${dataHash}`).digest('hex');
      info = {
        number: n,
        headerHash,
        previousHash,
        dataHash,
        transactions: tx
          ? [{ transactionId: tx.txId, validationCode: 'VALID', creatorMspId: tx.creatorMsp, timestamp: tx.time.toISOString(), function: tx.fn }]
          : [],
      };
      previousHash = headerHash;
    }
    return Promise.resolve(info!);
  }

  onContractEvents(fromBlock: number, listener: (event: ContractEvent) => void): Promise<() => void> {
    const deliver = (tx: CommittedTx): void => {
      if (tx.event && tx.blockNumber >= fromBlock) {
        listener({ blockNumber: tx.blockNumber, transactionId: tx.txId, name: tx.event.name, payload: Buffer.from(tx.event.payload) });
      }
    };
    for (const tx of [...this.ledger.committed]) {
      deliver(tx);
    }
    this.ledger.commitListeners.add(deliver);
    return Promise.resolve(() => {
      this.ledger.commitListeners.delete(deliver);
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private callOptions(request: TransactionRequest, peers: string[]) {
    return {
      msp: request.identity.mspId,
      certificatePem: request.identity.certificatePem,
      peers,
      args: request.args,
      transient: request.transient ?? {},
      time: this.ledger.now,
    };
  }
}
