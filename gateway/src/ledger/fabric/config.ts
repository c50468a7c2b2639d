import { ConnectError, type WalletIdentity } from '../backend';
import type { Logger } from 'pino';
import type { FabricNetworkMaterial } from './material';

/** What a Fabric backend of one authority needs. */
export interface FabricBackendConfig {
  /** the authority whose peer this backend talks to */
  mspId: string;
  material: FabricNetworkMaterial;
  /** the authority's wallet (e.g. from fabricWallet); requests name one of these */
  identities: readonly WalletIdentity[];
  /** how long a submit waits for its commit (ms) */
  commitTimeoutMs?: number;
  /** where the Fabric SDK's own log goes (fabric-network); without one it is dropped */
  logger?: Logger;
}

/** The identity a backend reads blocks and statuses as: the authority's auditor, else any of its wallet. */
export function readerIdentity(config: FabricBackendConfig): WalletIdentity {
  const id = config.identities.find((i) => i.label.startsWith('auditor')) ?? config.identities[0];
  if (!id) {
    throw new ConnectError(`no identity of ${config.mspId} in the wallet`, undefined);
  }
  return id;
}
