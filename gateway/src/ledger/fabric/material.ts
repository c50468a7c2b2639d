/**
 * What a client needs to reach a real Fabric network started by
 * scripts/network.sh: the members of network/members.json and, from the
 * generated material in .fabric/network, each member's peer address, TLS CA
 * and host name, and its organisation CA (to issue users with a role).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_MEMBERS_FILE, loadMembers } from '../../config/members';
import { PEER_CHANNEL_OPTIONS } from './peer-link';
import type { ChaincodePolicyRule } from '../endorsement-plan';

/** .fabric/network of this checkout. */
export const DEFAULT_FABRIC_NETWORK_DIR = resolve(__dirname, '../../../../.fabric/network');

export interface FabricPeer {
  mspId: string;
  domain: string;
  /** peer0.<domain>: the TLS host name (ssl-target-name-override) */
  hostName: string;
  /** host:port */
  address: string;
  tlsCaPem: string;
  /** the organisation's CA (cryptogen's ca/), which issues the users */
  caCertificatePem: string;
  caPrivateKeyPem: string;
}

/**
 * The chaincode's endorsement policy on the network of scripts/network.sh:
 * its definition takes the channel's /Channel/Application/Endorsement,
 * "MAJORITY Endorsement" (scripts/network/render-config.sh).
 */
export const FABRIC_CHAINCODE_POLICY: ChaincodePolicyRule = 'majority';

export interface FabricNetworkMaterial {
  channel: string;
  chaincode: string;
  networkDir: string;
  peers: FabricPeer[];
}

export interface FabricMaterialOptions {
  networkDir?: string;
  membersFile?: string;
  host?: string;
}

async function caFiles(caDir: string): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const names = await readdir(caDir);
  const cert = names.find((n) => n.endsWith('-cert.pem'));
  const key = names.find((n) => n.endsWith('_sk'));
  if (!cert || !key) {
    throw new Error(`${caDir} holds no CA certificate (*-cert.pem) and key (*_sk)`);
  }
  return { certificatePem: await readFile(join(caDir, cert), 'utf8'), privateKeyPem: await readFile(join(caDir, key), 'utf8') };
}

export async function loadFabricNetwork(options: FabricMaterialOptions = {}): Promise<FabricNetworkMaterial> {
  const networkDir = options.networkDir ?? DEFAULT_FABRIC_NETWORK_DIR;
  const members = await loadMembers(options.membersFile ?? DEFAULT_MEMBERS_FILE);
  const host = options.host ?? '127.0.0.1';
  const peers: FabricPeer[] = [];
  for (const m of members.members) {
    const orgDir = join(networkDir, 'crypto', 'peerOrganizations', m.domain);
    const hostName = `peer0.${m.domain}`;
    const ca = await caFiles(join(orgDir, 'ca'));
    peers.push({
      mspId: m.mspId,
      domain: m.domain,
      hostName,
      address: `${host}:${m.peerPort}`,
      tlsCaPem: await readFile(join(orgDir, 'peers', hostName, 'tls', 'ca.crt'), 'utf8'),
      caCertificatePem: ca.certificatePem,
      caPrivateKeyPem: ca.privateKeyPem,
    });
  }
  return { channel: members.channel, chaincode: members.chaincode, networkDir, peers };
}

export function peerOf(material: FabricNetworkMaterial, mspId: string): FabricPeer {
  const found = material.peers.find((p) => p.mspId === mspId);
  if (!found) {
    throw new Error(`${mspId} is not a member of the Fabric network`);
  }
  return found;
}

/**
 * A fabric-network connection profile for one authority: its organisation
 * and its own peer; discovery finds the other members' peers and the orderer.
 */
export function connectionProfile(material: FabricNetworkMaterial, mspId: string): Record<string, unknown> {
  const own = peerOf(material, mspId);
  return {
    name: `customs-ledger-${mspId}`,
    version: '1.0.0',
    client: { organization: mspId, connection: { timeout: { peer: { endorser: '30' } } } },
    organizations: { [mspId]: { mspid: mspId, peers: [own.hostName] } },
    peers: {
      [own.hostName]: {
        url: `grpcs://${own.address}`,
        tlsCACerts: { pem: own.tlsCaPem },
        grpcOptions: { 'ssl-target-name-override': own.hostName, hostnameOverride: own.hostName, ...PEER_CHANNEL_OPTIONS },
      },
    },
  };
}
