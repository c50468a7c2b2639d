/**
 * The embedded channel: an ordering service and one peer per member
 * authority, each with its own LevelDB under the data folder, running the
 * very same chaincode classes as a Fabric peer would. After a restart every
 * peer first catches up on the blocks the orderer holds.
 */
import { join } from 'node:path';
import { contracts } from 'customs-ledger-chaincode';
import { registerMember } from '../register-member';
import { EmbeddedBackend } from './embedded-backend';
import type { WalletIdentity } from '../backend';
import { buildGenesisBlock } from '../../fabric-format/genesis';
import type { PrivateWriteSet } from '../../fabric-format/rwset';
import type { EmbeddedChannel } from './channel';
import { domainOf, organisationMaterial, USER_ROLES, type OrganisationMaterial, type UserRole } from './crypto-material';
import { ContractHost } from './dispatch';
import { Membership } from './membership';
import { EmbeddedOrderer, type BatchOptions } from './orderer';
import { EmbeddedPeer, type ChaincodeDefinition } from './peer';
import { SharedWork } from './shared-work';
import { PeerStore } from './storage';

export interface EmbeddedNetworkConfig {
  dataDir: string;
  channelId: string;
  members: readonly string[];
  chaincode?: Partial<ChaincodeDefinition>;
  batch?: Partial<BatchOptions>;
  /** fsync every block before a client hears of it (default true) */
  syncWrites?: boolean;
  /**
   * The contract classes one member's peer runs instead of the chaincode's,
   * as a member may install its own build on its own peer (the rogue-member
   * tests do).
   */
  peerContracts?: Readonly<Record<string, readonly (new () => unknown)[]>>;
  /** register every member in the chaincode's member list once the network is up (default true) */
  registerMembers?: boolean;
}

const ORDERER_MSP = 'OrdererMSP';
/** the channel's Endorsement rule that matches the chaincode's policy */
const ENDORSEMENT_RULES = { any: 'ANY', majority: 'MAJORITY', all: 'ALL' } as const;

export class EmbeddedNetwork implements EmbeddedChannel {
  private constructor(
    readonly channelId: string,
    readonly orderer: EmbeddedOrderer,
    private readonly peers: Map<string, EmbeddedPeer>,
    private readonly material: Map<string, OrganisationMaterial>,
    readonly chaincode: ChaincodeDefinition,
  ) {}

  static async start(config: EmbeddedNetworkConfig): Promise<EmbeddedNetwork> {
    process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'critical';
    const members = [...config.members].sort();
    const cryptoDir = join(config.dataDir, 'crypto');
    const material = new Map<string, OrganisationMaterial>();
    for (const mspId of members) {
      material.set(mspId, await organisationMaterial(join(cryptoDir, mspId), mspId));
    }
    const ordererMaterial = await organisationMaterial(join(cryptoDir, ORDERER_MSP), ORDERER_MSP, false, 'orderer');
    const ordererSigner = { mspId: ORDERER_MSP, certificatePem: ordererMaterial.peer.certificatePem, privateKeyPem: ordererMaterial.peer.privateKeyPem };
    const syncWrites = config.syncWrites ?? true;
    const chaincode: ChaincodeDefinition = {
      name: config.chaincode?.name ?? 'customs-ledger',
      version: config.chaincode?.version ?? '0.1.0',
      endorsementPolicy: config.chaincode?.endorsementPolicy ?? 'majority',
    };
    const batch = { maxMessages: config.batch?.maxMessages ?? 500, timeoutMs: config.batch?.timeoutMs ?? 5 };
    const orderer = new EmbeddedOrderer(join(config.dataDir, 'orderer'), ordererSigner, batch, syncWrites);
    await orderer.open();
    // The nodes run in this process; the addresses are those a Fabric network on one host would give them.
    await orderer.bootstrap(
      buildGenesisBlock({
        channelId: config.channelId,
        members: members.map((mspId, i) => ({
          mspId,
          rootCertificatePem: material.get(mspId)!.ca.certificatePem,
          anchorPeer: { host: `peer0.${domainOf(mspId)}`, port: 7051 + 1000 * i },
        })),
        orderer: {
          mspId: ORDERER_MSP,
          rootCertificatePem: ordererMaterial.ca.certificatePem,
          host: `orderer0.${domainOf(ORDERER_MSP)}`,
          port: 7050,
          certificatePem: ordererMaterial.peer.certificatePem,
        },
        endorsement: ENDORSEMENT_RULES[chaincode.endorsementPolicy],
        batch,
      }),
    );
    const membership = new Membership(members.map((mspId) => ({ mspId, rootCertificatePem: material.get(mspId)!.ca.certificatePem })));
    const host = new ContractHost(contracts, chaincode.name, chaincode.version);
    const hostOf = (mspId: string): ContractHost => {
      const own = config.peerContracts?.[mspId];
      return own ? new ContractHost(own, chaincode.name, chaincode.version) : host;
    };
    const peers = new Map<string, EmbeddedPeer>();
    const shared = new SharedWork();
    for (const mspId of members) {
      const m = material.get(mspId)!;
      const peer = new EmbeddedPeer(
        mspId,
        { mspId, certificatePem: m.peer.certificatePem, privateKeyPem: m.peer.privateKeyPem },
        new PeerStore(join(config.dataDir, 'peers', mspId)),
        config.channelId,
        chaincode,
        membership,
        hostOf(mspId),
        { syncWrites },
        shared,
      );
      await peer.open();
      peers.set(mspId, peer);
    }
    // Catch up on what the orderer holds, then follow it.
    for (const peer of peers.values()) {
      for (let n = peer.height; n < orderer.height; n++) {
        await peer.commitBlock((await orderer.block(n))!);
      }
    }
    orderer.on('block', (_n: number, bytes: Uint8Array) => {
      for (const peer of peers.values()) {
        peer.commitBlock(bytes).catch((err: unknown) => peer.emit('error', err));
      }
    });
    const network = new EmbeddedNetwork(config.channelId, orderer, peers, material, chaincode);
    // The founding members register, as each one's deployment does on Fabric; on a restart they are registered already.
    if (config.registerMembers ?? true) {
      await Promise.all(members.map((mspId) => registerMember(new EmbeddedBackend(network, mspId), network.wallet(mspId).admin)));
    }
    return network;
  }

  get members(): string[] {
    return [...this.peers.keys()];
  }

  peer(mspId: string): EmbeddedPeer {
    const p = this.peers.get(mspId);
    if (!p) {
      throw new Error(`${mspId} has no peer in this network`);
    }
    return p;
  }

  allPeers(): EmbeddedPeer[] {
    return [...this.peers.values()];
  }

  async distributePrivateData(transactionId: string, sets: readonly PrivateWriteSet[]): Promise<void> {
    for (const peer of this.peers.values()) {
      await peer.storePrivateData(transactionId, sets);
    }
  }

  broadcast(envelope: Uint8Array): Promise<void> {
    return this.orderer.broadcast(envelope);
  }

  /** The authority's wallet: its officer, admin and auditor identities. */
  wallet(mspId: string): Record<UserRole, WalletIdentity> {
    const m = this.material.get(mspId);
    if (!m) {
      throw new Error(`${mspId} is not a member`);
    }
    return Object.fromEntries(USER_ROLES.map((role) => [role, { ...m.users[role] }])) as Record<UserRole, WalletIdentity>;
  }

  rootCertificate(mspId: string): string {
    return this.material.get(mspId)!.ca.certificatePem;
  }

  /** Waits until every peer has committed every block the orderer cut. */
  async settled(): Promise<void> {
    for (const peer of this.peers.values()) {
      while (peer.height < this.orderer.height) {
        await new Promise<void>((resolve) => peer.once('block', () => resolve()));
      }
    }
  }

  async close(): Promise<void> {
    await this.orderer.close();
    await this.settled();
    for (const peer of this.peers.values()) {
      await peer.close();
    }
  }
}
