/**
 * The ledger as a gateway sees it: the LedgerBackend interface and the
 * factories of its implementations.
 */
import { EmbeddedBackend, type EmbeddedBackendOptions } from './embedded/embedded-backend';
import { EmbeddedNetwork, type EmbeddedNetworkConfig } from './embedded/network';
import type { LedgerBackend } from './backend';
import { FabricGatewayBackend, FabricNetworkBackend, type FabricBackendConfig } from './fabric';

export * from './backend';
export { EmbeddedNetwork, type EmbeddedNetworkConfig };
export * as fabric from './fabric';

export const backends = {
  /** The authority `mspId`'s view of an embedded network running in this process. */
  embedded(network: EmbeddedNetwork, mspId: string, options: EmbeddedBackendOptions = {}): LedgerBackend {
    return new EmbeddedBackend(network, mspId, options);
  },
  /** The authority `config.mspId`'s peer on a real Fabric network, through fabric-network 2.2. */
  fabricNetwork(config: FabricBackendConfig): LedgerBackend {
    return new FabricNetworkBackend(config);
  },
  /** The authority `config.mspId`'s peer on a real Fabric network, through its Gateway service (@hyperledger/fabric-gateway). */
  fabricGateway(config: FabricBackendConfig): LedgerBackend {
    return new FabricGatewayBackend(config);
  },
};
