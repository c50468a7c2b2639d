/**
 * Blocks and envelopes read straight from their wire bytes (proto-reader.ts)
 * into the same DecodedBlock and DecodedTransaction that decodeBlock and
 * decodeEnvelope build through google-protobuf's message objects, at a
 * fraction of the cost: the auditor reads every block of the ledger. Bytes
 * fields are views into the block, not copies, of the block's own kind (a
 * Buffer's views are Buffers); one reader walks all the nested messages of
 * a block or an envelope, and views are made only for the values returned.
 *
 * It refuses what they refuse: every field the messages define is read with
 * its type (a field of the wrong wire type, a truncated or malformed message
 * throws, in the messages decodeEnvelope does not use as well); unknown
 * fields are skipped and a repeated field keeps every value. It is stricter
 * where Go's protobuf (Fabric's) is, or where Fabric never writes what it
 * refuses: string fields must be UTF-8, as Go's protobuf demands, where
 * google-protobuf reads some invalid bytes as other text; and a singular
 * field must occur at most once (see once()). The unit tests compare both
 * decoders field by field on real ledgers and on damaged envelopes.
 */
import type { DecodedBlock } from './decoded';
import { validationCodeName } from './validation-codes';
import { ProtoReader, readTimestamp } from './proto-reader';
import { VALIDATION_PARAMETER } from './rwset';
import type { CollectionRwset, DecodedTransaction, NamespaceRwset } from './decoded';

/** common.HeaderType.ENDORSER_TRANSACTION */
const ENDORSER_TRANSACTION = 3;
/** common.BlockMetadataIndex */
const SIGNATURES = 0;
const TRANSACTIONS_FILTER = 2;
const COMMIT_HASH = 4;

export interface ReadBlock extends DecodedBlock {
  /** the value of the SIGNATURES metadata, which the orderer signs with the signature header and the block header */
  signedValue: Uint8Array;
  /** the TRANSACTIONS_FILTER metadata as recorded */
  transactionsFilter: Uint8Array;
  /** the COMMIT_HASH metadata entry as recorded (a common.Metadata; empty when the block has none) */
  commitHashEntry: Uint8Array;
}

export interface ReadTransaction extends DecodedTransaction {
  /** the signature header's creator bytes and nonce, from which the transaction id derives */
  creatorBytes: Uint8Array;
  nonce: Uint8Array;
}

type Version = { block: number; tx: number };
type Identity = { mspId: string; certificatePem: string };

const EMPTY: Uint8Array = new Uint8Array();
/** validationCodeName of every filter byte, looked up once */
const CODE_NAMES = Array.from({ length: 256 }, (_, i) => validationCodeName(i));
/** A field that is absent: the start of its span. */
const ABSENT = -1;

/** A bytes field's value: a view of its span, or an empty array when it is absent. */
const bytesAt = (r: ProtoReader, start: number, end: number): Uint8Array => (start === ABSENT ? EMPTY : r.view(start, end));
/** The same as a Buffer. */
const bufferAt = (r: ProtoReader, start: number, end: number): Buffer => (start === ABSENT ? Buffer.from(EMPTY.buffer, 0, 0) : r.bufferView(start, end));

/**
 * Marks a field of a message as read in `seen` (`bit` is 1 << its number),
 * and refuses a second occurrence. Fabric's Go marshaller writes a singular
 * field at most once, so a repetition is forged or damaged, and decoders
 * disagree on it: google-protobuf parses every occurrence of a message
 * field, Go's protobuf merges them, and taking the last would be a third
 * reading. Scalars, strings and bytes, of which every decoder keeps the
 * last, are refused as well: one rule for every singular field, at the cost
 * of a bit test. (A Timestamp's two numbers are the exception: the shared
 * readTimestamp keeps the last, as all decoders do.)
 *
 * Small enough for V8 to inline at every call without spending the
 * caller's inlining budget (the throw is in occursTwice, out of line).
 */
function once(seen: number, bit: number, message: string): number {
  if ((seen & bit) !== 0) {
    occursTwice(bit, message);
  }
  return seen | bit;
}

function occursTwice(bit: number, message: string): never {
  throw new Error(`field ${31 - Math.clz32(bit)} of ${message} occurs twice`);
}

/** Reads the current field, a message, with `read`. */
function nested<T>(r: ProtoReader, read: (r: ProtoReader) => T): T {
  const outer = r.enterField();
  const value = read(r);
  r.leave(outer);
  return value;
}

/** Reads the message at a span noted earlier (an absent one as an empty message) with `read`. */
function readAt<T>(r: ProtoReader, start: number, end: number, read: (r: ProtoReader) => T): T {
  const outer = start === ABSENT ? r.enter(0, 0) : r.enter(start, end);
  const value = read(r);
  r.leave(outer);
  return value;
}

// ---- messages whose fields are only checked ------------------------------------------

/** map<string, bytes> entries */
function checkMapEntry(r: ProtoReader): void {
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'map entry');
      r.strictString();
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'map entry');
      r.span();
    } else {
      r.skip();
    }
  }
}

/** QueryReadsMerkleSummary */
function checkMerkleSummary(r: ProtoReader): void {
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1 || n === 2) {
      seen = once(seen, 1 << n, 'QueryReadsMerkleSummary');
      r.varint();
    } else if (n === 3) {
      r.span();
    } else {
      r.skip();
    }
  }
}

/** KVMetadataWriteHash */
function checkMetadataWriteHash(r: ProtoReader): void {
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'KVMetadataWriteHash');
      r.span();
    } else if (n === 2) {
      // a KVMetadataEntry, checked as readMetadataWrite reads one (its value dropped)
      nested(r, validationParameterOf);
    } else {
      r.skip();
    }
  }
}

// ---- identities ------------------------------------------------------------------------

/** msp.SerializedIdentity */
function readIdentity(r: ProtoReader): Identity {
  let mspId = '';
  let idStart = ABSENT;
  let idEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'SerializedIdentity');
      mspId = r.strictString();
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'SerializedIdentity');
      idStart = r.span();
      idEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  return { mspId, certificatePem: idStart === ABSENT ? '' : r.recurringUtf8(idStart, idEnd) };
}

/** A SignatureHeader's creator (field 1) and nonce (field 2), as spans: [creator start, end, nonce start, end]. */
function readSignatureHeader(r: ProtoReader, found: number[]): void {
  found[0] = ABSENT;
  found[2] = ABSENT;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1 || n === 2) {
      seen = once(seen, 1 << n, 'SignatureHeader');
      found[2 * n - 2] = r.span();
      found[2 * n - 1] = r.spanEnd;
    } else {
      r.skip();
    }
  }
}

/** The identity of a signature header's creator. */
function creatorOf(r: ProtoReader, signatureHeader: number[]): Identity {
  return readAt(r, signatureHeader[0]!, signatureHeader[1]!, readIdentity);
}

// ---- blocks --------------------------------------------------------------------------------

function readMetadataSignature(r: ProtoReader, signatureHeader: number[]): DecodedBlock['ordererSignatures'][number] {
  let headerStart = ABSENT;
  let headerEnd = 0;
  let signatureStart = ABSENT;
  let signatureEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'MetadataSignature');
      headerStart = r.span();
      headerEnd = r.spanEnd;
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'MetadataSignature');
      signatureStart = r.span();
      signatureEnd = r.spanEnd;
    } else if (n === 3) {
      seen = once(seen, 1 << n, 'MetadataSignature');
      r.span();
    } else {
      r.skip();
    }
  }
  readAt(r, headerStart, headerEnd, (s) => readSignatureHeader(s, signatureHeader));
  const { mspId, certificatePem } = creatorOf(r, signatureHeader);
  return { mspId, certificatePem, signatureHeader: bytesAt(r, headerStart, headerEnd), signature: bytesAt(r, signatureStart, signatureEnd) };
}

export function readBlock(bytes: Uint8Array): ReadBlock {
  const r = new ProtoReader(bytes);
  let headerStart = ABSENT;
  let headerEnd = 0;
  let dataStart = ABSENT;
  let dataEnd = 0;
  let metadataStart = ABSENT;
  let metadataEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'Block');
      headerStart = r.span();
      headerEnd = r.spanEnd;
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'Block');
      dataStart = r.span();
      dataEnd = r.spanEnd;
    } else if (n === 3) {
      seen = once(seen, 1 << n, 'Block');
      metadataStart = r.span();
      metadataEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  let number = 0;
  let previousStart = ABSENT;
  let previousEnd = 0;
  let dataHashStart = ABSENT;
  let dataHashEnd = 0;
  let outer = headerStart === ABSENT ? r.enter(0, 0) : r.enter(headerStart, headerEnd);
  seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'BlockHeader');
      number = r.varint();
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'BlockHeader');
      previousStart = r.span();
      previousEnd = r.spanEnd;
    } else if (n === 3) {
      seen = once(seen, 1 << n, 'BlockHeader');
      dataHashStart = r.span();
      dataHashEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  r.leave(outer);
  const envelopes: Uint8Array[] = [];
  if (dataStart !== ABSENT) {
    outer = r.enter(dataStart, dataEnd);
    for (let n = r.next(); n !== 0; n = r.next()) {
      if (n === 1) {
        envelopes.push(r.bytes());
      } else {
        r.skip();
      }
    }
    r.leave(outer);
  }
  // the metadata's entries in SIGNATURES and TRANSACTIONS_FILTER (every entry checked)
  let signaturesStart = ABSENT;
  let signaturesEnd = 0;
  let filterStart = ABSENT;
  let filterEnd = 0;
  let commitStart = ABSENT;
  let commitEnd = 0;
  if (metadataStart !== ABSENT) {
    outer = r.enter(metadataStart, metadataEnd);
    let i = 0;
    for (let n = r.next(); n !== 0; n = r.next()) {
      if (n !== 1) {
        r.skip();
        continue;
      }
      const start = r.span();
      if (i === SIGNATURES) {
        signaturesStart = start;
        signaturesEnd = r.spanEnd;
      } else if (i === TRANSACTIONS_FILTER) {
        filterStart = start;
        filterEnd = r.spanEnd;
      } else if (i === COMMIT_HASH) {
        commitStart = start;
        commitEnd = r.spanEnd;
      }
      i += 1;
    }
    r.leave(outer);
  }
  if (headerStart === ABSENT) {
    throw new Error('block has no header');
  }
  let signedStart = ABSENT;
  let signedEnd = 0;
  const ordererSignatures: DecodedBlock['ordererSignatures'] = [];
  if (signaturesStart !== ABSENT && signaturesEnd > signaturesStart) {
    const signatureHeader: number[] = [ABSENT, 0, ABSENT, 0];
    outer = r.enter(signaturesStart, signaturesEnd);
    seen = 0;
    for (let n = r.next(); n !== 0; n = r.next()) {
      if (n === 1) {
        seen = once(seen, 1 << n, 'Metadata');
        signedStart = r.span();
        signedEnd = r.spanEnd;
      } else if (n === 2) {
        const o = r.enterField();
        ordererSignatures.push(readMetadataSignature(r, signatureHeader));
        r.leave(o);
      } else {
        r.skip();
      }
    }
    r.leave(outer);
  }
  const filterLength = filterStart === ABSENT ? 0 : filterEnd - filterStart;
  const validationCodes: DecodedBlock['validationCodes'] = [];
  for (let i = 0; i < envelopes.length; i++) {
    validationCodes.push(CODE_NAMES[i < filterLength ? r.byteAt(filterStart + i) : 254]!);
  }
  return {
    number,
    previousHash: bufferAt(r, previousStart, previousEnd),
    dataHash: bufferAt(r, dataHashStart, dataHashEnd),
    envelopes,
    validationCodes,
    ordererSignatures,
    signedValue: bytesAt(r, signedStart, signedEnd),
    transactionsFilter: bytesAt(r, filterStart, filterEnd),
    commitHashEntry: bytesAt(r, commitStart, commitEnd),
  };
}

// ---- read/write sets ---------------------------------------------------------------------

function readVersion(r: ProtoReader): Version {
  let block = 0;
  let tx = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'Version');
      block = r.varint();
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'Version');
      tx = r.varint();
    } else {
      r.skip();
    }
  }
  return { block, tx };
}

/** KVRead: key in field 1, version in field 2. */
function readKvRead(r: ProtoReader): { key: string; version: Version | null } {
  let key = '';
  let versionStart = ABSENT;
  let versionEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'KVRead');
      key = r.strictString();
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'KVRead');
      versionStart = r.span();
      versionEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  return { key, version: versionStart === ABSENT ? null : readAt(r, versionStart, versionEnd, readVersion) };
}

/** KVReadHash: key hash in field 1, version in field 2. */
function readKvReadHash(r: ProtoReader): CollectionRwset['hashedReads'][number] {
  let keyStart = ABSENT;
  let keyEnd = 0;
  let versionStart = ABSENT;
  let versionEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'KVReadHash');
      keyStart = r.span();
      keyEnd = r.spanEnd;
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'KVReadHash');
      versionStart = r.span();
      versionEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  const version = versionStart === ABSENT ? null : readAt(r, versionStart, versionEnd, readVersion);
  return { keyHash: bufferAt(r, keyStart, keyEnd), version };
}

/** RangeQueryInfo's oneof: raw reads (field 4) or a merkle summary (field 5), of which Fabric writes one */
const RAW_AND_MERKLE = (1 << 4) | (1 << 5);

function readRangeQuery(r: ProtoReader): NamespaceRwset['rangeQueries'][number] {
  let startKey = '';
  let endKey = '';
  let exhausted = false;
  let rawStart = ABSENT;
  let rawEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'RangeQueryInfo');
      startKey = r.strictString();
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'RangeQueryInfo');
      endKey = r.strictString();
    } else if (n === 3) {
      seen = once(seen, 1 << n, 'RangeQueryInfo');
      exhausted = r.varint() !== 0;
    } else if (n === 4) {
      seen = once(seen, 1 << n, 'RangeQueryInfo');
      rawStart = r.span();
      rawEnd = r.spanEnd;
    } else if (n === 5) {
      seen = once(seen, 1 << n, 'RangeQueryInfo');
      nested(r, checkMerkleSummary);
    } else {
      r.skip();
    }
  }
  if ((seen & RAW_AND_MERKLE) === RAW_AND_MERKLE) {
    // as for a field that occurs twice: Go keeps the last of the two, google-protobuf parses both
    throw new Error('fields 4 and 5 of RangeQueryInfo, a oneof, both occur');
  }
  const reads: { key: string; version: Version | null }[] = [];
  if (rawStart !== ABSENT) {
    const outer = r.enter(rawStart, rawEnd);
    for (let n = r.next(); n !== 0; n = r.next()) {
      if (n === 1) {
        reads.push(nested(r, readKvRead));
      } else {
        r.skip();
      }
    }
    r.leave(outer);
  }
  return { startKey, endKey, exhausted, reads };
}

function readKvWrite(r: ProtoReader): NamespaceRwset['writes'][number] {
  let key = '';
  let isDelete = false;
  let valueStart = ABSENT;
  let valueEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'KVWrite');
      key = r.strictString();
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'KVWrite');
      isDelete = r.varint() !== 0;
    } else if (n === 3) {
      seen = once(seen, 1 << n, 'KVWrite');
      valueStart = r.span();
      valueEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  return { key, value: isDelete ? null : bytesAt(r, valueStart, valueEnd) };
}

/** A KVMetadataEntry named VALIDATION_PARAMETER's value, or null for an entry of another name. */
function validationParameterOf(r: ProtoReader): Uint8Array | null {
  let name = '';
  let valueStart = ABSENT;
  let valueEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'KVMetadataEntry');
      name = r.strictString();
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'KVMetadataEntry');
      valueStart = r.span();
      valueEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  return name === VALIDATION_PARAMETER ? bytesAt(r, valueStart, valueEnd) : null;
}

function readMetadataWrite(r: ProtoReader): NamespaceRwset['metadataWrites'][number] {
  let key = '';
  let validationParameter: Uint8Array | null = null;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'KVMetadataWrite');
      key = r.strictString();
    } else if (n === 2) {
      const value = nested(r, validationParameterOf);
      // the first entry of that name, as decodeEnvelope's find()
      validationParameter ??= value;
    } else {
      r.skip();
    }
  }
  return { key, validationParameter };
}

/** KVRWSet, into the namespace's read/write set. */
function readKvRwset(r: ProtoReader, rwset: NamespaceRwset): void {
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      rwset.reads.push(nested(r, readKvRead));
    } else if (n === 2) {
      rwset.rangeQueries.push(nested(r, readRangeQuery));
    } else if (n === 3) {
      rwset.writes.push(nested(r, readKvWrite));
    } else if (n === 4) {
      rwset.metadataWrites.push(nested(r, readMetadataWrite));
    } else {
      r.skip();
    }
  }
}

function readKvWriteHash(r: ProtoReader): CollectionRwset['hashedWrites'][number] {
  let keyStart = ABSENT;
  let keyEnd = 0;
  let isDelete = false;
  let valueStart = ABSENT;
  let valueEnd = 0;
  let isPurge = false;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'KVWriteHash');
      keyStart = r.span();
      keyEnd = r.spanEnd;
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'KVWriteHash');
      isDelete = r.varint() !== 0;
    } else if (n === 3) {
      seen = once(seen, 1 << n, 'KVWriteHash');
      valueStart = r.span();
      valueEnd = r.spanEnd;
    } else if (n === 4) {
      seen = once(seen, 1 << n, 'KVWriteHash');
      isPurge = r.varint() !== 0;
    } else {
      r.skip();
    }
  }
  return { keyHash: bufferAt(r, keyStart, keyEnd), valueHash: valueStart !== ABSENT && valueEnd > valueStart ? r.bufferView(valueStart, valueEnd) : null, isDelete, isPurge };
}

/** CollectionHashedReadWriteSet */
function readCollection(r: ProtoReader): CollectionRwset {
  let collection = '';
  let hashedStart = ABSENT;
  let hashedEnd = 0;
  let hashStart = ABSENT;
  let hashEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'CollectionHashedReadWriteSet');
      collection = r.strictString();
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'CollectionHashedReadWriteSet');
      hashedStart = r.span();
      hashedEnd = r.spanEnd;
    } else if (n === 3) {
      seen = once(seen, 1 << n, 'CollectionHashedReadWriteSet');
      hashStart = r.span();
      hashEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  const c: CollectionRwset = { collection, hashedReads: [], hashedWrites: [], pvtRwsetHash: bufferAt(r, hashStart, hashEnd) };
  if (hashedStart !== ABSENT) {
    const outer = r.enter(hashedStart, hashedEnd);
    for (let n = r.next(); n !== 0; n = r.next()) {
      if (n === 1) {
        c.hashedReads.push(nested(r, readKvReadHash));
      } else if (n === 2) {
        c.hashedWrites.push(nested(r, readKvWriteHash));
      } else if (n === 3) {
        nested(r, checkMetadataWriteHash);
      } else {
        r.skip();
      }
    }
    r.leave(outer);
  }
  return c;
}

const emptyRwset = (): NamespaceRwset => ({ reads: [], rangeQueries: [], writes: [], metadataWrites: [], collections: [] });

/** NsReadWriteSet: the namespace, its KVRWSet and its collections' hashed read/write sets. */
function readNamespace(r: ProtoReader): DecodedTransaction['namespaces'][number] {
  const rwset = emptyRwset();
  let namespace = '';
  let kvStart = ABSENT;
  let kvEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'NsReadWriteSet');
      namespace = r.strictString();
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'NsReadWriteSet');
      kvStart = r.span();
      kvEnd = r.spanEnd;
    } else if (n === 3) {
      rwset.collections.push(nested(r, readCollection));
    } else {
      r.skip();
    }
  }
  if (kvStart !== ABSENT) {
    const outer = r.enter(kvStart, kvEnd);
    readKvRwset(r, rwset);
    r.leave(outer);
  }
  return { namespace, rwset };
}

// ---- envelopes ---------------------------------------------------------------------------

/** A ChaincodeID's name (field 2), its other fields checked. */
function chaincodeName(r: ProtoReader): string {
  let name = '';
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 2) {
      seen = once(seen, 1 << n, 'ChaincodeID');
      name = r.strictString();
    } else if (n === 1 || n === 3) {
      seen = once(seen, 1 << n, 'ChaincodeID');
      r.strictString();
    } else {
      r.skip();
    }
  }
  return name;
}


/** ChannelHeader: type, timestamp, channel and transaction id; version, epoch, extension and TLS certificate hash checked. */
function readChannelHeader(r: ProtoReader): { headerType: number; channelId: string; transactionId: string; timestamp: Date } {
  let headerType = 0;
  let channelId = '';
  let transactionId = '';
  let timestampStart = ABSENT;
  let timestampEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'ChannelHeader');
      headerType = r.int32();
    } else if (n === 3) {
      seen = once(seen, 1 << n, 'ChannelHeader');
      timestampStart = r.span();
      timestampEnd = r.spanEnd;
    } else if (n === 4) {
      seen = once(seen, 1 << n, 'ChannelHeader');
      channelId = r.strictString();
    } else if (n === 5) {
      seen = once(seen, 1 << n, 'ChannelHeader');
      transactionId = r.strictString();
    } else if (n === 2 || n === 6) {
      seen = once(seen, 1 << n, 'ChannelHeader');
      r.varint();
    } else if (n === 7 || n === 8) {
      seen = once(seen, 1 << n, 'ChannelHeader');
      r.span();
    } else {
      r.skip();
    }
  }
  return { headerType, channelId, transactionId, timestamp: timestampStart === ABSENT ? new Date(0) : readAt(r, timestampStart, timestampEnd, readTimestamp) };
}

/**
 * ChaincodeProposalPayload → ChaincodeInvocationSpec → ChaincodeSpec: the
 * chaincode id's name, and the spans of the input's arguments (start, end,
 * start, end, …) into `args`.
 */
function readProposalPayload(r: ProtoReader, args: number[]): string | undefined {
  let inputStart = ABSENT;
  let inputEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'ChaincodeProposalPayload');
      inputStart = r.span();
      inputEnd = r.spanEnd;
    } else if (n === 2) {
      nested(r, checkMapEntry);
    } else {
      r.skip();
    }
  }
  if (inputStart === ABSENT) {
    return undefined;
  }
  let specStart = ABSENT;
  let specEnd = 0;
  const outer = r.enter(inputStart, inputEnd);
  seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'ChaincodeInvocationSpec');
      specStart = r.span();
      specEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  if (specStart === ABSENT) {
    r.leave(outer);
    return undefined;
  }
  let chaincode: string | undefined;
  let chaincodeInputStart = ABSENT;
  let chaincodeInputEnd = 0;
  r.enter(specStart, specEnd);
  seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 2) {
      seen = once(seen, 1 << n, 'ChaincodeSpec');
      chaincode = nested(r, chaincodeName);
    } else if (n === 3) {
      seen = once(seen, 1 << n, 'ChaincodeSpec');
      chaincodeInputStart = r.span();
      chaincodeInputEnd = r.spanEnd;
    } else if (n === 1 || n === 4) {
      seen = once(seen, 1 << n, 'ChaincodeSpec');
      r.varint();
    } else {
      r.skip();
    }
  }
  if (chaincodeInputStart !== ABSENT) {
    r.enter(chaincodeInputStart, chaincodeInputEnd);
    seen = 0;
    for (let n = r.next(); n !== 0; n = r.next()) {
      if (n === 1) {
        args.push(r.span(), r.spanEnd);
      } else if (n === 2) {
        nested(r, checkMapEntry);
      } else if (n === 3) {
        seen = once(seen, 1 << n, 'ChaincodeInput');
        r.varint();
      } else {
        r.skip();
      }
    }
  }
  r.leave(outer);
  return chaincode;
}

/** An Endorsement: the endorser's identity, its serialized identity and its signature. */
function readEndorsement(r: ProtoReader): DecodedTransaction['endorsements'][number] {
  let endorserStart = ABSENT;
  let endorserEnd = 0;
  let signatureStart = ABSENT;
  let signatureEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'Endorsement');
      endorserStart = r.span();
      endorserEnd = r.spanEnd;
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'Endorsement');
      signatureStart = r.span();
      signatureEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  const identity = readAt(r, endorserStart, endorserEnd, readIdentity);
  return { mspId: identity.mspId, certificatePem: identity.certificatePem, endorser: bytesAt(r, endorserStart, endorserEnd), signature: bytesAt(r, signatureStart, signatureEnd) };
}

/** ChaincodeEvent: its name and payload; chaincode and transaction id checked. */
function readEvent(r: ProtoReader): NonNullable<DecodedTransaction['event']> {
  let name = '';
  let payloadStart = ABSENT;
  let payloadEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 3) {
      seen = once(seen, 1 << n, 'ChaincodeEvent');
      name = r.strictString();
    } else if (n === 4) {
      seen = once(seen, 1 << n, 'ChaincodeEvent');
      payloadStart = r.span();
      payloadEnd = r.spanEnd;
    } else if (n === 1 || n === 2) {
      seen = once(seen, 1 << n, 'ChaincodeEvent');
      r.strictString();
    } else {
      r.skip();
    }
  }
  return { name, payload: bytesAt(r, payloadStart, payloadEnd) };
}

function readResponse(r: ProtoReader): DecodedTransaction['response'] {
  let status = 0;
  let message = '';
  let payloadStart = ABSENT;
  let payloadEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'Response');
      status = r.int32();
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'Response');
      message = r.strictString();
    } else if (n === 3) {
      seen = once(seen, 1 << n, 'Response');
      payloadStart = r.span();
      payloadEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  return { status, message, payload: bytesAt(r, payloadStart, payloadEnd) };
}

/** A TransactionAction's payload (field 2; its header, field 1, checked), or an empty span when it has none: [start, end]. */
function readTransactionAction(r: ProtoReader, found: number[]): void {
  let payloadStart = ABSENT;
  let payloadEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 2) {
      seen = once(seen, 1 << n, 'TransactionAction');
      payloadStart = r.span();
      payloadEnd = r.spanEnd;
    } else if (n === 1) {
      seen = once(seen, 1 << n, 'TransactionAction');
      r.span();
    } else {
      r.skip();
    }
  }
  found[0] = payloadStart === ABSENT ? 0 : payloadStart;
  found[1] = payloadStart === ABSENT ? 0 : payloadEnd;
}

/** Decodes an envelope as decodeEnvelope does; throws on anything malformed (the caller marks it invalid). */
export function readEnvelope(envelopeBytes: Uint8Array): ReadTransaction {
  const r = new ProtoReader(envelopeBytes);
  let payloadStart = ABSENT;
  let payloadEnd = 0;
  let signatureStart = ABSENT;
  let signatureEnd = 0;
  let seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'Envelope');
      payloadStart = r.span();
      payloadEnd = r.spanEnd;
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'Envelope');
      signatureStart = r.span();
      signatureEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  let headerStart = ABSENT;
  let headerEnd = 0;
  let dataStart = ABSENT;
  let dataEnd = 0;
  let outer = payloadStart === ABSENT ? r.enter(0, 0) : r.enter(payloadStart, payloadEnd);
  seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'Payload');
      headerStart = r.span();
      headerEnd = r.spanEnd;
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'Payload');
      dataStart = r.span();
      dataEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  r.leave(outer);
  let channelHeaderStart = ABSENT;
  let channelHeaderEnd = 0;
  const signatureHeader: number[] = [ABSENT, 0, ABSENT, 0];
  let signatureHeaderStart = ABSENT;
  let signatureHeaderEnd = 0;
  if (headerStart === ABSENT) {
    throw new Error('envelope has no header');
  }
  outer = r.enter(headerStart, headerEnd);
  seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'Header');
      channelHeaderStart = r.span();
      channelHeaderEnd = r.spanEnd;
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'Header');
      signatureHeaderStart = r.span();
      signatureHeaderEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  r.leave(outer);
  readAt(r, signatureHeaderStart, signatureHeaderEnd, (s) => readSignatureHeader(s, signatureHeader));
  const { headerType, channelId, transactionId, timestamp } = readAt(r, channelHeaderStart, channelHeaderEnd, readChannelHeader);
  const header: EnvelopeHeader = {
    headerType,
    channelId,
    transactionId,
    timestamp,
    creator: creatorOf(r, signatureHeader),
    payloadBytes: bytesAt(r, payloadStart, payloadEnd),
    signature: bytesAt(r, signatureStart, signatureEnd),
    creatorBytes: bytesAt(r, signatureHeader[0]!, signatureHeader[1]!),
    nonce: bytesAt(r, signatureHeader[2]!, signatureHeader[3]!),
  };
  if (header.headerType !== ENDORSER_TRANSACTION) {
    return transactionOf(header, '', () => [], {
      proposalResponsePayload: EMPTY,
      endorsements: [],
      rwset: emptyRwset(),
      namespaces: [],
      event: null,
      response: { status: 0, message: '', payload: EMPTY },
    });
  }
  // peer.Transaction: every TransactionAction (header, payload); the first one's payload is a ChaincodeActionPayload
  const action: number[] = [ABSENT, 0];
  const each: number[] = [0, 0];
  if (dataStart !== ABSENT) {
    outer = r.enter(dataStart, dataEnd);
    for (let n = r.next(); n !== 0; n = r.next()) {
      if (n !== 1) {
        r.skip();
        continue;
      }
      const o = r.enterField();
      readTransactionAction(r, each);
      r.leave(o);
      if (action[0] === ABSENT) {
        action[0] = each[0]!;
        action[1] = each[1]!;
      }
    }
    r.leave(outer);
  }
  if (action[0] === ABSENT) {
    throw new Error('transaction has no action');
  }
  // ChaincodeActionPayload: the proposal's payload and the endorsed action
  let proposalStart = ABSENT;
  let proposalEnd = 0;
  let endorsedStart = ABSENT;
  let endorsedEnd = 0;
  outer = r.enter(action[0]!, action[1]!);
  seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'ChaincodeActionPayload');
      proposalStart = r.span();
      proposalEnd = r.spanEnd;
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'ChaincodeActionPayload');
      endorsedStart = r.span();
      endorsedEnd = r.spanEnd;
    } else {
      r.skip();
    }
  }
  r.leave(outer);
  const argSpans: number[] = [];
  const proposalChaincode = readAt(r, proposalStart, proposalEnd, (s) => readProposalPayload(s, argSpans));
  let responsePayloadStart = ABSENT;
  let responsePayloadEnd = 0;
  const endorsements: DecodedTransaction['endorsements'] = [];
  if (endorsedStart === ABSENT) {
    throw new Error('transaction has no endorsed action');
  }
  outer = r.enter(endorsedStart, endorsedEnd);
  seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'ChaincodeEndorsedAction');
      responsePayloadStart = r.span();
      responsePayloadEnd = r.spanEnd;
    } else if (n === 2) {
      endorsements.push(nested(r, readEndorsement));
    } else {
      r.skip();
    }
  }
  r.leave(outer);
  // ProposalResponsePayload.extension → ChaincodeAction
  let extensionStart = ABSENT;
  let extensionEnd = 0;
  outer = responsePayloadStart === ABSENT ? r.enter(0, 0) : r.enter(responsePayloadStart, responsePayloadEnd);
  seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 2) {
      seen = once(seen, 1 << n, 'ProposalResponsePayload');
      extensionStart = r.span();
      extensionEnd = r.spanEnd;
    } else if (n === 1) {
      seen = once(seen, 1 << n, 'ProposalResponsePayload');
      r.span();
    } else {
      r.skip();
    }
  }
  r.leave(outer);
  let resultsStart = ABSENT;
  let resultsEnd = 0;
  let eventsStart = ABSENT;
  let eventsEnd = 0;
  let responseStart = ABSENT;
  let responseEnd = 0;
  let actionChaincode: string | undefined;
  outer = extensionStart === ABSENT ? r.enter(0, 0) : r.enter(extensionStart, extensionEnd);
  seen = 0;
  for (let n = r.next(); n !== 0; n = r.next()) {
    if (n === 1) {
      seen = once(seen, 1 << n, 'ChaincodeAction');
      resultsStart = r.span();
      resultsEnd = r.spanEnd;
    } else if (n === 2) {
      seen = once(seen, 1 << n, 'ChaincodeAction');
      eventsStart = r.span();
      eventsEnd = r.spanEnd;
    } else if (n === 3) {
      seen = once(seen, 1 << n, 'ChaincodeAction');
      responseStart = r.span();
      responseEnd = r.spanEnd;
    } else if (n === 4) {
      seen = once(seen, 1 << n, 'ChaincodeAction');
      actionChaincode = nested(r, chaincodeName);
    } else {
      r.skip();
    }
  }
  r.leave(outer);
  // TxReadWriteSet: its namespaces (its data model checked)
  const namespaces: DecodedTransaction['namespaces'] = [];
  if (resultsStart !== ABSENT) {
    outer = r.enter(resultsStart, resultsEnd);
    seen = 0;
    for (let n = r.next(); n !== 0; n = r.next()) {
      if (n === 2) {
        namespaces.push(nested(r, readNamespace));
      } else if (n === 1) {
        seen = once(seen, 1 << n, 'TxReadWriteSet');
        r.varint();
      } else {
        r.skip();
      }
    }
    r.leave(outer);
  }
  // The invoked chaincode: the proposal's, else the endorsed action's, else a transaction's only namespace.
  const chaincode = proposalChaincode || actionChaincode || (namespaces.length === 1 ? namespaces[0]!.namespace : '');
  const event = eventsStart !== ABSENT && eventsEnd > eventsStart ? readAt(r, eventsStart, eventsEnd, readEvent) : null;
  const response = readAt(r, responseStart, responseEnd, readResponse);
  let args: string[] | undefined;
  let rwset: NamespaceRwset | undefined;
  for (const ns of namespaces) {
    if (ns.namespace === chaincode) {
      rwset = ns.rwset;
      break;
    }
  }
  // the arguments are decoded to text when asked for: the auditor does not read them
  const argsOf = (): string[] => {
    if (args === undefined) {
      args = [];
      for (let i = 0; i < argSpans.length; i += 2) {
        args.push(r.utf8(argSpans[i]!, argSpans[i + 1]!));
      }
    }
    return args;
  };
  return transactionOf(header, chaincode, argsOf, {
    proposalResponsePayload: bytesAt(r, responsePayloadStart, responsePayloadEnd),
    endorsements,
    rwset: rwset ?? emptyRwset(),
    namespaces,
    event,
    response,
  });
}

/** An envelope's headers and signature, as a transaction carries them. */
type EnvelopeHeader = Pick<ReadTransaction, 'headerType' | 'channelId' | 'transactionId' | 'timestamp' | 'creator' | 'payloadBytes' | 'signature' | 'creatorBytes' | 'nonce'>;

/**
 * A transaction from its envelope's headers and what its endorsed action
 * holds, written out field by field: spreading the headers into the result
 * cost more than the rest of the envelope's decoding.
 */
function transactionOf(
  h: EnvelopeHeader,
  chaincode: string,
  args: () => string[],
  action: Pick<ReadTransaction, 'proposalResponsePayload' | 'endorsements' | 'rwset' | 'namespaces' | 'event' | 'response'>,
): ReadTransaction {
  return {
    headerType: h.headerType,
    channelId: h.channelId,
    transactionId: h.transactionId,
    timestamp: h.timestamp,
    creator: h.creator,
    payloadBytes: h.payloadBytes,
    signature: h.signature,
    creatorBytes: h.creatorBytes,
    nonce: h.nonce,
    chaincode,
    get args(): string[] {
      return args();
    },
    proposalResponsePayload: action.proposalResponsePayload,
    endorsements: action.endorsements,
    rwset: action.rwset,
    namespaces: action.namespaces,
    event: action.event,
    response: action.response,
  };
}
