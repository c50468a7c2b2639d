/**
 * The read/write set a simulation produces: what an endorser signs and what
 * every peer validates (MVCC versions, phantom reads) and commits, as the
 * simulator keeps it and as Fabric's kvrwset messages encode it (private
 * data as hashes in the public set, plain in the private sets).
 */
import { ledger } from '@hyperledger/fabric-protos';
import { sha256 } from './signing';

const { kvrwset } = ledger.rwset;

/** The name of a key-level endorsement policy in a key's metadata. */
export const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';

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

function version(v: Version | null): ledger.rwset.kvrwset.Version | undefined {
  if (v === null) {
    return undefined;
  }
  const pb = new kvrwset.Version();
  pb.setBlockNum(v.block);
  pb.setTxNum(v.tx);
  return pb;
}

function kvRead(r: KeyRead): ledger.rwset.kvrwset.KVRead {
  const read = new kvrwset.KVRead();
  read.setKey(r.key);
  const v = version(r.version);
  if (v) {
    read.setVersion(v);
  }
  return read;
}

function kvWrite(w: { key: string; value: Uint8Array | null }): ledger.rwset.kvrwset.KVWrite {
  const write = new kvrwset.KVWrite();
  write.setKey(w.key);
  write.setIsDelete(w.value === null);
  if (w.value) {
    write.setValue(w.value);
  }
  return write;
}

function metadataWrite(m: MetadataWrite): ledger.rwset.kvrwset.KVMetadataWrite {
  const w = new kvrwset.KVMetadataWrite();
  w.setKey(m.key);
  if (m.validationParameter) {
    const entry = new kvrwset.KVMetadataEntry();
    entry.setName(VALIDATION_PARAMETER);
    entry.setValue(m.validationParameter);
    w.setEntriesList([entry]);
  }
  return w;
}

/** The private part of a transaction, for the collection members only: TxPvtReadWriteSet bytes per collection. */
export interface PrivateWriteSet {
  collection: string;
  /** KVRWSet bytes with the plain private writes */
  rwset: Uint8Array;
}

export function buildReadWriteSet(
  namespace: string,
  rw: ReadWriteSet,
): { results: Uint8Array; privateSets: PrivateWriteSet[] } {
  const kv = new kvrwset.KVRWSet();
  kv.setReadsList(rw.reads.map(kvRead));
  kv.setRangeQueriesInfoList(
    rw.rangeQueries.map((q) => {
      const info = new kvrwset.RangeQueryInfo();
      info.setStartKey(q.startKey);
      info.setEndKey(q.endKey);
      info.setItrExhausted(q.exhausted);
      const reads = new kvrwset.QueryReads();
      reads.setKvReadsList(q.reads.map(kvRead));
      info.setRawReads(reads);
      return info;
    }),
  );
  kv.setWritesList(rw.writes.map(kvWrite));
  kv.setMetadataWritesList(rw.metadataWrites.map(metadataWrite));

  const collections = [
    ...new Set([
      ...rw.privateReads.map((r) => r.collection),
      ...rw.privateWrites.map((w) => w.collection),
      ...rw.purges.map((p) => p.collection),
      ...rw.privateMetadataWrites.map((m) => m.collection),
    ]),
  ].sort();
  const privateSets: PrivateWriteSet[] = [];
  const hashedSets = collections.map((collection) => {
    const hashed = new kvrwset.HashedRWSet();
    hashed.setHashedReadsList(
      rw.privateReads
        .filter((r) => r.collection === collection)
        .map((r) => {
          const read = new kvrwset.KVReadHash();
          read.setKeyHash(sha256(Buffer.from(r.key, 'utf8')));
          const v = version(r.version);
          if (v) {
            read.setVersion(v);
          }
          return read;
        }),
    );
    const writes = rw.privateWrites.filter((w) => w.collection === collection);
    const purges = rw.purges.filter((p) => p.collection === collection);
    hashed.setHashedWritesList([
      ...writes.map((w) => {
        const h = new kvrwset.KVWriteHash();
        h.setKeyHash(sha256(Buffer.from(w.key, 'utf8')));
        h.setIsDelete(w.value === null);
        if (w.value) {
          h.setValueHash(sha256(w.value));
        }
        return h;
      }),
      ...purges.map((p) => {
        const h = new kvrwset.KVWriteHash();
        h.setKeyHash(sha256(Buffer.from(p.key, 'utf8')));
        h.setIsDelete(true);
        h.setIsPurge(true);
        return h;
      }),
    ]);
    const set = new ledger.rwset.CollectionHashedReadWriteSet();
    set.setCollectionName(collection);
    set.setHashedRwset(hashed.serializeBinary());
    // As Fabric: a collection that is only read (GetPrivateDataHash, say) has no private write set and no hash of one.
    if (writes.length > 0 || purges.length > 0) {
      const pvt = new kvrwset.KVRWSet();
      pvt.setWritesList(writes.map(kvWrite));
      const pvtBytes = pvt.serializeBinary();
      privateSets.push({ collection, rwset: pvtBytes });
      set.setPvtRwsetHash(sha256(pvtBytes));
    }
    return set;
  });

  const ns = new ledger.rwset.NsReadWriteSet();
  ns.setNamespace(namespace);
  ns.setRwset(kv.serializeBinary());
  ns.setCollectionHashedRwsetList(hashedSets);
  const tx = new ledger.rwset.TxReadWriteSet();
  tx.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  tx.setNsRwsetList([ns]);
  return { results: tx.serializeBinary(), privateSets };
}

export function decodePrivateWrites(rwsetBytes: Uint8Array): KeyWrite[] {
  const kv = kvrwset.KVRWSet.deserializeBinary(rwsetBytes);
  return kv.getWritesList().map((w) => ({ key: w.getKey(), value: w.getIsDelete() ? null : w.getValue_asU8() }));
}

/** A signed proposal as an endorsing peer reads it. */
