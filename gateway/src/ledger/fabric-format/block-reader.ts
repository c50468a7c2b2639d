/**
 * Blocks and envelopes read straight from their wire bytes (proto-reader.ts)
 * into the same DecodedBlock and DecodedTransaction that decodeBlock and
 * decodeEnvelope build through google-protobuf's message objects, at a
 * fraction of the cost: the auditor reads every block of the ledger. Bytes
 * fields are views into the block, not copies.
 *
 * It refuses what they refuse: every field the messages define is read with
 * its type (a field of the wrong wire type, a truncated or malformed message
 * throws, in the messages decodeEnvelope does not use as well); unknown
 * fields are skipped, a field that occurs twice keeps its last value and a
 * repeated field keeps every value. String fields must be UTF-8, as Go's
 * protobuf (Fabric's) demands, where google-protobuf reads some invalid
 * bytes as other text. The unit tests compare both decoders field by field
 * on real ledgers and on damaged envelopes.
 */
import { isUtf8 } from 'node:buffer';
import { validationCodeName, type DecodedBlock } from './block';
import { ProtoReader } from './proto-reader';
import { VALIDATION_PARAMETER, type CollectionRwset, type DecodedTransaction, type NamespaceRwset } from './transaction';

/** common.HeaderType.ENDORSER_TRANSACTION */
const ENDORSER_TRANSACTION = 3;
/** common.BlockMetadataIndex */
const SIGNATURES = 0;
const TRANSACTIONS_FILTER = 2;

export interface ReadBlock extends DecodedBlock {
  /** the value of the SIGNATURES metadata, which the orderer signs with the signature header and the block header */
  signedValue: Uint8Array;
}

export interface ReadTransaction extends DecodedTransaction {
  /** the signature header's creator bytes and nonce, from which the transaction id derives */
  creatorBytes: Uint8Array;
  nonce: Uint8Array;
}

type Version = { block: number; tx: number };

const EMPTY: Uint8Array = new Uint8Array();
/** validationCodeName of every filter byte, looked up once */
const CODE_NAMES = Array.from({ length: 256 }, (_, i) => validationCodeName(i));
const buffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const utf8 = (b: Uint8Array): string => buffer(b).toString('utf8');

/** A string field, which must be UTF-8 (as Go's protobuf demands; google-protobuf reads some invalid bytes as other text, and throws on others). */
function text(r: ProtoReader): string {
  const b = r.bytes();
  if (!isUtf8(b)) {
    throw new Error('protobuf string field is not UTF-8');
  }
  return utf8(b);
}

/** Calls `field` with each field number of a message; `field` reads (or skips) the field's value. */
function eachField(bytes: Uint8Array, field: (n: number, r: ProtoReader) => void): void {
  const r = new ProtoReader(bytes);
  for (let n = r.next(); n !== 0; n = r.next()) {
    field(n, r);
  }
}

/** The wire types of a message's fields whose values are not used: read, so that a malformed one throws. */
type Kind = 'varint' | 'bytes' | 'text' | ((bytes: Uint8Array) => void);

function check(r: ProtoReader, kind: Kind | undefined): void {
  if (kind === undefined) {
    r.skip();
  } else if (kind === 'varint') {
    r.varint();
  } else if (kind === 'bytes') {
    r.bytes();
  } else if (kind === 'text') {
    text(r);
  } else {
    kind(r.bytes());
  }
}

/** A message whose fields are only checked. */
const message =
  (kinds: Record<number, Kind>) =>
  (bytes: Uint8Array): void =>
    eachField(bytes, (n, r) => check(r, kinds[n]));

/** map<string, bytes> entries (and KVMetadataEntry), QueryReadsMerkleSummary, KVMetadataWriteHash */
const mapEntry = message({ 1: 'text', 2: 'bytes' });
const merkleSummary = message({ 1: 'varint', 2: 'varint', 3: 'bytes' });
const metadataWriteHash = message({ 1: 'bytes', 2: mapEntry });

function readIdentity(bytes: Uint8Array): { mspId: string; certificatePem: string } {
  let mspId = '';
  let id = EMPTY;
  eachField(bytes, (n, r) => (n === 1 ? (mspId = text(r)) : n === 2 ? (id = r.bytes()) : r.skip()));
  return { mspId, certificatePem: utf8(id) };
}

function readSignatureHeader(bytes: Uint8Array): { creator: Uint8Array; nonce: Uint8Array } {
  let creator = EMPTY;
  let nonce = EMPTY;
  eachField(bytes, (n, r) => (n === 1 ? (creator = r.bytes()) : n === 2 ? (nonce = r.bytes()) : r.skip()));
  return { creator, nonce };
}

export function readBlock(bytes: Uint8Array): ReadBlock {
  let header: Uint8Array | undefined;
  let data = EMPTY;
  let metadataMessage = EMPTY;
  eachField(bytes, (n, r) => (n === 1 ? (header = r.bytes()) : n === 2 ? (data = r.bytes()) : n === 3 ? (metadataMessage = r.bytes()) : r.skip()));
  let number = 0;
  let previousHash = EMPTY;
  let dataHash = EMPTY;
  eachField(header ?? EMPTY, (n, r) => (n === 1 ? (number = r.varint()) : n === 2 ? (previousHash = r.bytes()) : n === 3 ? (dataHash = r.bytes()) : r.skip()));
  const envelopes: Uint8Array[] = [];
  eachField(data, (n, r) => (n === 1 ? envelopes.push(r.bytes()) : r.skip()));
  const metadata: Uint8Array[] = [];
  eachField(metadataMessage, (n, r) => (n === 1 ? metadata.push(r.bytes()) : r.skip()));
  if (!header) {
    throw new Error('block has no header');
  }
  const filter = metadata[TRANSACTIONS_FILTER] ?? EMPTY;
  let signedValue = EMPTY;
  const ordererSignatures: DecodedBlock['ordererSignatures'] = [];
  const signatures = metadata[SIGNATURES];
  if (signatures && signatures.length > 0) {
    eachField(signatures, (n, r) => {
      if (n === 1) {
        signedValue = r.bytes();
      } else if (n === 2) {
        let signatureHeader = EMPTY;
        let signature = EMPTY;
        eachField(r.bytes(), (m, s) => (m === 1 ? (signatureHeader = s.bytes()) : m === 2 ? (signature = s.bytes()) : check(s, m === 3 ? 'bytes' : undefined)));
        ordererSignatures.push({ ...readIdentity(readSignatureHeader(signatureHeader).creator), signatureHeader, signature });
      } else {
        r.skip();
      }
    });
  }
  return {
    number,
    previousHash: buffer(previousHash),
    dataHash: buffer(dataHash),
    envelopes,
    validationCodes: envelopes.map((_, i) => CODE_NAMES[filter[i] ?? 254]!),
    ordererSignatures,
    signedValue,
  };
}

function readVersion(bytes: Uint8Array): Version {
  let block = 0;
  let tx = 0;
  eachField(bytes, (n, r) => (n === 1 ? (block = r.varint()) : n === 2 ? (tx = r.varint()) : r.skip()));
  return { block, tx };
}

/** KVRead and KVReadHash alike: key (or key hash) in field 1, version in field 2. */
function readKeyRead<K>(bytes: Uint8Array, key: (r: ProtoReader) => K, empty: K): { key: K; version: Version | null } {
  let k = empty;
  let version: Uint8Array | undefined;
  eachField(bytes, (n, r) => (n === 1 ? (k = key(r)) : n === 2 ? (version = r.bytes()) : r.skip()));
  return { key: k, version: version ? readVersion(version) : null };
}

const readKvRead = (bytes: Uint8Array): { key: string; version: Version | null } => readKeyRead(bytes, text, '');

function readRangeQuery(bytes: Uint8Array): NamespaceRwset['rangeQueries'][number] {
  let startKey = '';
  let endKey = '';
  let exhausted = false;
  // a oneof: raw reads (4) or a merkle summary (5), the last one read wins
  let rawReads: Uint8Array | undefined;
  eachField(bytes, (n, r) => {
    if (n === 1) {
      startKey = text(r);
    } else if (n === 2) {
      endKey = text(r);
    } else if (n === 3) {
      exhausted = r.varint() !== 0;
    } else if (n === 4) {
      rawReads = r.bytes();
    } else if (n === 5) {
      merkleSummary(r.bytes());
      rawReads = undefined;
    } else {
      r.skip();
    }
  });
  const reads: { key: string; version: Version | null }[] = [];
  eachField(rawReads ?? EMPTY, (n, r) => (n === 1 ? reads.push(readKvRead(r.bytes())) : r.skip()));
  return { startKey, endKey, exhausted, reads };
}

function readMetadataWrite(bytes: Uint8Array): NamespaceRwset['metadataWrites'][number] {
  let key = '';
  let validationParameter: Uint8Array | null = null;
  eachField(bytes, (n, r) => {
    if (n === 1) {
      key = text(r);
    } else if (n === 2) {
      let name = '';
      let value = EMPTY;
      eachField(r.bytes(), (m, e) => (m === 1 ? (name = text(e)) : m === 2 ? (value = e.bytes()) : e.skip()));
      // the first entry of that name, as decodeEnvelope's find()
      if (name === VALIDATION_PARAMETER && validationParameter === null) {
        validationParameter = value;
      }
    } else {
      r.skip();
    }
  });
  return { key, validationParameter };
}

function readKvRwset(bytes: Uint8Array, rwset: NamespaceRwset): void {
  eachField(bytes, (n, r) => {
    if (n === 1) {
      rwset.reads.push(readKvRead(r.bytes()));
    } else if (n === 2) {
      rwset.rangeQueries.push(readRangeQuery(r.bytes()));
    } else if (n === 3) {
      let key = '';
      let isDelete = false;
      let value = EMPTY;
      eachField(r.bytes(), (m, w) => (m === 1 ? (key = text(w)) : m === 2 ? (isDelete = w.varint() !== 0) : m === 3 ? (value = w.bytes()) : w.skip()));
      rwset.writes.push({ key, value: isDelete ? null : value });
    } else if (n === 4) {
      rwset.metadataWrites.push(readMetadataWrite(r.bytes()));
    } else {
      r.skip();
    }
  });
}

function readCollection(bytes: Uint8Array): CollectionRwset {
  let collection = '';
  let hashed = EMPTY;
  let pvtRwsetHash = EMPTY;
  eachField(bytes, (n, r) => (n === 1 ? (collection = text(r)) : n === 2 ? (hashed = r.bytes()) : n === 3 ? (pvtRwsetHash = r.bytes()) : r.skip()));
  const c: CollectionRwset = { collection, hashedReads: [], hashedWrites: [], pvtRwsetHash: buffer(pvtRwsetHash) };
  eachField(hashed, (n, r) => {
    if (n === 1) {
      const read = readKeyRead(r.bytes(), (k) => k.bytes(), EMPTY);
      c.hashedReads.push({ keyHash: buffer(read.key), version: read.version });
    } else if (n === 2) {
      let keyHash = EMPTY;
      let isDelete = false;
      let valueHash = EMPTY;
      let isPurge = false;
      eachField(r.bytes(), (m, w) => {
        if (m === 1) {
          keyHash = w.bytes();
        } else if (m === 2) {
          isDelete = w.varint() !== 0;
        } else if (m === 3) {
          valueHash = w.bytes();
        } else if (m === 4) {
          isPurge = w.varint() !== 0;
        } else {
          w.skip();
        }
      });
      c.hashedWrites.push({ keyHash: buffer(keyHash), valueHash: valueHash.length > 0 ? buffer(valueHash) : null, isDelete, isPurge });
    } else if (n === 3) {
      metadataWriteHash(r.bytes());
    } else {
      r.skip();
    }
  });
  return c;
}

const emptyRwset = (): NamespaceRwset => ({ reads: [], rangeQueries: [], writes: [], metadataWrites: [], collections: [] });

/** A ChaincodeID's name (field 2), its other fields checked. */
function chaincodeName(bytes: Uint8Array): string {
  let name = '';
  eachField(bytes, (n, r) => (n === 2 ? (name = text(r)) : check(r, n === 1 || n === 3 ? 'text' : undefined)));
  return name;
}

/** ChannelHeader: type, timestamp, channel and transaction id; version, epoch, extension and TLS certificate hash checked. */
function readChannelHeader(bytes: Uint8Array): { headerType: number; channelId: string; transactionId: string; timestamp: Date } {
  let headerType = 0;
  let channelId = '';
  let transactionId = '';
  let timestamp: Uint8Array | undefined;
  eachField(bytes, (n, r) => {
    if (n === 1) {
      headerType = r.varint();
    } else if (n === 3) {
      timestamp = r.bytes();
    } else if (n === 4) {
      channelId = text(r);
    } else if (n === 5) {
      transactionId = text(r);
    } else {
      check(r, n === 2 || n === 6 ? 'varint' : n === 7 || n === 8 ? 'bytes' : undefined);
    }
  });
  let seconds = 0;
  let nanos = 0;
  eachField(timestamp ?? EMPTY, (n, r) => (n === 1 ? (seconds = r.varint()) : n === 2 ? (nanos = r.varint()) : r.skip()));
  return { headerType, channelId, transactionId, timestamp: timestamp ? new Date(seconds * 1000 + nanos / 1000000) : new Date(0) };
}

/** ChaincodeProposalPayload → ChaincodeInvocationSpec → ChaincodeSpec: the chaincode id's name and the input's arguments (as bytes). */
function readProposalPayload(bytes: Uint8Array): { chaincode: string | undefined; args: Uint8Array[] } {
  let input = EMPTY;
  eachField(bytes, (n, r) => (n === 1 ? (input = r.bytes()) : check(r, n === 2 ? mapEntry : undefined)));
  let spec = EMPTY;
  eachField(input, (n, r) => (n === 1 ? (spec = r.bytes()) : r.skip()));
  let chaincode: string | undefined;
  let chaincodeInput = EMPTY;
  eachField(spec, (n, r) => (n === 2 ? (chaincode = chaincodeName(r.bytes())) : n === 3 ? (chaincodeInput = r.bytes()) : check(r, n === 1 || n === 4 ? 'varint' : undefined)));
  const args: Uint8Array[] = [];
  eachField(chaincodeInput, (n, r) => (n === 1 ? args.push(r.bytes()) : check(r, n === 2 ? mapEntry : n === 3 ? 'varint' : undefined)));
  return { chaincode, args };
}

/** Decodes an envelope as decodeEnvelope does; throws on anything malformed (the caller marks it invalid). */
export function readEnvelope(envelopeBytes: Uint8Array): ReadTransaction {
  let payloadBytes = EMPTY;
  let signature = EMPTY;
  eachField(envelopeBytes, (n, r) => (n === 1 ? (payloadBytes = r.bytes()) : n === 2 ? (signature = r.bytes()) : r.skip()));
  let header: Uint8Array | undefined;
  let data = EMPTY;
  eachField(payloadBytes, (n, r) => (n === 1 ? (header = r.bytes()) : n === 2 ? (data = r.bytes()) : r.skip()));
  let channelHeader = EMPTY;
  let signatureHeader = EMPTY;
  eachField(header ?? EMPTY, (n, r) => (n === 1 ? (channelHeader = r.bytes()) : n === 2 ? (signatureHeader = r.bytes()) : r.skip()));
  if (!header) {
    throw new Error('envelope has no header');
  }
  const sh = readSignatureHeader(signatureHeader);
  const base = {
    ...readChannelHeader(channelHeader),
    creator: readIdentity(sh.creator),
    payloadBytes,
    signature,
    creatorBytes: sh.creator,
    nonce: sh.nonce,
  };
  if (base.headerType !== ENDORSER_TRANSACTION) {
    return {
      ...base,
      chaincode: '',
      args: [],
      proposalResponsePayload: EMPTY,
      endorsements: [],
      rwset: emptyRwset(),
      namespaces: [],
      event: null,
      response: { status: 0, message: '', payload: EMPTY },
    };
  }
  // peer.Transaction: every TransactionAction (header, payload); the first one's payload is a ChaincodeActionPayload
  let action: Uint8Array | undefined;
  eachField(data, (n, r) => {
    if (n !== 1) {
      r.skip();
      return;
    }
    let payload = EMPTY;
    eachField(r.bytes(), (m, a) => (m === 2 ? (payload = a.bytes()) : check(a, m === 1 ? 'bytes' : undefined)));
    action ??= payload;
  });
  if (!action) {
    throw new Error('transaction has no action');
  }
  let proposalPayload = EMPTY;
  let endorsed: Uint8Array | undefined;
  eachField(action, (n, r) => (n === 1 ? (proposalPayload = r.bytes()) : n === 2 ? (endorsed = r.bytes()) : r.skip()));
  const proposal = readProposalPayload(proposalPayload);
  let proposalResponsePayload = EMPTY;
  const endorsements: DecodedTransaction['endorsements'] = [];
  eachField(endorsed ?? EMPTY, (n, r) => {
    if (n === 1) {
      proposalResponsePayload = r.bytes();
    } else if (n === 2) {
      let endorser = EMPTY;
      let sig = EMPTY;
      eachField(r.bytes(), (m, e) => (m === 1 ? (endorser = e.bytes()) : m === 2 ? (sig = e.bytes()) : e.skip()));
      endorsements.push({ ...readIdentity(endorser), endorser, signature: sig });
    } else {
      r.skip();
    }
  });
  if (!endorsed) {
    throw new Error('transaction has no endorsed action');
  }
  // ProposalResponsePayload.extension → ChaincodeAction
  let extension = EMPTY;
  eachField(proposalResponsePayload, (n, r) => (n === 2 ? (extension = r.bytes()) : check(r, n === 1 ? 'bytes' : undefined)));
  let results = EMPTY;
  let events = EMPTY;
  let response = EMPTY;
  let actionChaincode: string | undefined;
  eachField(extension, (n, r) =>
    n === 1 ? (results = r.bytes()) : n === 2 ? (events = r.bytes()) : n === 3 ? (response = r.bytes()) : n === 4 ? (actionChaincode = chaincodeName(r.bytes())) : r.skip(),
  );
  const namespaces: DecodedTransaction['namespaces'] = [];
  eachField(results, (n, r) => {
    if (n !== 2) {
      check(r, n === 1 ? 'varint' : undefined);
      return;
    }
    const rwset = emptyRwset();
    let namespace = '';
    let kv = EMPTY;
    eachField(r.bytes(), (m, ns) => {
      if (m === 1) {
        namespace = text(ns);
      } else if (m === 2) {
        kv = ns.bytes();
      } else if (m === 3) {
        rwset.collections.push(readCollection(ns.bytes()));
      } else {
        ns.skip();
      }
    });
    readKvRwset(kv, rwset);
    namespaces.push({ namespace, rwset });
  });
  // The invoked chaincode: the proposal's, else the endorsed action's, else a transaction's only namespace.
  const chaincode = proposal.chaincode || actionChaincode || (namespaces.length === 1 ? namespaces[0]!.namespace : '');
  let event: DecodedTransaction['event'] = null;
  if (events.length > 0) {
    let name = '';
    let payload = EMPTY;
    eachField(events, (n, r) => (n === 3 ? (name = text(r)) : n === 4 ? (payload = r.bytes()) : check(r, n === 1 || n === 2 ? 'text' : undefined)));
    event = { name, payload };
  }
  let status = 0;
  let message = '';
  let responsePayload = EMPTY;
  eachField(response, (n, r) => (n === 1 ? (status = r.varint()) : n === 2 ? (message = text(r)) : n === 3 ? (responsePayload = r.bytes()) : r.skip()));
  let args: string[] | undefined;
  return {
    ...base,
    chaincode,
    // the arguments are decoded to text when asked for: the auditor does not read them
    get args(): string[] {
      return (args ??= proposal.args.map(utf8));
    },
    proposalResponsePayload,
    endorsements,
    rwset: namespaces.find((ns) => ns.namespace === chaincode)?.rwset ?? emptyRwset(),
    namespaces,
    event,
    response: { status, message, payload: responsePayload },
  };
}
