/**
 * The messages between a WorkerNetwork and the thread that runs the embedded
 * channel (network-worker.ts). Everything crosses as structured clones:
 * Buffers arrive as Uint8Arrays.
 */
import type { WalletIdentity } from '../backend';
import type { PrivateWriteSet } from '../../fabric-format/rwset';
import type { UserRole } from './crypto-material';
import type { EmbeddedNetworkConfig } from './network';
import type { ChaincodeDefinition, CommittedBlockEvent, ProposalResult } from './peer';
import type { TxLocation } from './storage';

export type WorkerCall =
  | { op: 'propose'; mspId: string; signedProposal: Uint8Array; endorse: boolean }
  | { op: 'privateData'; transactionId: string; sets: readonly PrivateWriteSet[] }
  | { op: 'broadcast'; envelope: Uint8Array }
  | { op: 'txLocation'; mspId: string; transactionId: string }
  | { op: 'block'; mspId: string; n: number }
  | { op: 'heights' }
  | { op: 'settled' }
  | { op: 'close' };

/** What each call answers with. */
export interface WorkerAnswers {
  propose: ProposalResult;
  privateData: void;
  broadcast: void;
  txLocation: TxLocation | undefined;
  block: Uint8Array | undefined;
  heights: ChannelHeights;
  settled: void;
  close: void;
}

export interface ChannelHeights {
  orderer: number;
  peers: Record<string, number>;
}

export interface ChannelDescription {
  channelId: string;
  chaincode: ChaincodeDefinition;
  members: string[];
  wallets: Record<string, Record<UserRole, WalletIdentity>>;
  rootCertificates: Record<string, string>;
  heights: ChannelHeights;
}

export interface WorkerStart {
  config: EmbeddedNetworkConfig;
}

/** A failed call: `refused` marks a peer's EndorsementRefused, anything else is a failure of the peer. */
export interface WorkerFailure {
  message: string;
  refused: boolean;
}

export type WorkerMessage =
  | { kind: 'ready'; channel: ChannelDescription }
  | { kind: 'startFailed'; message: string }
  | { kind: 'answer'; id: number; value: unknown }
  | { kind: 'failure'; id: number; failure: WorkerFailure }
  | { kind: 'block'; mspId: string; event: CommittedBlockEvent }
  | { kind: 'peerEvent'; mspId: string; name: 'missingPrivateData' | 'error'; detail: unknown };

export type WorkerRequest = WorkerCall & { id: number };
