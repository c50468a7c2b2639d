import type { WalletIdentity } from '../backend';
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
}
