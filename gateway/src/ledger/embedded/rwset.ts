/**
 * The read/write set a simulation produces: what an endorser signs and what
 * every peer validates (MVCC versions, phantom reads) and commits.
 */

/** A committed version: the block and the transaction's position in it. */
export interface Version {
  block: number;
  tx: number;
}

export function sameVersion(a: Version | null, b: Version | null): boolean {
  return a === b || (a !== null && b !== null && a.block === b.block && a.tx === b.tx);
}

export interface KeyRead {
  key: string;
  /** null when the key did not exist */
  version: Version | null;
}

export interface RangeRead {
  startKey: string;
  endKey: string;
  /** false when the caller stopped early (or a page ended): then only the keys read count */
  exhausted: boolean;
  reads: KeyRead[];
}

export interface KeyWrite {
  key: string;
  /** null deletes the key */
  value: Uint8Array | null;
}

export interface MetadataWrite {
  key: string;
  /** serialized SignaturePolicyEnvelope, or null to remove the key-level policy */
  validationParameter: Uint8Array | null;
}

export interface PrivateRead {
  collection: string;
  key: string;
  version: Version | null;
}

export interface PrivateWrite {
  collection: string;
  key: string;
  value: Uint8Array | null;
}

export interface PrivatePurge {
  collection: string;
  key: string;
}

export interface ReadWriteSet {
  reads: KeyRead[];
  rangeQueries: RangeRead[];
  writes: KeyWrite[];
  metadataWrites: MetadataWrite[];
  privateReads: PrivateRead[];
  privateWrites: PrivateWrite[];
  privateMetadataWrites: (MetadataWrite & { collection: string })[];
  purges: PrivatePurge[];
}

export interface ChaincodeEvent {
  name: string;
  payload: Uint8Array;
}
