/**
 * What a gateway's backend needs of the embedded channel: its own peer (and
 * the peers of other organisations a write needs), the ordering service and
 * the blocks the peers commit. The channel runs either in the gateway's
 * thread (EmbeddedNetwork) or in a thread of its own (WorkerNetwork), as in
 * Fabric the peers and the orderer are processes of their own; the backend
 * sees the same bytes either way.
 */
import type { PrivateWriteSet } from '../../fabric-format/rwset';
import type { TxLocation } from './storage';
import type { ChaincodeDefinition, CommittedBlockEvent, ProposalResult } from './peer';

export interface ChannelPeer {
  readonly mspId: string;
  /** blocks this peer has committed */
  readonly height: number;
  /** the height, or a refusal when the peer cannot be reached (its thread has stopped) */
  blockHeight(): Promise<number>;
  processProposal(signedProposal: Uint8Array, endorse: boolean): Promise<ProposalResult>;
  txLocation(transactionId: string): Promise<TxLocation | undefined>;
  block(n: number): Promise<Uint8Array | undefined>;
  on(event: 'block', listener: (event: CommittedBlockEvent) => void): unknown;
  off(event: 'block', listener: (event: CommittedBlockEvent) => void): unknown;
}

export interface EmbeddedChannel {
  readonly channelId: string;
  readonly chaincode: ChaincodeDefinition;
  /** the member organisations, sorted */
  readonly members: readonly string[];
  /** throws when the organisation has no peer on the channel */
  peer(mspId: string): ChannelPeer;
  /** Hands a transaction's private writes to the transient store of every member peer of their collections. */
  distributePrivateData(transactionId: string, sets: readonly PrivateWriteSet[]): Promise<void>;
  /** Resolves once the envelope is in a block that has been persisted and handed to the peers. */
  broadcast(envelope: Uint8Array): Promise<void>;
}
