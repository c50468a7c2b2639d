/**
 * A Fabric peer's world state, read from its `stateLeveldb` for the state
 * comparison of a replay: the chaincode's own keys, and the private-data
 * hashes of its collections. The layout is Fabric v2.5's
 * (core/ledger/kvledger/txmgmt/statedb/stateleveldb, leveldbhelper,
 * privacyenabledstate):
 * - a LevelDB key is `<channel> 0x00 'd' <namespace> 0x00 <key>`;
 * - its value is the protobuf DBValue {1: version, 2: value, 3: metadata},
 *   the version being two order-preserving varints (a length byte, then the
 *   number's big-endian bytes): block number, then transaction number;
 * - metadata is a KVMetadataWrite whose entries {1: name, 2: value} hold the
 *   key-level policy as VALIDATION_PARAMETER;
 * - private-data hashes live in namespace `<chaincode>$$h<collection>` under
 *   the key hash's raw bytes, the value hash as the value.
 * The database is opened from a copy made by the caller (LevelDB writes on open).
 */
import { Level } from 'level';
import { ProtoReader } from '../fabric-format/proto-reader';
import type { Version } from './replay-state';
import type { PeerStateEntry, PeerStateView } from './state-comparison';

const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';

function orderPreserving(bytes: Uint8Array, at: number): { value: number; next: number } {
  const size = bytes[at];
  if (size === undefined || size > 8 || at + 1 + size > bytes.length) {
    throw new Error('a state version is malformed');
  }
  let value = 0;
  for (let i = 0; i < size; i++) {
    value = value * 256 + bytes[at + 1 + i]!;
  }
  return { value, next: at + 1 + size };
}

function versionOf(bytes: Uint8Array): Version {
  const block = orderPreserving(bytes, 0);
  const tx = orderPreserving(bytes, block.next);
  return { block: block.value, tx: tx.value };
}

interface DbValue {
  version: Version;
  value: Uint8Array;
  validationParameter: Uint8Array | null;
}

/**
 * The length-delimited fields of a message, as [field number, bytes] in
 * order (other wire types skipped): every message read here (DBValue,
 * KVMetadataWrite, KVMetadataEntry) holds only bytes, strings and messages.
 */
function bytesFields(message: Uint8Array): [number, Uint8Array][] {
  const r = new ProtoReader(message);
  const out: [number, Uint8Array][] = [];
  for (let field = r.next(); field !== 0; field = r.next()) {
    try {
      out.push([field, r.bytes()]);
    } catch {
      r.skip();
    }
  }
  return out;
}

/** The last value of a field (proto3: the last occurrence wins), or empty bytes. */
const lastOf = (fields: [number, Uint8Array][], n: number): Uint8Array => fields.filter(([f]) => f === n).pop()?.[1] ?? new Uint8Array();

/** The VALIDATION_PARAMETER entry of a KVMetadataWrite {2: entries {1: name, 2: value}}. */
function validationParameterOf(metadata: Uint8Array): Uint8Array | null {
  let found: Uint8Array | null = null;
  for (const [field, entryBytes] of bytesFields(metadata)) {
    const entry = field === 2 ? bytesFields(entryBytes) : [];
    if (Buffer.from(lastOf(entry, 1)).toString('utf8') === VALIDATION_PARAMETER) {
      found = lastOf(entry, 2);
    }
  }
  return found;
}

/** A DBValue {1: version, 2: value, 3: metadata}. */
function decodeDbValue(bytes: Uint8Array): DbValue {
  const fields = bytesFields(bytes);
  const metadata = lastOf(fields, 3);
  return { version: versionOf(lastOf(fields, 1)), value: lastOf(fields, 2), validationParameter: metadata.length > 0 ? validationParameterOf(metadata) : null };
}

export interface FabricStateDb extends PeerStateView {
  close(): Promise<void>;
}

/** Opens the stateLeveldb folder (a copy) of a peer for channel `channel` and chaincode `chaincode`. */
export async function openFabricStateDb(folder: string, channel: string, chaincode: string): Promise<FabricStateDb> {
  const db = new Level<Buffer, Buffer>(folder, { keyEncoding: 'buffer', valueEncoding: 'buffer', createIfMissing: false });
  await db.open();
  const range = (namespace: string) => {
    const prefix = Buffer.from(`${channel}\u0000d${namespace}\u0000`, 'utf8');
    const end = Buffer.from(prefix);
    end[end.length - 1] = 0x01;
    return { prefix, iterator: db.iterator({ gte: prefix, lt: end }) };
  };
  const hashedPrefix = Buffer.from(`${channel}\u0000d${chaincode}$$h`, 'utf8');
  return {
    async *state(): AsyncGenerator<PeerStateEntry> {
      const { prefix, iterator } = range(chaincode);
      for await (const [key, value] of iterator) {
        const v = decodeDbValue(value);
        yield { key: key.subarray(prefix.length).toString('utf8'), value: v.value, version: v.version, validationParameter: v.validationParameter };
      }
    },
    async *privateHashes() {
      const end = Buffer.from(hashedPrefix);
      end[end.length - 1] = end[end.length - 1]! + 1;
      for await (const [key, value] of db.iterator({ gte: hashedPrefix, lt: end })) {
        const rest = key.subarray(hashedPrefix.length);
        const sep = rest.indexOf(0);
        if (sep < 0) {
          continue;
        }
        const collection = rest.subarray(0, sep).toString('utf8');
        const keyHash = rest.subarray(sep + 1);
        const v = decodeDbValue(value);
        yield { id: `${collection}\u0000${keyHash.toString('hex')}`, valueHash: v.value, version: v.version };
      }
    },
    close: () => db.close(),
  };
}
