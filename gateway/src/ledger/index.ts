/**
 * The ledger as a gateway sees it: the LedgerBackend interface and the
 * factories of its implementations.
 */
import { EmbeddedBackend, type EmbeddedBackendOptions } from './embedded/embedded-backend';
import { EmbeddedNetwork, type EmbeddedNetworkConfig } from './embedded/network';
import type { LedgerBackend } from './backend';

export * from './backend';
export { EmbeddedNetwork, type EmbeddedNetworkConfig };

export const backends = {
  /** The authority `mspId`'s view of an embedded network running in this process. */
  embedded(network: EmbeddedNetwork, mspId: string, options: EmbeddedBackendOptions = {}): LedgerBackend {
    return new EmbeddedBackend(network, mspId, options);
  },
};
