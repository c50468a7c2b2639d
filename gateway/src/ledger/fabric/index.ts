/**
 * The real-Fabric backends and what they need: the network material that
 * scripts/network.sh generates, and wallets whose users carry a role.
 */
export { FabricNetworkBackend } from './fabric-network-backend';
export { FabricGatewayBackend } from './fabric-gateway-backend';
export type { FabricBackendConfig } from './config';
export { loadFabricNetwork, connectionProfile, peerOf, DEFAULT_FABRIC_NETWORK_DIR, type FabricNetworkMaterial, type FabricPeer } from './material';
export { fabricWallet, fabricWallets, type FabricWallet } from './identities';
