/**
 * Compares the auditor's rebuilt world state with the state a peer holds:
 * every key's value, version and key-level policy, and every private-data
 * hash. Any difference is a finding.
 */
import type { PeerStore } from '../ledger';
import { finding, type Finding } from './finding';
import { compareKeys, type ReplayState, type Version } from './replay-state';
import { printable } from './transaction-validation';

export interface PeerStateEntry {
  key: string;
  value: Uint8Array;
  version: Version;
  validationParameter: Uint8Array | null;
}

/** A peer's world state and private-data hashes, in key order. */
export interface PeerStateView {
  state(): AsyncIterable<PeerStateEntry>;
  /** id is `${collection}\u0000${keyHashHex}` */
  privateHashes(): AsyncIterable<{ id: string; valueHash: Uint8Array; version: Version }>;
}

/** The state of an embedded peer's LevelDB (gateway/src/ledger/embedded/storage.ts). */
export function peerStoreState(store: PeerStore): PeerStateView {
  return {
    async *state() {
      for await (const key of store.state.keys()) {
        const entry = await store.getState(key);
        if (entry) {
          yield { key, value: entry.value, version: entry.version, validationParameter: entry.validationParameter ?? null };
        }
      }
    },
    async *privateHashes() {
      for await (const [id, value] of store.pvtHash.iterator()) {
        const buf = Buffer.from(value);
        yield { id, version: { block: buf.readUInt32BE(0), tx: buf.readUInt32BE(4) }, valueHash: buf.subarray(8) };
      }
    },
  };
}

const MAX_REPORTED = 50;
const same = (a: Uint8Array | null, b: Uint8Array | null): boolean => Buffer.from(a ?? []).equals(Buffer.from(b ?? []));
const sameVersion = (a: Version, b: Version): boolean => a.block === b.block && a.tx === b.tx;

export async function compareWithPeer(state: ReplayState, peer: PeerStateView): Promise<Finding[]> {
  const messages: string[] = [];
  const replayed = new Map<string, { value: Uint8Array; version: Version; vp: Uint8Array | null }>();
  for await (const { key, entry } of state.entries()) {
    replayed.set(key, { value: entry.value, version: entry.version, vp: entry.validationParameter });
  }
  for await (const held of peer.state()) {
    const expected = replayed.get(held.key);
    replayed.delete(held.key);
    if (!expected) {
      messages.push(`the peer holds ${printable(held.key)}, which no valid transaction wrote`);
    } else if (!same(expected.value, held.value) || !sameVersion(expected.version, held.version) || !same(expected.vp, held.validationParameter)) {
      messages.push(`the peer's ${printable(held.key)} differs from the replay (value, version or key-level policy)`);
    }
  }
  for (const key of [...replayed.keys()].sort(compareKeys)) {
    messages.push(`the peer lacks ${printable(key)}`);
  }
  const hashes = new Map<string, { valueHash: Uint8Array; version: Version }>();
  for await (const { id, hash } of state.privateHashes()) {
    hashes.set(id, hash);
  }
  for await (const held of peer.privateHashes()) {
    const expected = hashes.get(held.id);
    hashes.delete(held.id);
    if (!expected || !same(expected.valueHash, held.valueHash) || !sameVersion(expected.version, held.version)) {
      messages.push(`the peer's private-data hash ${printable(held.id)} differs from the replay`);
    }
  }
  for (const id of hashes.keys()) {
    messages.push(`the peer lacks the private-data hash ${printable(id)}`);
  }
  const site = { block: null, tx: null, txId: null };
  const out = messages.slice(0, MAX_REPORTED).map((m) => finding(site, 'state-diff', m));
  if (messages.length > MAX_REPORTED) {
    out.push(finding(site, 'state-diff', `and ${messages.length - MAX_REPORTED} more differences`));
  }
  return out;
}
