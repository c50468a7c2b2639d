/**
 * The pure domain of customs-ledger, shared by chaincode, gateway, verifier
 * and auditor: declaration schema and categories, canonical JSON and hashes,
 * field Merkle proofs, the trader's EIP-712 signature, agreements, records
 * and coded errors. It imports nothing from Fabric or Express.
 */
export * from './agreement';
export * from './canonical';
export * from './codes';
export * from './compiled-parser';
export * from './declaration';
export * from './documents';
export * from './errors';
export * from './hashing';
export * from './ledger-layout';
export * from './lodging';
export * from './merkle';
export * from './parse';
export * from './patterns';
export * from './purging';
export * from './record';
export * from './sharing';
export * from './signature';
