/**
 * Endorser transactions in Fabric's own protobuf format: proposals, proposal
 * responses, envelopes, read/write sets with hashed private data, and their
 * decoding back from block bytes. The embedded ledger writes exactly these
 * messages, so one auditor reads embedded and Fabric blocks alike.
 */
import { createHash, randomBytes } from 'node:crypto';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import type { ChaincodeEvent, KeyRead, KeyWrite, MetadataWrite, RangeRead, ReadWriteSet, Version } from '../embedded/rwset';
import { ProtoReader, readTimestamp } from './proto-reader';
import { ProtoWriter } from './proto-writer';
import { signLowS } from './signing';

const { kvrwset } = ledger.rwset;
export const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';

export const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

export interface Signer {
  mspId: string;
  certificatePem: string;
  privateKeyPem: string;
}

export function serializedIdentity(mspId: string, certificatePem: string): Uint8Array {
  const id = new msp.SerializedIdentity();
  id.setMspid(mspId);
  id.setIdBytes(Buffer.from(certificatePem, 'utf8'));
  return id.serializeBinary();
}

export function parseIdentity(bytes: Uint8Array): { mspId: string; certificatePem: string } {
  const id = msp.SerializedIdentity.deserializeBinary(bytes);
  return { mspId: id.getMspid(), certificatePem: Buffer.from(id.getIdBytes_asU8()).toString('utf8') };
}

// ---- proposals -----------------------------------------------------------------

export interface ProposalInput {
  channelId: string;
  chaincode: string;
  /** "contract:Function" first */
  args: readonly string[];
  transient?: Record<string, Uint8Array>;
  signer: Signer;
  timestamp?: Date;
}

export interface BuiltProposal {
  transactionId: string;
  timestamp: Date;
  channelHeader: Uint8Array;
  signatureHeader: Uint8Array;
  /** ChaincodeProposalPayload without the transient map: what goes into the block */
  proposalPayloadForBlock: Uint8Array;
  proposalHash: Buffer;
  signedProposal: Uint8Array;
  creator: Uint8Array;
  args: readonly string[];
  transient: Record<string, Uint8Array>;
}

function chaincodeId(name: string, version?: string): peer.ChaincodeID {
  const id = new peer.ChaincodeID();
  id.setName(name);
  if (version) {
    id.setVersion(version);
  }
  return id;
}

/**
 * A signer's SerializedIdentity, made once per wallet identity object (and
 * made again should its MSP id or certificate change).
 */
const creators = new WeakMap<Signer, { mspId: string; certificatePem: string; bytes: Uint8Array }>();

function creatorOf(signer: Signer): Uint8Array {
  const known = creators.get(signer);
  if (known && known.mspId === signer.mspId && known.certificatePem === signer.certificatePem) {
    return known.bytes;
  }
  const bytes = serializedIdentity(signer.mspId, signer.certificatePem);
  creators.set(signer, { mspId: signer.mspId, certificatePem: signer.certificatePem, bytes });
  return bytes;
}

/** ChaincodeID bytes with only a name, per chaincode name. */
const chaincodeIds = new Map<string, Uint8Array>();

function chaincodeIdBytes(name: string): Uint8Array {
  let bytes = chaincodeIds.get(name);
  if (!bytes) {
    bytes = new ProtoWriter().string(2, name).finish();
    chaincodeIds.set(name, bytes);
  }
  return bytes;
}

/** Nonces are cut from a pool of random bytes, refilled in one call to the generator. */
const NONCE_BYTES = 24;
let noncePool = Buffer.alloc(0);
let noncePoolOffset = 0;

function nonce(): Buffer {
  if (noncePoolOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_BYTES * 256);
    noncePoolOffset = 0;
  }
  const n = noncePool.subarray(noncePoolOffset, noncePoolOffset + NONCE_BYTES);
  noncePoolOffset += NONCE_BYTES;
  return n;
}

/** peer.ChaincodeProposalPayload, written directly (see proto-writer.ts). */
function proposalPayload(chaincode: string, args: readonly string[], transient?: Record<string, Uint8Array>): Uint8Array {
  const input = new ProtoWriter();
  for (const a of args) {
    input.delimited(1, Buffer.from(a, 'utf8'));
  }
  const spec = new ProtoWriter()
    .varint(1, peer.ChaincodeSpec.Type.NODE)
    .delimited(2, chaincodeIdBytes(chaincode))
    .delimited(3, input.finish())
    .finish();
  const invocation = new ProtoWriter().delimited(1, spec).finish();
  const payload = new ProtoWriter().bytes(1, invocation);
  if (transient) {
    for (const key of Object.keys(transient).sort()) {
      payload.delimited(2, new ProtoWriter().delimited(1, Buffer.from(key, 'utf8')).delimited(2, transient[key]!).finish());
    }
  }
  return payload.finish();
}

/** google.protobuf.Timestamp of a Date, as Timestamp.fromDate makes it. */
function timestampBytes(date: Date): Uint8Array {
  const ms = date.getTime();
  if (!(ms >= 0)) {
    throw new RangeError(`a proposal timestamp must not be before 1970: ${date.toISOString()}`);
  }
  return new ProtoWriter()
    .varint(1, Math.floor(ms / 1000))
    .varint(2, date.getMilliseconds() * 1_000_000)
    .finish();
}

/**
 * A signed proposal, its messages written directly as bytes (see
 * proto-writer.ts); the same bytes google-protobuf would write.
 */
export function buildProposal(input: ProposalInput): BuiltProposal {
  const timestamp = input.timestamp ?? new Date();
  const creator = creatorOf(input.signer);
  const nonceBytes = nonce();
  const transactionId = sha256(Buffer.concat([nonceBytes, creator])).toString('hex');

  const extension = new ProtoWriter().delimited(2, chaincodeIdBytes(input.chaincode)).finish();
  const channelHeader = new ProtoWriter()
    .varint(1, common.HeaderType.ENDORSER_TRANSACTION)
    .delimited(3, timestampBytes(timestamp))
    .string(4, input.channelId)
    .string(5, transactionId)
    .bytes(7, extension)
    .finish();
  const signatureHeader = new ProtoWriter().bytes(1, creator).bytes(2, nonceBytes).finish();
  const header = new ProtoWriter().bytes(1, channelHeader).bytes(2, signatureHeader).finish();

  const hasTransient = input.transient !== undefined && Object.keys(input.transient).length > 0;
  const proposalPayloadForBlock = proposalPayload(input.chaincode, input.args);
  const withTransient = hasTransient ? proposalPayload(input.chaincode, input.args, input.transient) : proposalPayloadForBlock;
  const proposalBytes = new ProtoWriter().bytes(1, header).bytes(2, withTransient).finish();
  // In a buffer of its own, not a slice of Node's pool: it may be posted to the channel's thread.
  const signedProposal = new Uint8Array(new ProtoWriter().bytes(1, proposalBytes).bytes(2, signLowS(input.signer.privateKeyPem, proposalBytes)).finish());

  let proposalHash: Buffer | undefined;
  return {
    transactionId,
    timestamp: new Date(Math.floor(timestamp.getTime())),
    channelHeader,
    signatureHeader,
    proposalPayloadForBlock,
    // Only an endorsement needs it; a query never does.
    get proposalHash(): Buffer {
      proposalHash ??= sha256(Buffer.concat([channelHeader, signatureHeader, proposalPayloadForBlock]));
      return proposalHash;
    },
    signedProposal,
    creator,
    args: input.args,
    transient: input.transient ?? {},
  };
}

// ---- read/write sets -----------------------------------------------------------

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

// ---- proposal responses and envelopes -------------------------------------------

export interface ChaincodeResponse {
  status: number;
  message: string;
  payload: Uint8Array;
}

export function buildProposalResponsePayload(
  proposal: Pick<BuiltProposal, 'proposalHash' | 'transactionId'>,
  chaincode: string,
  chaincodeVersion: string,
  results: Uint8Array,
  event: ChaincodeEvent | null,
  response: ChaincodeResponse,
): Uint8Array {
  const action = new peer.ChaincodeAction();
  action.setResults(results);
  if (event) {
    const ev = new peer.ChaincodeEvent();
    ev.setChaincodeId(chaincode);
    ev.setTxId(proposal.transactionId);
    ev.setEventName(event.name);
    ev.setPayload(event.payload);
    action.setEvents(ev.serializeBinary());
  }
  const res = new peer.Response();
  res.setStatus(response.status);
  res.setMessage(response.message);
  res.setPayload(response.payload);
  action.setResponse(res);
  action.setChaincodeId(chaincodeId(chaincode, chaincodeVersion));
  const prp = new peer.ProposalResponsePayload();
  prp.setProposalHash(proposal.proposalHash);
  prp.setExtension$(action.serializeBinary());
  return prp.serializeBinary();
}

export interface EndorsementBytes {
  endorser: Uint8Array;
  signature: Uint8Array;
}

export function endorse(prp: Uint8Array, signer: Signer): EndorsementBytes {
  const endorser = serializedIdentity(signer.mspId, signer.certificatePem);
  return { endorser, signature: signLowS(signer.privateKeyPem, Buffer.concat([prp, endorser])) };
}

export function buildEnvelope(proposal: BuiltProposal, prp: Uint8Array, endorsements: EndorsementBytes[], signer: Signer): Uint8Array {
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(prp);
  endorsed.setEndorsementsList(
    endorsements.map((e) => {
      const pb = new peer.Endorsement();
      pb.setEndorser(e.endorser);
      pb.setSignature(e.signature);
      return pb;
    }),
  );
  const cap = new peer.ChaincodeActionPayload();
  cap.setChaincodeProposalPayload(proposal.proposalPayloadForBlock);
  cap.setAction(endorsed);
  const action = new peer.TransactionAction();
  action.setHeader(proposal.signatureHeader);
  action.setPayload(cap.serializeBinary());
  const tx = new peer.Transaction();
  tx.setActionsList([action]);
  const header = new common.Header();
  header.setChannelHeader(proposal.channelHeader);
  header.setSignatureHeader(proposal.signatureHeader);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(tx.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(signLowS(signer.privateKeyPem, payloadBytes));
  return envelope.serializeBinary();
}

// ---- decoding ------------------------------------------------------------------------

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

const emptyRwset = (): NamespaceRwset => ({ reads: [], rangeQueries: [], writes: [], metadataWrites: [], collections: [] });

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

function decodeVersion(v: ledger.rwset.kvrwset.Version | undefined): Version | null {
  return v ? { block: v.getBlockNum(), tx: v.getTxNum() } : null;
}

/** Decodes an envelope; throws on anything malformed (the caller marks it invalid). */
export function decodeEnvelope(envelopeBytes: Uint8Array): DecodedTransaction {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payloadBytes = envelope.getPayload_asU8();
  const payload = common.Payload.deserializeBinary(payloadBytes);
  const header = payload.getHeader();
  if (!header) {
    throw new Error('envelope has no header');
  }
  const ch = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const sh = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  const ts = ch.getTimestamp();
  const base = {
    headerType: ch.getType(),
    transactionId: ch.getTxId(),
    channelId: ch.getChannelId(),
    timestamp: ts ? ts.toDate() : new Date(0),
    creator: parseIdentity(sh.getCreator_asU8()),
    payloadBytes,
    signature: envelope.getSignature_asU8(),
  };
  const empty: DecodedTransaction = {
    ...base,
    chaincode: '',
    args: [],
    proposalResponsePayload: new Uint8Array(),
    endorsements: [],
    rwset: emptyRwset(),
    namespaces: [],
    event: null,
    response: { status: 0, message: '', payload: new Uint8Array() },
  };
  if (base.headerType !== common.HeaderType.ENDORSER_TRANSACTION) {
    return empty;
  }
  const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = tx.getActionsList()[0];
  if (!action) {
    throw new Error('transaction has no action');
  }
  const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const cpp = peer.ChaincodeProposalPayload.deserializeBinary(cap.getChaincodeProposalPayload_asU8());
  const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(cpp.getInput_asU8());
  const spec = invocation.getChaincodeSpec();
  const args = (spec?.getInput()?.getArgsList_asU8() ?? []).map((a) => Buffer.from(a).toString('utf8'));
  const endorsed = cap.getAction();
  if (!endorsed) {
    throw new Error('transaction has no endorsed action');
  }
  const prpBytes = endorsed.getProposalResponsePayload_asU8();
  const prp = peer.ProposalResponsePayload.deserializeBinary(prpBytes);
  const cca = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
  const results = ledger.rwset.TxReadWriteSet.deserializeBinary(cca.getResults_asU8());
  const namespaces: DecodedTransaction['namespaces'] = [];
  for (const ns of results.getNsRwsetList()) {
    const rwset = emptyRwset();
    namespaces.push({ namespace: ns.getNamespace(), rwset });
    const kv = kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    rwset.reads.push(...kv.getReadsList().map((r) => ({ key: r.getKey(), version: decodeVersion(r.getVersion()) })));
    rwset.rangeQueries.push(
      ...kv.getRangeQueriesInfoList().map((q) => ({
        startKey: q.getStartKey(),
        endKey: q.getEndKey(),
        exhausted: q.getItrExhausted(),
        reads: (q.getRawReads()?.getKvReadsList() ?? []).map((r) => ({ key: r.getKey(), version: decodeVersion(r.getVersion()) })),
      })),
    );
    rwset.writes.push(...kv.getWritesList().map((w) => ({ key: w.getKey(), value: w.getIsDelete() ? null : w.getValue_asU8() })));
    rwset.metadataWrites.push(
      ...kv.getMetadataWritesList().map((m) => ({
        key: m.getKey(),
        validationParameter: m.getEntriesList().find((e) => e.getName() === VALIDATION_PARAMETER)?.getValue_asU8() ?? null,
      })),
    );
    for (const c of ns.getCollectionHashedRwsetList()) {
      const hashed = kvrwset.HashedRWSet.deserializeBinary(c.getHashedRwset_asU8());
      rwset.collections.push({
        collection: c.getCollectionName(),
        hashedReads: hashed.getHashedReadsList().map((r) => ({ keyHash: Buffer.from(r.getKeyHash_asU8()), version: decodeVersion(r.getVersion()) })),
        hashedWrites: hashed.getHashedWritesList().map((w) => ({
          keyHash: Buffer.from(w.getKeyHash_asU8()),
          valueHash: w.getValueHash_asU8().length > 0 ? Buffer.from(w.getValueHash_asU8()) : null,
          isDelete: w.getIsDelete(),
          isPurge: w.getIsPurge(),
        })),
        pvtRwsetHash: Buffer.from(c.getPvtRwsetHash_asU8()),
      });
    }
  }
  // The invoked chaincode: the proposal's, else the endorsed action's, else a transaction's only namespace.
  const chaincode =
    spec?.getChaincodeId()?.getName() || cca.getChaincodeId()?.getName() || (namespaces.length === 1 ? namespaces[0]!.namespace : '');
  const rwset = namespaces.find((n) => n.namespace === chaincode)?.rwset ?? emptyRwset();
  const eventBytes = cca.getEvents_asU8();
  const ev = eventBytes.length > 0 ? peer.ChaincodeEvent.deserializeBinary(eventBytes) : undefined;
  const response = cca.getResponse();
  return {
    ...base,
    chaincode,
    args,
    proposalResponsePayload: prpBytes,
    endorsements: endorsed.getEndorsementsList().map((e) => ({
      ...parseIdentity(e.getEndorser_asU8()),
      endorser: e.getEndorser_asU8(),
      signature: e.getSignature_asU8(),
    })),
    rwset,
    namespaces,
    event: ev ? { name: ev.getEventName(), payload: ev.getPayload_asU8() } : null,
    response: {
      status: response?.getStatus() ?? 0,
      message: response?.getMessage() ?? '',
      payload: response?.getPayload_asU8() ?? new Uint8Array(),
    },
  };
}

/** Decodes the plain private writes of one collection (KVRWSet bytes). */
export function decodePrivateWrites(rwsetBytes: Uint8Array): KeyWrite[] {
  const kv = kvrwset.KVRWSet.deserializeBinary(rwsetBytes);
  return kv.getWritesList().map((w) => ({ key: w.getKey(), value: w.getIsDelete() ? null : w.getValue_asU8() }));
}

/** A signed proposal as an endorsing peer reads it. */
export interface DecodedProposal {
  proposalBytes: Uint8Array;
  signature: Uint8Array;
  transactionId: string;
  channelId: string;
  timestamp: Date;
  creator: { mspId: string; certificatePem: string };
  creatorBytes: Uint8Array;
  nonce: Uint8Array;
  /** SHA-256 over channel header, signature header and the payload without transient data (computed when first read) */
  proposalHash: Buffer;
  args: string[];
  transient: Map<string, Uint8Array>;
}

/**
 * Decodes a signed proposal as an endorsing peer receives it, straight from
 * the wire (see proto-reader.ts), reading each field as google-protobuf's
 * generated code would.
 */
export function decodeSignedProposal(bytes: Uint8Array): DecodedProposal {
  const [proposalBytes, signature] = twoBytesFields(bytes);
  const [headerBytes, payloadBytes] = twoBytesFields(proposalBytes);
  const [channelHeader, signatureHeader] = twoBytesFields(headerBytes);
  const [creatorBytes, nonce] = twoBytesFields(signatureHeader);
  let channelId = '';
  let transactionId = '';
  let timestamp = new Date(0);
  const ch = new ProtoReader(channelHeader);
  for (let field = ch.next(); field !== 0; field = ch.next()) {
    switch (field) {
      case 3:
        timestamp = readTimestamp(new ProtoReader(ch.bytes()));
        break;
      case 4:
        channelId = ch.string();
        break;
      case 5:
        transactionId = ch.string();
        break;
      default:
        ch.skip();
    }
  }
  let input: Uint8Array = new Uint8Array();
  const transient = new Map<string, Uint8Array>();
  const payload = new ProtoReader(payloadBytes);
  for (let field = payload.next(); field !== 0; field = payload.next()) {
    switch (field) {
      case 1:
        input = payload.bytes();
        break;
      case 2: {
        const [key, value] = twoBytesFields(payload.bytes());
        transient.set(utf8(key), value);
        break;
      }
      default:
        payload.skip();
    }
  }
  let proposalHash: Buffer | undefined;
  return {
    proposalBytes,
    signature,
    transactionId,
    channelId,
    timestamp,
    creator: identityOf(creatorBytes),
    creatorBytes,
    nonce,
    // The payload without its transient map, as google-protobuf writes it again (unknown fields dropped).
    get proposalHash(): Buffer {
      proposalHash ??= sha256(Buffer.concat([channelHeader, signatureHeader, new ProtoWriter().bytes(1, input).finish()]));
      return proposalHash;
    },
    args: argsOf(input),
    transient,
  };
}

/**
 * Fields 1 and 2 of a message whose two fields are bytes (SignedProposal,
 * Proposal, Header, SignatureHeader, a map<string, bytes> entry); absent
 * ones are empty.
 */
function twoBytesFields(bytes: Uint8Array): [Uint8Array, Uint8Array] {
  const found: [Uint8Array, Uint8Array] = [new Uint8Array(), new Uint8Array()];
  const r = new ProtoReader(bytes);
  for (let field = r.next(); field !== 0; field = r.next()) {
    if (field === 1 || field === 2) {
      found[field - 1] = r.bytes();
    } else {
      r.skip();
    }
  }
  return found;
}

const utf8 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

/** msp.SerializedIdentity bytes, as parseIdentity reads them. */
function identityOf(bytes: Uint8Array): { mspId: string; certificatePem: string } {
  const [mspId, certificate] = twoBytesFields(bytes);
  return { mspId: utf8(mspId), certificatePem: utf8(certificate) };
}


/** The one length-delimited field `field` of a message (its last occurrence), or undefined. */
function bytesField(bytes: Uint8Array, wanted: number): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  const r = new ProtoReader(bytes);
  for (let field = r.next(); field !== 0; field = r.next()) {
    if (field === wanted) {
      found = r.bytes();
    } else {
      r.skip();
    }
  }
  return found;
}

/** The arguments of a ChaincodeInvocationSpec: chaincode_spec (1) → input (3) → args (1, repeated). */
function argsOf(invocationSpec: Uint8Array): string[] {
  const spec = bytesField(invocationSpec, 1);
  const input = spec === undefined ? undefined : bytesField(spec, 3);
  const args: string[] = [];
  if (input !== undefined) {
    const r = new ProtoReader(input);
    for (let field = r.next(); field !== 0; field = r.next()) {
      if (field === 1) {
        args.push(r.string());
      } else {
        r.skip();
      }
    }
  }
  return args;
}
