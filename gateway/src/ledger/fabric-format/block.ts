/**
 * Blocks in Fabric's format: the header hash is SHA-256 over the ASN.1 DER
 * of (number, previous hash, data hash) and the data hash is SHA-256 over the
 * concatenated envelopes, exactly as Fabric 2.x computes them; the orderer's
 * signature and the transaction validation codes live in the metadata.
 */
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { parseIdentity, serializedIdentity, sha256, type Signer } from './transaction';
import { signLowS } from './signing';
import type { ValidationCode } from '../backend';

// ---- ASN.1 DER of the block header ----------------------------------------------

function derLength(n: number): Buffer {
  if (n < 0x80) {
    return Buffer.from([n]);
  }
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) {
    bytes.unshift(v & 0xff);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derInteger(value: number): Buffer {
  let hex = BigInt(value).toString(16);
  if (hex.length % 2) {
    hex = `0${hex}`;
  }
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) {
    bytes = Buffer.concat([Buffer.from([0]), bytes]);
  }
  return Buffer.concat([Buffer.from([0x02]), derLength(bytes.length), bytes]);
}

function derOctets(bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0x04]), derLength(bytes.length), bytes]);
}

export function blockHeaderBytes(number: number, previousHash: Uint8Array, dataHash: Uint8Array): Buffer {
  const body = Buffer.concat([derInteger(number), derOctets(previousHash), derOctets(dataHash)]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

export function blockHeaderHash(number: number, previousHash: Uint8Array, dataHash: Uint8Array): Buffer {
  return sha256(blockHeaderBytes(number, previousHash, dataHash));
}

export function blockDataHash(envelopes: readonly Uint8Array[]): Buffer {
  return sha256(Buffer.concat(envelopes));
}

// ---- validation codes -------------------------------------------------------------

const CODES = peer.TxValidationCode as unknown as Record<string, number>;

export function validationCodeNumber(code: ValidationCode): number {
  return CODES[code]!;
}

export function validationCodeName(n: number): ValidationCode {
  const found = Object.entries(CODES).find(([, v]) => v === n)?.[0];
  return (found ?? 'INVALID_OTHER_REASON') as ValidationCode;
}

// ---- building and reading blocks -----------------------------------------------------

export interface BuiltBlock {
  number: number;
  bytes: Uint8Array;
  headerHash: Buffer;
}

/**
 * A block as the orderer cuts it: header, envelopes, the orderer's signature
 * over the header in SIGNATURES. Validation codes are filled in by each peer
 * (TRANSACTIONS_FILTER) when it commits.
 */
export function buildBlock(number: number, previousHash: Uint8Array, envelopes: readonly Uint8Array[], orderer: Signer): BuiltBlock {
  const dataHash = blockDataHash(envelopes);
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(previousHash);
  header.setDataHash(dataHash);
  const data = new common.BlockData();
  data.setDataList([...envelopes]);

  const sh = new common.SignatureHeader();
  sh.setCreator(serializedIdentity(orderer.mspId, orderer.certificatePem));
  sh.setNonce(sha256(Buffer.concat([Buffer.from(String(number)), dataHash])).subarray(0, 24));
  const shBytes = sh.serializeBinary();
  const headerBytes = blockHeaderBytes(number, previousHash, dataHash);
  const signature = new common.MetadataSignature();
  signature.setSignatureHeader(shBytes);
  signature.setSignature(signLowS(orderer.privateKeyPem, Buffer.concat([shBytes, headerBytes])));
  const signatures = new common.Metadata();
  signatures.setSignaturesList([signature]);

  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([
    signatures.serializeBinary(),
    new Uint8Array(),
    new Uint8Array(envelopes.length),
    new Uint8Array(),
    new Uint8Array(),
  ]);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return { number, bytes: block.serializeBinary(), headerHash: blockHeaderHash(number, previousHash, dataHash) };
}

/** The same block with its TRANSACTIONS_FILTER set to these validation codes. */
export function withValidationCodes(blockBytes: Uint8Array, codes: readonly ValidationCode[]): Uint8Array {
  const block = common.Block.deserializeBinary(blockBytes);
  const list = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const filled = [...list];
  while (filled.length < 5) {
    filled.push(new Uint8Array());
  }
  filled[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = Uint8Array.from(codes.map(validationCodeNumber));
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList(filled);
  block.setMetadata(metadata);
  return block.serializeBinary();
}

export interface DecodedBlock {
  number: number;
  previousHash: Buffer;
  dataHash: Buffer;
  envelopes: Uint8Array[];
  validationCodes: ValidationCode[];
  ordererSignatures: { mspId: string; certificatePem: string; signatureHeader: Uint8Array; signature: Uint8Array }[];
}

export function decodeBlock(bytes: Uint8Array): DecodedBlock {
  const block = common.Block.deserializeBinary(bytes);
  const header = block.getHeader();
  if (!header) {
    throw new Error('block has no header');
  }
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const filter = metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const sigBytes = metadata[common.BlockMetadataIndex.SIGNATURES];
  const ordererSignatures =
    sigBytes && sigBytes.length > 0
      ? common.Metadata.deserializeBinary(sigBytes)
          .getSignaturesList()
          .map((s) => {
            const sh = common.SignatureHeader.deserializeBinary(s.getSignatureHeader_asU8());
            return { ...parseIdentity(sh.getCreator_asU8()), signatureHeader: s.getSignatureHeader_asU8(), signature: s.getSignature_asU8() };
          })
      : [];
  return {
    number: header.getNumber(),
    previousHash: Buffer.from(header.getPreviousHash_asU8()),
    dataHash: Buffer.from(header.getDataHash_asU8()),
    envelopes,
    validationCodes: envelopes.map((_, i) => validationCodeName(filter[i] ?? 254)),
    ordererSignatures,
  };
}

// ---- the genesis (config) block --------------------------------------------------------

export interface ChannelMember {
  mspId: string;
  rootCertificatePem: string;
}

/**
 * Block 0: a CONFIG transaction whose Application group holds each member's
 * MSP (its root CA), and whose Orderer group holds the orderer's, so anyone
 * holding the blocks can check every signature without asking a peer.
 */
export function buildGenesisBlock(channelId: string, members: readonly ChannelMember[], orderer: ChannelMember & { signer: Signer }): BuiltBlock {
  const mspGroup = (m: ChannelMember): common.ConfigGroup => {
    const config = new msp.FabricMSPConfig();
    config.setName(m.mspId);
    config.setRootCertsList([Buffer.from(m.rootCertificatePem, 'utf8')]);
    const mspConfig = new msp.MSPConfig();
    mspConfig.setType(0);
    mspConfig.setConfig(config.serializeBinary());
    const value = new common.ConfigValue();
    value.setValue(mspConfig.serializeBinary());
    value.setModPolicy('Admins');
    const group = new common.ConfigGroup();
    group.getValuesMap().set('MSP', value);
    group.setModPolicy('Admins');
    return group;
  };
  const application = new common.ConfigGroup();
  for (const m of [...members].sort((a, b) => a.mspId.localeCompare(b.mspId))) {
    application.getGroupsMap().set(m.mspId, mspGroup(m));
  }
  const ordererGroup = new common.ConfigGroup();
  ordererGroup.getGroupsMap().set(orderer.mspId, mspGroup(orderer));
  const channel = new common.ConfigGroup();
  channel.getGroupsMap().set('Application', application);
  channel.getGroupsMap().set('Orderer', ordererGroup);
  const config = new common.Config();
  config.setSequence(0);
  config.setChannelGroup(channel);
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);

  const ch = new common.ChannelHeader();
  ch.setType(common.HeaderType.CONFIG);
  ch.setChannelId(channelId);
  ch.setTimestamp(Timestamp.fromDate(new Date()));
  ch.setTxId('');
  const sh = new common.SignatureHeader();
  sh.setCreator(serializedIdentity(orderer.signer.mspId, orderer.signer.certificatePem));
  sh.setNonce(sha256(Buffer.from(channelId)).subarray(0, 24));
  const header = new common.Header();
  header.setChannelHeader(ch.serializeBinary());
  header.setSignatureHeader(sh.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(signLowS(orderer.signer.privateKeyPem, payloadBytes));
  return buildBlock(0, new Uint8Array(), [envelope.serializeBinary()], orderer.signer);
}

/** The members' and orderer's root certificates from a config block's envelope. */
export function readChannelConfig(envelopeBytes: Uint8Array): { application: ChannelMember[]; orderer: ChannelMember[] } {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
  const configEnvelope = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8());
  const channel = configEnvelope.getConfig()?.getChannelGroup();
  const membersOf = (groupName: string): ChannelMember[] => {
    const out: ChannelMember[] = [];
    channel?.getGroupsMap().get(groupName)?.getGroupsMap().forEach((group: common.ConfigGroup, mspId: string) => {
      const value = group.getValuesMap().get('MSP');
      if (!value) {
        return;
      }
      const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
      const fabricConfig = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
      for (const root of fabricConfig.getRootCertsList_asU8()) {
        out.push({ mspId, rootCertificatePem: Buffer.from(root).toString('utf8') });
      }
    });
    return out;
  };
  return { application: membersOf('Application'), orderer: membersOf('Orderer') };
}
