/**
 * Blocks in Fabric's format: the header hash is SHA-256 over the ASN.1 DER
 * of (number, previous hash, data hash) and the data hash is SHA-256 over the
 * concatenated envelopes, exactly as Fabric 2.x computes them; the orderer's
 * signature and the transaction validation codes live in the metadata.
 */
import { common, msp, orderer } from '@hyperledger/fabric-protos';
import { serializedIdentity, type Signer } from './identity';
import { readBlock } from './block-reader';
import { sha256, signLowS } from './signing';
import { validationCodeNumber, type ValidationCode } from './validation-codes';

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


// ---- building and reading blocks -----------------------------------------------------

export interface BuiltBlock {
  number: number;
  bytes: Uint8Array;
  headerHash: Buffer;
}

/** What the orderer records of its consensus in every block it cuts. */
export interface OrdererPosition {
  /** the number of the newest config block at this block */
  lastConfig: number;
  /** the raft log index of the entry that carried this block (etcdraft BlockMetadata.raft_index) */
  raftIndex: number;
}

/** The single raft consenter of the ordering service: its id, and the next id raft would hand out. */
const CONSENTER_IDS = [1];
const NEXT_CONSENTER_ID = 2;

function lastConfigOf(index: number): common.LastConfig {
  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(index);
  return lastConfig;
}

/**
 * The value of the SIGNATURES metadata, which the orderer signs:
 * OrdererBlockMetadata with the last config index and, on a block raft
 * ordered, the etcdraft BlockMetadata wrapped in a Metadata.
 */
function ordererBlockMetadata(position: OrdererPosition | null): Uint8Array {
  const value = new common.OrdererBlockMetadata();
  value.setLastConfig(lastConfigOf(position?.lastConfig ?? 0));
  if (position) {
    const raft = new orderer.etcdraft.BlockMetadata();
    raft.setConsenterIdsList(CONSENTER_IDS);
    raft.setNextConsenterId(NEXT_CONSENTER_ID);
    raft.setRaftIndex(position.raftIndex);
    const consenter = new common.Metadata();
    consenter.setValue(raft.serializeBinary());
    value.setConsenterMetadata(consenter.serializeBinary());
  }
  return value.serializeBinary();
}

/**
 * A block as Fabric's orderer writes it (orderer/common/multichannel/blockwriter.go):
 * header and envelopes; in SIGNATURES the OrdererBlockMetadata and the
 * orderer's signature over that value, its signature header and the block
 * header's ASN.1 bytes; in LAST_CONFIG the last config index. Validation
 * codes (TRANSACTIONS_FILTER) and COMMIT_HASH are set by each peer when it
 * commits. With no signer the block is unsigned, as configtxgen writes a
 * genesis block: SIGNATURES then holds the value alone.
 */
export function buildBlock(
  number: number,
  previousHash: Uint8Array,
  envelopes: readonly Uint8Array[],
  signer: Signer | null,
  position: OrdererPosition | null,
): BuiltBlock {
  const dataHash = blockDataHash(envelopes);
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(previousHash);
  header.setDataHash(dataHash);
  const data = new common.BlockData();
  data.setDataList([...envelopes]);

  const value = ordererBlockMetadata(position);
  const signatures = new common.Metadata();
  signatures.setValue(value);
  if (signer) {
    const sh = new common.SignatureHeader();
    sh.setCreator(serializedIdentity(signer.mspId, signer.certificatePem));
    sh.setNonce(sha256(Buffer.concat([Buffer.from(String(number)), dataHash])).subarray(0, 24));
    const shBytes = sh.serializeBinary();
    const headerBytes = blockHeaderBytes(number, previousHash, dataHash);
    const signature = new common.MetadataSignature();
    signature.setSignatureHeader(shBytes);
    signature.setSignature(signLowS(signer.privateKeyPem, Buffer.concat([value, shBytes, headerBytes])));
    signatures.setSignaturesList([signature]);
  }
  const lastConfig = new common.Metadata();
  lastConfig.setValue(lastConfigOf(position?.lastConfig ?? 0).serializeBinary());

  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([
    signatures.serializeBinary(),
    position ? lastConfig.serializeBinary() : new Uint8Array(),
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

/** The orderer's position recorded in a block's SIGNATURES metadata; raft index 0 on a block no raft ordered (a genesis block). */
export function readOrdererPosition(blockBytes: Uint8Array): OrdererPosition {
  const block = common.Block.deserializeBinary(blockBytes);
  const entry = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES] ?? new Uint8Array();
  const value = common.OrdererBlockMetadata.deserializeBinary(common.Metadata.deserializeBinary(entry).getValue_asU8());
  const consenter = common.Metadata.deserializeBinary(value.getConsenterMetadata_asU8()).getValue_asU8();
  return {
    lastConfig: value.getLastConfig()?.getIndex() ?? 0,
    raftIndex: consenter.length > 0 ? orderer.etcdraft.BlockMetadata.deserializeBinary(consenter).getRaftIndex() : 0,
  };
}

/** The same block with its TRANSACTIONS_FILTER set to these validation codes and, when given, its COMMIT_HASH. */
export function withCommitMetadata(blockBytes: Uint8Array, codes: readonly ValidationCode[], commitHashEntry?: Uint8Array): Uint8Array {
  const block = common.Block.deserializeBinary(blockBytes);
  const list = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const filled = [...list];
  while (filled.length < 5) {
    filled.push(new Uint8Array());
  }
  filled[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = transactionsFilter(codes);
  if (commitHashEntry) {
    filled[common.BlockMetadataIndex.COMMIT_HASH] = commitHashEntry;
  }
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList(filled);
  block.setMetadata(metadata);
  return block.serializeBinary();
}

/** The TRANSACTIONS_FILTER bytes of these validation codes. */
export function transactionsFilter(codes: readonly ValidationCode[]): Uint8Array {
  return Uint8Array.from(codes.map(validationCodeNumber));
}

/** A block's COMMIT_HASH metadata entry, as stored (empty when the block has none). */
export function commitHashEntryOf(blockBytes: Uint8Array): Uint8Array {
  return readBlock(blockBytes).commitHashEntry;
}

// ---- channel configuration ------------------------------------------------------------

export interface ChannelMember {
  mspId: string;
  rootCertificatePem: string;
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
