/**
 * Where the embedded ledger's blocks may differ in shape from a real Fabric
 * network's, and why; and which values the genesis comparison checks.
 */
import type { KnownDifference } from './block-shape';

export const EMBEDDED_KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    path: /\.tls_root_certs(\[\])?$/,
    reason: 'the embedded network has no TLS: its MSPs name no TLS root',
  },
  {
    path: /\.payload\.header\.channel_header\.tls_cert_hash$/,
    reason: "the client's TLS certificate hash: fabric-network (fabric-common) sets it over mutual TLS; the embedded ledger's client, like fabric-gateway's, sets none",
  },
  {
    path: /\.chaincode_proposal_payload\.input\.chaincode_spec\.type$/,
    reason: 'the chaincode type the client names: fabric-network says GOLANG whatever the chaincode, fabric-gateway and the embedded client NODE',
  },
  {
    path: /\.ns_rwset\[\]\.(collection_hashed_rwset|rwset\.(metadata_writes|writes|reads\[\]\.version(\.block_num|\.tx_num)?))$/,
    reason:
      "not yet matched: Fabric's chaincode transactions also read _lifecycle's namespaces/fields/<chaincode>/Sequence (a namespace with one versioned read and nothing else); the embedded ledger holds no _lifecycle state to read",
  },
];

/** The genesis block's header version (configtxgen writes 1). */
export const GENESIS_VALUES: readonly RegExp[] = [/\.payload\.header\.channel_header\.version$/];
