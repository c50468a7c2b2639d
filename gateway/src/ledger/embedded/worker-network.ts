/**
 * The embedded channel in a thread of its own: the orderer, the peers, their
 * LevelDBs and the chaincode run in a worker thread (network-worker.ts), and
 * the gateways' thread keeps HTTP, proposal building and signing. As with
 * Fabric's separate processes, only bytes cross: signed proposals and
 * envelopes one way, proposal responses, blocks and commit events the other.
 * On a two-core machine the two halves of a lodgement run side by side.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WalletIdentity } from '../backend';
import type { PrivateWriteSet } from '../../fabric-format/rwset';
import type { ChannelPeer, EmbeddedChannel } from './channel';
import type { UserRole } from './crypto-material';
import type { EmbeddedNetworkConfig } from './network';
import { EndorsementRefused, type ChaincodeDefinition, type CommittedBlockEvent, type ProposalResult } from './peer';
import type { TxLocation } from './storage';
import type { ChannelDescription, ChannelHeights, WorkerAnswers, WorkerCall, WorkerFailure, WorkerMessage, WorkerStart } from './worker-protocol';

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A peer of the channel as the gateways' thread sees it; emits 'block', 'missingPrivateData' and 'error'. */
export class WorkerPeer extends EventEmitter implements ChannelPeer {
  private committed: number;

  constructor(
    readonly mspId: string,
    height: number,
    private readonly network: WorkerNetwork,
  ) {
    super();
    this.setMaxListeners(0);
    this.committed = height;
  }

  get height(): number {
    return this.committed;
  }

  blockHeight(): Promise<number> {
    const stopped = this.network.stopped;
    return stopped ? Promise.reject(stopped) : Promise.resolve(this.committed);
  }

  /** @internal the worker reported a committed block */
  delivered(event: CommittedBlockEvent): void {
    this.committed = event.number + 1;
    this.emit('block', event);
  }

  async processProposal(signedProposal: Uint8Array, endorse: boolean): Promise<ProposalResult> {
    const result = await this.network.call({ op: 'propose', mspId: this.mspId, signedProposal, endorse });
    return { ...result, payload: asBuffer(result.payload) };
  }

  txLocation(transactionId: string): Promise<TxLocation | undefined> {
    return this.network.call({ op: 'txLocation', mspId: this.mspId, transactionId });
  }

  block(n: number): Promise<Uint8Array | undefined> {
    return this.network.call({ op: 'block', mspId: this.mspId, n });
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class WorkerNetwork implements EmbeddedChannel {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private readonly peers = new Map<string, WorkerPeer>();
  private exited: Error | undefined;
  private readonly exit: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly description: ChannelDescription,
  ) {
    for (const mspId of description.members) {
      this.peers.set(mspId, new WorkerPeer(mspId, description.heights.peers[mspId] ?? 0, this));
    }
    worker.on('message', (message: WorkerMessage) => this.receive(message));
    this.exit = new Promise((resolve) => {
      const stopped = (reason: Error): void => {
        this.exited ??= reason;
        for (const p of this.pending.values()) {
          p.reject(reason);
        }
        this.pending.clear();
        resolve();
      };
      worker.on('error', (err) => stopped(new Error(`the embedded channel's thread failed: ${err.message}`)));
      worker.on('exit', (code) => stopped(new Error(`the embedded channel's thread stopped (exit code ${code})`)));
    });
  }

  /** Starts the channel's thread; resolves once every peer has caught up with the orderer. */
  static start(config: EmbeddedNetworkConfig): Promise<WorkerNetwork> {
    const workerData: WorkerStart = { config };
    const worker = new Worker(join(__dirname, 'network-worker.js'), { workerData });
    return new Promise((resolve, reject) => {
      const failed = (err: Error): void => {
        worker.off('message', first);
        reject(err);
      };
      const first = (message: WorkerMessage): void => {
        worker.off('message', first);
        worker.off('error', failed);
        if (message.kind === 'ready') {
          resolve(new WorkerNetwork(worker, message.channel));
        } else {
          reject(new Error(message.kind === 'startFailed' ? message.message : `unexpected ${message.kind} from the channel's thread`));
          void worker.terminate();
        }
      };
      worker.on('message', first);
      worker.once('error', failed);
    });
  }

  /** why the channel's thread is gone, once it is */
  get stopped(): Error | undefined {
    return this.exited;
  }

  get channelId(): string {
    return this.description.channelId;
  }

  get chaincode(): ChaincodeDefinition {
    return this.description.chaincode;
  }

  get members(): string[] {
    return [...this.description.members];
  }

  peer(mspId: string): WorkerPeer {
    const p = this.peers.get(mspId);
    if (!p) {
      throw new Error(`${mspId} has no peer in this network`);
    }
    return p;
  }

  allPeers(): WorkerPeer[] {
    return [...this.peers.values()];
  }

  /** The authority's wallet: its officer, admin and auditor identities. */
  wallet(mspId: string): Record<UserRole, WalletIdentity> {
    const w = this.description.wallets[mspId];
    if (!w) {
      throw new Error(`${mspId} is not a member`);
    }
    return structuredClone(w);
  }

  rootCertificate(mspId: string): string {
    return this.description.rootCertificates[mspId]!;
  }

  distributePrivateData(transactionId: string, sets: readonly PrivateWriteSet[]): Promise<void> {
    return this.call({ op: 'privateData', transactionId, sets });
  }

  broadcast(envelope: Uint8Array): Promise<void> {
    return this.call({ op: 'broadcast', envelope });
  }

  heights(): Promise<ChannelHeights> {
    return this.call({ op: 'heights' });
  }

  /** Waits until every peer has committed every block the orderer cut. */
  settled(): Promise<void> {
    return this.call({ op: 'settled' });
  }

  /** Stops the orderer, lets every peer finish its commits, closes the stores and ends the thread. */
  async close(): Promise<void> {
    if (!this.exited) {
      await this.call({ op: 'close' });
    }
    await this.exit;
  }

  /** @internal one call into the channel's thread */
  call<Op extends WorkerCall['op']>(call: Extract<WorkerCall, { op: Op }>): Promise<WorkerAnswers[Op]> {
    if (this.exited) {
      return Promise.reject(this.exited);
    }
    const id = ++this.nextId;
    return new Promise<WorkerAnswers[Op]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...call, id });
    });
  }

  private receive(message: WorkerMessage): void {
    switch (message.kind) {
      case 'answer':
        this.settle(message.id)?.resolve(message.value);
        break;
      case 'failure':
        this.settle(message.id)?.reject(failureError(message.failure));
        break;
      case 'block':
        this.peers.get(message.mspId)?.delivered(message.event);
        break;
      case 'peerEvent': {
        const detail = message.detail as { message?: string };
        this.peers.get(message.mspId)?.emit(message.name, message.name === 'error' ? new Error(detail.message) : message.detail);
        break;
      }
      default:
        break;
    }
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    return p;
  }
}

function failureError(failure: WorkerFailure): Error {
  return failure.refused ? new EndorsementRefused(failure.message) : new Error(failure.message);
}
