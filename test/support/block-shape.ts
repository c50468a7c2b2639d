/**
 * The shape of a block, for comparing an embedded block with a real Fabric
 * block field by field while ignoring values (hashes, times, ids,
 * signatures, certificates): every path of configtxlator's JSON of the
 * block with the kinds found there, and the same for the metadata entries,
 * which configtxlator prints as bytes and are decoded here (SIGNATURES'
 * OrdererBlockMetadata with its etcdraft consenter metadata and signature
 * headers, LAST_CONFIG, TRANSACTIONS_FILTER, ORDERER, COMMIT_HASH). Elements
 * of a list share one path (`[]`), so a list's shape is the union of its
 * elements'. A few fields that say what a thing is rather than carry data
 * (message types, policy rules, roles, NodeOU names) are compared by value.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { common, msp, orderer } from '@hyperledger/fabric-protos';

const run = promisify(execFile);

export const CONFIGTXLATOR = resolve(__dirname, '../../../.fabric/bin/configtxlator');

/** Why configtxlator cannot be used, or undefined when it can. */
export function configtxlatorMissing(): string | undefined {
  return existsSync(CONFIGTXLATOR) ? undefined : `no ${CONFIGTXLATOR} (scripts/install-fabric.sh builds it)`;
}

/** configtxlator's JSON of a common.Block. */
export async function decodeWithConfigtxlator(blockBytes: Uint8Array): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'block-shape-'));
  try {
    const input = join(dir, 'block.pb');
    const output = join(dir, 'block.json');
    await writeFile(input, blockBytes);
    await run(CONFIGTXLATOR, ['proto_decode', '--type', 'common.Block', '--input', input, '--output', output], { timeout: 60_000 });
    return JSON.parse(await readFile(output, 'utf8')) as unknown;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- the metadata, decoded -------------------------------------------------------------

const b64 = (bytes: Uint8Array): string | null => (bytes.length === 0 ? null : Buffer.from(bytes).toString('base64'));

/** The NodeOU of a PEM certificate's subject. */
function nodeOuOf(pem: string): string | null {
  try {
    return /(^|\n)OU=([^\n]*)/.exec(new X509Certificate(pem).subject)?.[2] ?? null;
  } catch {
    return null;
  }
}

function decodeSignatures(entry: Uint8Array): unknown {
  if (entry.length === 0) {
    return null;
  }
  const metadata = common.Metadata.deserializeBinary(entry);
  const valueBytes = metadata.getValue_asU8();
  let value: unknown = null;
  if (valueBytes.length > 0) {
    const obm = common.OrdererBlockMetadata.deserializeBinary(valueBytes);
    const consenterBytes = obm.getConsenterMetadata_asU8();
    let consenter: unknown = null;
    if (consenterBytes.length > 0) {
      const inner = common.Metadata.deserializeBinary(consenterBytes);
      const raft = orderer.etcdraft.BlockMetadata.deserializeBinary(inner.getValue_asU8());
      consenter = {
        value: { consenter_ids: raft.getConsenterIdsList(), next_consenter_id: raft.getNextConsenterId(), raft_index: raft.getRaftIndex() },
        signatures: inner.getSignaturesList().map(() => ({})),
      };
    }
    const lastConfig = obm.getLastConfig();
    value = { last_config: lastConfig ? { index: lastConfig.getIndex() } : null, consenter_metadata: consenter };
  }
  return {
    value,
    signatures: metadata.getSignaturesList().map((s) => {
      const sh = common.SignatureHeader.deserializeBinary(s.getSignatureHeader_asU8());
      const creatorBytes = sh.getCreator_asU8();
      const creator = creatorBytes.length === 0 ? null : msp.SerializedIdentity.deserializeBinary(creatorBytes);
      const pem = creator ? Buffer.from(creator.getIdBytes_asU8()).toString('utf8') : '';
      return {
        signature_header: {
          creator: creator ? { mspid: creator.getMspid(), id_bytes: b64(creator.getIdBytes_asU8()), node_ou: nodeOuOf(pem) } : null,
          nonce: b64(sh.getNonce_asU8()),
        },
        signature: b64(s.getSignature_asU8()),
      };
    }),
  };
}

function decodeValueMetadata(entry: Uint8Array, inner: (value: Uint8Array) => unknown): unknown {
  if (entry.length === 0) {
    return null;
  }
  const metadata = common.Metadata.deserializeBinary(entry);
  return { value: inner(metadata.getValue_asU8()), signatures: metadata.getSignaturesList().map(() => ({})) };
}

/** The block's five metadata entries, decoded. */
export function decodeMetadata(blockBytes: Uint8Array): unknown {
  const entries = common.Block.deserializeBinary(blockBytes).getMetadata()?.getMetadataList_asU8() ?? [];
  const entry = (i: number): Uint8Array => entries[i] ?? new Uint8Array();
  return {
    entries: entries.length,
    signatures: decodeSignatures(entry(common.BlockMetadataIndex.SIGNATURES)),
    last_config: decodeValueMetadata(entry(common.BlockMetadataIndex.LAST_CONFIG), (v) => ({ index: common.LastConfig.deserializeBinary(v).getIndex() })),
    transactions_filter: [...entry(common.BlockMetadataIndex.TRANSACTIONS_FILTER)],
    orderer: b64(entry(common.BlockMetadataIndex.ORDERER)),
    commit_hash: decodeValueMetadata(entry(common.BlockMetadataIndex.COMMIT_HASH), (v) => ({ bytes: v.length })),
  };
}

// ---- shapes ------------------------------------------------------------------------------

/** path → the kinds of values found there */
export type Shape = Map<string, Set<string>>;

export interface ShapeOptions {
  /** paths whose values are compared, not only their kinds */
  values?: readonly RegExp[];
}

/** Leaf fields that name what a thing is; compared by value wherever they occur. */
const KIND_FIELDS = new Set([
  'type',
  'mod_policy',
  'rule',
  'sub_policy',
  'role',
  'principal_classification',
  'organizational_unit_identifier',
  'enable',
  'signature_hash_family',
  'identity_identifier_hash_function',
  'state',
  'data_model',
  'width',
  'node_ou',
  'entries',
  'consenter_ids',
  'next_consenter_id',
]);

function add(shape: Shape, path: string, kind: string): void {
  let kinds = shape.get(path);
  if (!kinds) {
    kinds = new Set();
    shape.set(path, kinds);
  }
  kinds.add(kind);
}

/** The shape of a JSON value. */
export function shapeOf(value: unknown, options: ShapeOptions = {}, path = '', shape: Shape = new Map()): Shape {
  const field = path.slice(path.lastIndexOf('.') + 1);
  if (value === null) {
    add(shape, path, 'null');
  } else if (Array.isArray(value)) {
    add(shape, path, value.length === 0 ? 'empty list' : 'list');
    for (const v of value) {
      shapeOf(v, options, `${path}[]`, shape);
    }
    if (KIND_FIELDS.has(field)) {
      add(shape, path, `= ${JSON.stringify(value)}`);
    }
  } else if (typeof value === 'object') {
    add(shape, path, 'object');
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      shapeOf(v, options, `${path}.${k}`, shape);
    }
  } else {
    add(shape, path, typeof value);
    if (KIND_FIELDS.has(field) || options.values?.some((re) => re.test(path))) {
      add(shape, path, `= ${JSON.stringify(value)}`);
    }
  }
  return shape;
}

/** The shape of a block: configtxlator's JSON of it, its metadata as decodeMetadata decodes it under `.metadata`. */
export async function blockShape(blockBytes: Uint8Array, options: ShapeOptions = {}): Promise<Shape> {
  const json = (await decodeWithConfigtxlator(blockBytes)) as { header?: unknown; data?: unknown };
  const shape = shapeOf({ header: json.header, data: json.data }, options);
  return shapeOf(decodeMetadata(blockBytes), options, '.metadata', shape);
}

export interface KnownDifference {
  /** the paths it concerns */
  path: RegExp;
  /** why the embedded ledger differs there */
  reason: string;
}

/**
 * How `actual`'s shape differs from `expected`'s: one line per path whose
 * kinds differ, except on paths of a known difference.
 */
export function shapeDifferences(expected: Shape, actual: Shape, known: readonly KnownDifference[] = []): string[] {
  const paths = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  const out: string[] = [];
  for (const path of paths) {
    if (known.some((k) => k.path.test(path))) {
      continue;
    }
    const e = [...(expected.get(path) ?? [])].sort();
    const a = [...(actual.get(path) ?? [])].sort();
    if (e.join('|') !== a.join('|')) {
      out.push(`${path || '(root)'}: Fabric has ${e.length > 0 ? e.join(', ') : 'nothing'}; embedded has ${a.length > 0 ? a.join(', ') : 'nothing'}`);
    }
  }
  return out;
}
