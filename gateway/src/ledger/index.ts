/**
 * The ledger as a gateway sees it: the LedgerBackend interface and the
 * factories of its implementations.
 */
import { EmbeddedBackend, type EmbeddedBackendOptions } from './embedded/embedded-backend';
import type { EmbeddedChannel } from './embedded/channel';
import { EmbeddedNetwork, type EmbeddedNetworkConfig } from './embedded/network';
import { WorkerNetwork } from './embedded/worker-network';
import type { LedgerBackend } from './backend';
import type * as FabricBackends from './fabric';
import type { FabricBackendConfig } from './fabric';

export * from './backend';
export { registerMember } from './register-member';
/** An embedded peer's files, which the auditor can read as a block source and a state to compare with. */
export { PeerStore } from './embedded/storage';
/** What an embedded peer's state differs in from a replay of its own blocks (none, for a sound peer). */
export { diffWithReplay } from './embedded/replay';
/**
 * The embedded peer's chaincode host and simulation stub: the in-memory test
 * channel (test/support/memory-ledger.ts) runs the contracts on them.
 */
export { ContractHost } from './embedded/dispatch';
export { SimulationStub, type HistoryEntry, type StateReader, type VersionedValue } from './embedded/simulation';
export { EmbeddedNetwork, WorkerNetwork, type EmbeddedChannel, type EmbeddedNetworkConfig };
export type { FabricBackendConfig } from './fabric';

/**
 * The Fabric backends are loaded only when asked for: @hyperledger/fabric-gateway
 * brings @hyperledger/fabric-protos 0.3, whose generated classes register in
 * the same global namespace as the 0.2 ones fabric-shim and the embedded
 * ledger use; whichever loads last serialises nested messages for both. A
 * process that never uses Fabric must never load it.
 */
export function fabricModule(): typeof FabricBackends {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./fabric') as typeof FabricBackends;
}

export const backends = {
  /** The authority `mspId`'s view of an embedded network, in this thread (EmbeddedNetwork) or its own (WorkerNetwork). */
  embedded(network: EmbeddedChannel, mspId: string, options: EmbeddedBackendOptions = {}): LedgerBackend {
    return new EmbeddedBackend(network, mspId, options);
  },
  /** The authority `config.mspId`'s peer on a real Fabric network, through fabric-network 2.2. */
  fabricNetwork(config: FabricBackendConfig): LedgerBackend {
    return new (fabricModule().FabricNetworkBackend)(config);
  },
  /** The authority `config.mspId`'s peer on a real Fabric network, through its Gateway service (@hyperledger/fabric-gateway). */
  fabricGateway(config: FabricBackendConfig): LedgerBackend {
    return new (fabricModule().FabricGatewayBackend)(config);
  },
};
