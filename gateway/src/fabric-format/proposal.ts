/**
 * Signed proposals (peer.SignedProposal) in Fabric's protobuf format: built
 * by a client for its endorsers, and read back by an endorsing peer.
 */
import { randomBytes } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import { serializedIdentity, type Signer } from './identity';
import { ProtoReader, readTimestamp } from './proto-reader';
import { ProtoWriter } from './proto-writer';
import { sha256, signLowS } from './signing';

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
