/**
 * Blocks and transactions as read back from their bytes: a block's header,
 * envelopes, validation codes and orderer signatures; a transaction's
 * header, creator, invocation, endorsements and every namespace's
 * read/write set.
 */
import type { ChaincodeEvent, KeyRead, KeyWrite, MetadataWrite, RangeRead, Version } from './rwset';
import type { ChaincodeResponse } from './envelope';
import type { ValidationCode } from './validation-codes';

export interface HashedWrite {
  keyHash: Buffer;
  valueHash: Buffer | null;
  isDelete: boolean;
  isPurge: boolean;
}

export interface CollectionRwset {
  collection: string;
  hashedReads: { keyHash: Buffer; version: Version | null }[];
  hashedWrites: HashedWrite[];
  pvtRwsetHash: Buffer;
}

/** The read/write set of one namespace of a transaction. */
export interface NamespaceRwset {
  reads: KeyRead[];
  rangeQueries: RangeRead[];
  writes: KeyWrite[];
  metadataWrites: MetadataWrite[];
  collections: CollectionRwset[];
}

export const emptyRwset = (): NamespaceRwset => ({ reads: [], rangeQueries: [], writes: [], metadataWrites: [], collections: [] });

export interface DecodedTransaction {
  headerType: number;
  transactionId: string;
  channelId: string;
  timestamp: Date;
  creator: { mspId: string; certificatePem: string };
  /** the bytes the creator signed, and its signature */
  payloadBytes: Uint8Array;
  signature: Uint8Array;
  /** for endorser transactions: */
  chaincode: string;
  args: string[];
  proposalResponsePayload: Uint8Array;
  endorsements: { mspId: string; certificatePem: string; endorser: Uint8Array; signature: Uint8Array }[];
  /** the read/write set of the invoked chaincode's own namespace (`chaincode`); empty when it has none */
  rwset: NamespaceRwset;
  /**
   * every namespace's read/write set, in the order of the transaction (the
   * chaincode's own included): a chaincode transaction also reads
   * `_lifecycle` keys, a lifecycle transaction reads `lscc`
   */
  namespaces: { namespace: string; rwset: NamespaceRwset }[];
  event: ChaincodeEvent | null;
  response: ChaincodeResponse;
}

export interface DecodedBlock {
  number: number;
  previousHash: Buffer;
  dataHash: Buffer;
  envelopes: Uint8Array[];
  validationCodes: ValidationCode[];
  ordererSignatures: { mspId: string; certificatePem: string; signatureHeader: Uint8Array; signature: Uint8Array }[];
}
