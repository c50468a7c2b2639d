/**
 * Rebuilds a peer's world state (values, versions, key-level policies) and
 * private-data hashes from its block store alone, applying the valid
 * transactions of each block in order, and lists every difference with the
 * state the peer holds. A peer that crashed mid-commit must still match.
 */
import { createHash } from 'node:crypto';
import { readBlock, readEnvelope } from '../../fabric-format/block-reader';
import { collectionKey, type PeerStore } from './storage';

interface Rebuilt {
  state: Map<string, { value: Buffer; version: string; vp: string }>;
  hashes: Map<string, { valueHash: string; version: string }>;
}

const hex = (b: Uint8Array | undefined | null): string => (b ? Buffer.from(b).toString('hex') : '');

export async function rebuildFromBlocks(store: PeerStore): Promise<Rebuilt> {
  const state: Rebuilt['state'] = new Map();
  const hashes: Rebuilt['hashes'] = new Map();
  const height = await store.height();
  for (let n = 0; n < height; n++) {
    const bytes = await store.block(n);
    if (!bytes) {
      throw new Error(`block ${n} is missing below height ${height}`);
    }
    const block = readBlock(bytes);
    for (const [i, envelope] of block.envelopes.entries()) {
      if (block.validationCodes[i] !== 'VALID') {
        continue;
      }
      const tx = readEnvelope(envelope);
      const version = `${n}:${i}`;
      for (const w of tx.rwset.writes) {
        if (w.value === null) {
          state.delete(w.key);
        } else {
          state.set(w.key, { value: Buffer.from(w.value), version, vp: state.get(w.key)?.vp ?? '' });
        }
      }
      for (const m of tx.rwset.metadataWrites) {
        const current = state.get(m.key);
        if (current) {
          current.vp = hex(m.validationParameter);
        }
      }
      for (const c of tx.rwset.collections) {
        for (const w of c.hashedWrites) {
          const id = collectionKey(c.collection, w.keyHash.toString('hex'));
          if (w.isDelete || w.isPurge || !w.valueHash) {
            hashes.delete(id);
          } else {
            hashes.set(id, { valueHash: w.valueHash.toString('hex'), version });
          }
        }
      }
    }
  }
  return { state, hashes };
}

/** Differences between the peer's state and a replay of its blocks; empty when they agree. */
export async function diffWithReplay(store: PeerStore): Promise<string[]> {
  const rebuilt = await rebuildFromBlocks(store);
  const differences: string[] = [];
  const seen = new Set<string>();
  for await (const key of store.state.keys()) {
    seen.add(key);
    const held = (await store.getState(key))!;
    const expected = rebuilt.state.get(key);
    const version = `${held.version.block}:${held.version.tx}`;
    if (!expected) {
      differences.push(`state ${JSON.stringify(key)} is held but no valid transaction wrote it`);
    } else if (!expected.value.equals(Buffer.from(held.value)) || expected.version !== version || expected.vp !== hex(held.validationParameter)) {
      differences.push(`state ${JSON.stringify(key)} differs from the replay`);
    }
  }
  for (const key of rebuilt.state.keys()) {
    if (!seen.has(key)) {
      differences.push(`state ${JSON.stringify(key)} is missing`);
    }
  }
  const seenHashes = new Set<string>();
  for await (const [id, value] of store.pvtHash.iterator()) {
    seenHashes.add(id);
    const expected = rebuilt.hashes.get(id);
    const buf = Buffer.from(value);
    const version = `${buf.readUInt32BE(0)}:${buf.readUInt32BE(4)}`;
    if (!expected || expected.valueHash !== buf.subarray(8).toString('hex') || expected.version !== version) {
      differences.push(`private hash ${JSON.stringify(id)} differs from the replay`);
    }
  }
  for (const id of rebuilt.hashes.keys()) {
    if (!seenHashes.has(id)) {
      differences.push(`private hash ${JSON.stringify(id)} is missing`);
    }
  }
  // Every private value a member holds must match the hash on the ledger.
  for await (const [id, value] of store.pvt.iterator()) {
    const sep = id.indexOf('\u0000');
    const collection = id.slice(0, sep);
    const key = id.slice(sep + 1);
    const keyHash = createHash('sha256').update(key).digest('hex');
    const expected = rebuilt.hashes.get(collectionKey(collection, keyHash));
    const valueHash = createHash('sha256').update(Buffer.from(value).subarray(8)).digest('hex');
    if (!expected || expected.valueHash !== valueHash) {
      differences.push(`private value ${JSON.stringify(id)} does not match its hash on the ledger`);
    }
  }
  return differences;
}
