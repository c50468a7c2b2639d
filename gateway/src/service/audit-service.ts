/** Read-only views for auditors: blocks with their hashes and transactions, and chaincode events in ledger order. */
import { parseJsonText } from 'customs-ledger-chaincode/domain';
import type { BlockInfo, ContractEvent } from '../ledger/backend';
import { GatewayError } from './errors';
import type { LedgerClient } from './ledger-client';

export interface AuditEvent {
  blockNumber: number;
  transactionId: string;
  name: string;
  payload: unknown;
}

export interface EventPage {
  events: AuditEvent[];
  /** where the next page starts; equal to the block height when every committed event was read */
  nextBlock: number;
}

export interface EventCollection {
  /** stop waiting after this long without a new event */
  idleMs: number;
  /** and never wait longer than this in total */
  maxWaitMs: number;
}

const COLLECTION: EventCollection = { idleMs: 50, maxWaitMs: 2_000 };

export class AuditService {
  constructor(
    private readonly ledger: LedgerClient,
    private readonly collection: EventCollection = COLLECTION,
  ) {}

  height(): Promise<number> {
    return this.ledger.call('blockHeight', () => this.ledger.backend.blockHeight());
  }

  async block(n: number): Promise<BlockInfo> {
    const height = await this.height();
    if (n >= height) {
      throw new GatewayError('NOT_FOUND', `no block ${n}: the ledger has ${height} blocks`, { field: 'n', height });
    }
    return this.ledger.call('blockInfo', () => this.ledger.backend.blockInfo(n));
  }

  /** Block n as Fabric's protobuf common.Block bytes, for an auditor's own replay. */
  async rawBlock(n: number): Promise<Uint8Array> {
    const height = await this.height();
    if (n >= height) {
      throw new GatewayError('NOT_FOUND', `no block ${n}: the ledger has ${height} blocks`, { field: 'n', height });
    }
    return this.ledger.call('blockBytes', () => this.ledger.backend.blockBytes(n));
  }

  /** Blocks from..to inclusive, `to` capped at the newest block. */
  async blocks(from: number, to: number): Promise<{ height: number; blocks: BlockInfo[] }> {
    const height = await this.height();
    if (from >= height) {
      throw new GatewayError('NOT_FOUND', `no block ${from}: the ledger has ${height} blocks`, { field: 'from', height });
    }
    const last = Math.min(to, height - 1);
    const blocks: BlockInfo[] = [];
    for (let n = from; n <= last; n++) {
      blocks.push(await this.ledger.call('blockInfo', () => this.ledger.backend.blockInfo(n)));
    }
    return { height, blocks };
  }

  /**
   * Up to about `limit` committed events from `fromBlock` on. A page ends at a
   * block boundary, so `nextBlock` resumes exactly where this page stopped.
   */
  async events(fromBlock: number, limit: number): Promise<EventPage> {
    const height = await this.height();
    if (fromBlock >= height) {
      return { events: [], nextBlock: fromBlock };
    }
    const received: ContractEvent[] = [];
    let nextBlock = height;
    let closed = false;
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const finish = (): void => {
      closed = true;
      resolveDone();
    };
    let idle: NodeJS.Timeout | undefined;
    const rearm = (): void => {
      clearTimeout(idle);
      idle = setTimeout(finish, this.collection.idleMs);
    };
    const listener = (event: ContractEvent): void => {
      if (closed) {
        return;
      }
      if (event.blockNumber >= height) {
        finish();
        return;
      }
      const last = received[received.length - 1];
      if (last !== undefined && received.length >= limit && event.blockNumber !== last.blockNumber) {
        nextBlock = event.blockNumber;
        finish();
        return;
      }
      received.push(event);
      rearm();
    };
    const stop = await this.ledger.call('onContractEvents', () => this.ledger.backend.onContractEvents(fromBlock, listener));
    rearm();
    const cap = setTimeout(finish, this.collection.maxWaitMs);
    try {
      await done;
    } finally {
      clearTimeout(idle);
      clearTimeout(cap);
      stop();
    }
    return {
      events: received.map((e) => ({
        blockNumber: e.blockNumber,
        transactionId: e.transactionId,
        name: e.name,
        payload: parseJsonText(e.payload.toString('utf8'), `event ${e.transactionId}`),
      })),
      nextBlock,
    };
  }
}
