/**
 * The COMMIT_HASH a Fabric peer writes into the metadata of every block it
 * commits from block 1 on (core/ledger/kvledger/kv_ledger.go): SHA-256 over
 * the varint length of the TRANSACTIONS_FILTER, the filter itself, the
 * deterministic bytes of the block's state updates, and the previous
 * block's commit hash (empty before block 1). The state updates are those
 * of the valid transactions, every namespace's public writes and the hashes
 * of its private writes, folded per key (the last write of the block wins)
 * and written as Fabric's txmgr `Updates` message (update_batch_bytes.go):
 * namespaces in byte order, in each its public keys in byte order, then its
 * collections in name order with their key hashes in byte order; a
 * namespace is named on its first KVWrite only, a collection likewise, and
 * each write carries its version as two order-preserving varints (block
 * number, transaction number).
 */
import { createHash } from 'node:crypto';
import { ProtoWriter } from './proto-writer';

export interface UpdateVersion {
  block: number;
  tx: number;
}

export interface StateUpdate {
  /** null for a delete (a private purge is a delete of its hash) */
  value: Uint8Array | null;
  version: UpdateVersion;
}

/** A block's folded state updates: public by namespace and key, hashed by namespace, collection and key hash. */
export class UpdateBatch {
  /** namespace → key → update */
  readonly public = new Map<string, Map<string, StateUpdate>>();
  /** namespace → collection → key hash (hex) → update of its value hash */
  readonly hashed = new Map<string, Map<string, Map<string, StateUpdate>>>();

  put(namespace: string, key: string, update: StateUpdate): void {
    let keys = this.public.get(namespace);
    if (!keys) {
      keys = new Map();
      this.public.set(namespace, keys);
    }
    keys.set(key, update);
  }

  putHash(namespace: string, collection: string, keyHashHex: string, update: StateUpdate): void {
    let collections = this.hashed.get(namespace);
    if (!collections) {
      collections = new Map();
      this.hashed.set(namespace, collections);
    }
    let keys = collections.get(collection);
    if (!keys) {
      keys = new Map();
      collections.set(collection, keys);
    }
    keys.set(keyHashHex, update);
  }

  /** The latest update of a public key in this batch. */
  get(namespace: string, key: string): StateUpdate | undefined {
    return this.public.get(namespace)?.get(key);
  }
}

/** Fabric's EncodeOrderPreservingVarUint64: the count of significant big-endian bytes, then those bytes. */
export function orderPreservingVarint(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`cannot encode ${n} as an order-preserving varint`);
  }
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) {
    bytes.unshift(v % 256);
  }
  return Buffer.from([bytes.length, ...bytes]);
}

/** A version as Fabric's Height.ToBytes writes it. */
export function versionBytes(v: UpdateVersion): Buffer {
  return Buffer.concat([orderPreservingVarint(v.block), orderPreservingVarint(v.tx)]);
}

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const byHex = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** txmgr.KVWrite: namespace 1, collection 2, key 3, isDelete 4, value 5, version_bytes 6. */
function kvWrite(namespace: string, collection: string, key: Uint8Array, update: StateUpdate): Buffer {
  const w = new ProtoWriter().string(1, namespace).string(2, collection).bytes(3, key);
  if (update.value === null || update.value.length === 0) {
    w.varint(4, 1);
  } else {
    w.bytes(5, update.value);
  }
  return w.bytes(6, versionBytes(update.version)).finish();
}

/** The bytes deterministicBytesForPubAndHashUpdates makes of a batch (txmgr.Updates, kvwrites field 1). */
export function updateBatchBytes(batch: UpdateBatch): Buffer {
  const out = new ProtoWriter();
  const namespaces = [...new Set([...batch.public.keys(), ...batch.hashed.keys()])].filter((ns) => ns !== '').sort(byBytes);
  for (const ns of namespaces) {
    let first = true;
    const nsOnce = (): string => {
      const name = first ? ns : '';
      first = false;
      return name;
    };
    const keys = batch.public.get(ns) ?? new Map<string, StateUpdate>();
    for (const key of [...keys.keys()].sort(byBytes)) {
      out.delimited(1, kvWrite(nsOnce(), '', Buffer.from(key, 'utf8'), keys.get(key)!));
    }
    const collections = batch.hashed.get(ns) ?? new Map<string, Map<string, StateUpdate>>();
    for (const collection of [...collections.keys()].sort(byBytes)) {
      const hashes = collections.get(collection)!;
      let collectionNamed = false;
      for (const keyHash of [...hashes.keys()].sort(byHex)) {
        out.delimited(1, kvWrite(nsOnce(), collectionNamed ? '' : collection, Buffer.from(keyHash, 'hex'), hashes.get(keyHash)!));
        collectionNamed = true;
      }
    }
  }
  return out.finish();
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

/** The commit hash of a block: over its filter, its updates' bytes and the previous block's commit hash. */
export function commitHash(transactionsFilter: Uint8Array, updates: Uint8Array, previous: Uint8Array): Buffer {
  return createHash('sha256').update(varint(transactionsFilter.length)).update(transactionsFilter).update(updates).update(previous).digest();
}

/** The COMMIT_HASH metadata entry: common.Metadata{value: hash}. */
export function commitHashMetadata(hash: Uint8Array): Buffer {
  return new ProtoWriter().bytes(1, hash).finish();
}

/** The hash held by a COMMIT_HASH metadata entry; empty when the entry is. */
export function readCommitHashMetadata(entry: Uint8Array): Buffer {
  // common.Metadata: value 1 (bytes); Fabric writes nothing else into this entry
  if (entry.length === 0) {
    return Buffer.alloc(0);
  }
  if (entry[0] !== 0x0a || entry[1] === undefined || entry[1] >= 0x80 || entry.length !== entry[1] + 2) {
    throw new Error('the COMMIT_HASH metadata is not a Metadata holding only a value');
  }
  return Buffer.from(entry.subarray(2));
}

/** What one namespace of a valid transaction commits, as its read/write set holds it. */
export interface NamespaceUpdates {
  namespace: string;
  writes: readonly { key: string; value: Uint8Array | null }[];
  metadataWrites: readonly { key: string }[];
  collections: readonly { collection: string; hashedWrites: readonly { keyHash: Uint8Array; valueHash: Uint8Array | null; isDelete: boolean; isPurge: boolean }[] }[];
}

/** The keys of a transaction whose metadata alone it sets: their latest values go into the batch (see addTransactionUpdates). */
export function metadataOnlyKeys(namespaces: readonly NamespaceUpdates[]): { namespace: string; key: string }[] {
  return namespaces.flatMap((ns) => {
    const written = new Set(ns.writes.map((w) => w.key));
    return ns.metadataWrites.filter((m) => !written.has(m.key)).map((m) => ({ namespace: ns.namespace, key: m.key }));
  });
}

/**
 * Folds a valid transaction's updates into the block's batch as Fabric's
 * validator does (txmgmt/validation/tx_ops.go): a write puts or deletes; a
 * key whose metadata alone the transaction sets is put again with its latest
 * value at the transaction's version (the batch's, else `committed`, which
 * answers for the keys metadataOnlyKeys names), and is left out when it does
 * not exist; a private write puts or deletes its value hash, a purge deletes
 * it.
 */
export function addTransactionUpdates(
  batch: UpdateBatch,
  version: UpdateVersion,
  namespaces: readonly NamespaceUpdates[],
  committed: (namespace: string, key: string) => Uint8Array | null,
): void {
  for (const ns of namespaces) {
    const written = new Set<string>();
    for (const w of ns.writes) {
      written.add(w.key);
      batch.put(ns.namespace, w.key, { value: w.value === null || w.value.length === 0 ? null : w.value, version });
    }
    for (const m of ns.metadataWrites) {
      if (written.has(m.key)) {
        continue;
      }
      const inBatch = batch.get(ns.namespace, m.key);
      const value = inBatch ? inBatch.value : committed(ns.namespace, m.key);
      if (value !== null) {
        batch.put(ns.namespace, m.key, { value, version });
      }
    }
    for (const c of ns.collections) {
      for (const w of c.hashedWrites) {
        const deleted = w.isDelete || w.isPurge || !w.valueHash || w.valueHash.length === 0;
        batch.putHash(ns.namespace, c.collection, Buffer.from(w.keyHash).toString('hex'), { value: deleted ? null : w.valueHash, version });
      }
    }
  }
}
