/**
 * The three ledgers the parity suite runs its scenarios against, each as one
 * LedgerBackend per member authority plus that authority's wallet: the
 * embedded network in a temporary folder, and the real Fabric network
 * through fabric-network and through fabric-gateway.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends, EmbeddedNetwork, registerMember, type LedgerBackend, type WalletIdentity } from 'customs-ledger-gateway/dist/ledger';
import type * as FabricModule from 'customs-ledger-gateway/dist/ledger/fabric';
import { BE, DE, NL } from './identities';

export { BE, DE, NL } from './identities';

export type TargetName = 'embedded' | 'fabric-network' | 'fabric-gateway';
export const TARGETS: readonly TargetName[] = ['embedded', 'fabric-network', 'fabric-gateway'];

export const PARITY_MEMBERS = [NL, BE, DE] as const;

import type { Role } from 'customs-ledger-chaincode/domain';

export type { Role };

export interface ParityTarget {
  name: TargetName;
  peer: Record<string, LedgerBackend>;
  wallet: Record<string, Record<Role, WalletIdentity>>;
  close(): Promise<void>;
}

export async function openEmbedded(): Promise<ParityTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'customs-parity-'));
  const network = await EmbeddedNetwork.start({ dataDir: dir, channelId: 'customs', members: [...PARITY_MEMBERS], syncWrites: false });
  const peer: Record<string, LedgerBackend> = {};
  const wallet: Record<string, Record<Role, WalletIdentity>> = {};
  for (const msp of PARITY_MEMBERS) {
    peer[msp] = backends.embedded(network, msp);
    wallet[msp] = network.wallet(msp);
  }
  return {
    name: 'embedded',
    peer,
    wallet,
    close: async () => {
      await network.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function openFabric(name: 'fabric-network' | 'fabric-gateway'): Promise<ParityTarget> {
  // loaded only now, after the embedded target ran: see gateway/src/ledger/index.ts on fabric-protos 0.2/0.3
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fabric = require('customs-ledger-gateway/dist/ledger/fabric') as typeof FabricModule;
  const material = await fabric.loadFabricNetwork();
  const wallets = await fabric.fabricWallets(material);
  const peer: Record<string, LedgerBackend> = {};
  for (const msp of PARITY_MEMBERS) {
    const config = { mspId: msp, material, identities: Object.values(wallets[msp]!), commitTimeoutMs: 60_000 };
    peer[msp] = name === 'fabric-network' ? backends.fabricNetwork(config) : backends.fabricGateway(config);
  }
  for (const msp of PARITY_MEMBERS) {
    await registerMember(peer[msp]!, wallets[msp]!.admin);
  }
  return {
    name,
    peer,
    wallet: wallets,
    close: async () => {
      for (const b of Object.values(peer)) {
        await b.close();
      }
    },
  };
}
