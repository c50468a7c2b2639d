/**
 * The embedded ordering service: collects envelopes into blocks (cut at a
 * maximum count or after a batch timeout), hash-chains and signs them,
 * persists each block before it delivers it, and serves blocks to peers
 * catching up after a restart. It stands for a single-node raft cluster
 * (consenter 1): every block records the raft log index of its entry, which
 * grows by one per block and by one more at each start, where raft appends
 * the empty entry of a new leader's term; a new channel's log starts with
 * raft's configuration entry at index 1.
 */
import { EventEmitter } from 'node:events';
import { Level } from 'level';
import { buildBlock, blockHeaderHash, readOrdererPosition, type BuiltBlock, type OrdererPosition } from '../../fabric-format/block';
import { readBlock } from '../../fabric-format/block-reader';
import type { Signer } from '../../fabric-format/identity';
import { LEVEL_OPTIONS } from './storage';

export interface BatchOptions {
  maxMessages: number;
  timeoutMs: number;
}

const blockKey = (n: number): string => String(n).padStart(12, '0');

export class EmbeddedOrderer extends EventEmitter {
  private readonly db: Level<string, Uint8Array>;
  private heightValue = 0;
  private previousHash: Uint8Array = new Uint8Array();
  /** the position of the last block cut; before any, a new raft log's first entry */
  private position: OrdererPosition = { lastConfig: 0, raftIndex: 1 };
  private queue: { envelope: Uint8Array; resolve: () => void; reject: (e: Error) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private cutting: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    path: string,
    private readonly signer: Signer,
    private readonly batch: BatchOptions,
    private readonly syncWrites: boolean,
  ) {
    super();
    this.setMaxListeners(0);
    this.db = new Level<string, Uint8Array>(path, LEVEL_OPTIONS);
  }

  async open(): Promise<void> {
    await this.db.open();
    for await (const [key, value] of this.db.iterator({ reverse: true, limit: 1 })) {
      const block = readBlock(value);
      this.heightValue = Number(key) + 1;
      this.previousHash = blockHeaderHash(block.number, block.previousHash, block.dataHash);
      const recorded = readOrdererPosition(value);
      this.position = { lastConfig: recorded.lastConfig, raftIndex: Math.max(recorded.raftIndex, this.position.raftIndex) };
    }
    // the empty entry a leader appends when its term starts
    this.position = { ...this.position, raftIndex: this.position.raftIndex + 1 };
  }

  get height(): number {
    return this.heightValue;
  }

  async block(n: number): Promise<Uint8Array | undefined> {
    return (await this.db.get(blockKey(n))) ?? undefined;
  }

  /** Writes the genesis block when the channel is new. */
  async bootstrap(genesis: BuiltBlock): Promise<void> {
    if (this.heightValue > 0) {
      return;
    }
    await this.persist(genesis);
  }

  /** Resolves once the envelope is in a block that has been persisted and handed to the peers. */
  broadcast(envelope: Uint8Array): Promise<void> {
    if (this.closed) {
      return Promise.reject(new Error('the ordering service is stopped'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ envelope, resolve, reject });
      if (this.queue.length >= this.batch.maxMessages) {
        this.cut();
      } else {
        this.timer ??= setTimeout(() => this.cut(), this.batch.timeoutMs);
      }
    });
  }

  private cut(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.queue.splice(0, this.batch.maxMessages);
    if (this.queue.length > 0) {
      this.timer = setTimeout(() => this.cut(), this.batch.timeoutMs);
    }
    if (batch.length === 0) {
      return;
    }
    this.cutting = this.cutting.then(async () => {
      try {
        const position = { ...this.position, raftIndex: this.position.raftIndex + 1 };
        const block = buildBlock(this.heightValue, this.previousHash, batch.map((b) => b.envelope), this.signer, position);
        await this.persist(block);
        this.position = position;
        batch.forEach((b) => b.resolve());
      } catch (err) {
        batch.forEach((b) => b.reject(err as Error));
      }
    });
  }

  private async persist(block: BuiltBlock): Promise<void> {
    await this.db.put(blockKey(block.number), block.bytes, { sync: this.syncWrites } as never);
    this.heightValue = block.number + 1;
    this.previousHash = block.headerHash;
    this.emit('block', block.number, block.bytes);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.cut();
    }
    await this.cutting;
    await this.db.close();
  }
}
