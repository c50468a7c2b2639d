/**
 * What a dishonest member could put on a ledger: envelopes built by hand
 * with the fabric-format builders and whatever identities it controls, and
 * blocks re-cut with a given orderer key. Tests use these to show the
 * auditor finds what honest peers would not.
 */
import { common, ledger } from '@hyperledger/fabric-protos';
import { blockHeaderHash, buildBlock, decodeBlock, withValidationCodes } from 'customs-ledger-gateway/dist/ledger/fabric-format/block';
import { signLowS } from 'customs-ledger-gateway/dist/ledger/fabric-format/signing';
import {
  buildEnvelope,
  buildProposal,
  buildProposalResponsePayload,
  buildReadWriteSet,
  endorse,
  type Signer,
} from 'customs-ledger-gateway/dist/ledger/fabric-format/transaction';
import type { ReadWriteSet } from 'customs-ledger-gateway/dist/ledger/embedded/rwset';
import type { ValidationCode } from 'customs-ledger-gateway/dist/ledger';

export const CHAINCODE = 'customs-ledger';

export function emptyRwset(): ReadWriteSet {
  return { reads: [], rangeQueries: [], writes: [], metadataWrites: [], privateReads: [], privateWrites: [], privateMetadataWrites: [], purges: [] };
}

export interface ForgedTransaction {
  channelId: string;
  creator: Signer;
  endorsers: Signer[];
  args: string[];
  /** the read/write set, given the forged transaction's id */
  rwset: (txId: string) => ReadWriteSet;
  timestamp?: Date;
  event?: { name: string; payload: Uint8Array };
}

export function forgeEnvelope(f: ForgedTransaction): { envelope: Uint8Array; txId: string } {
  const proposal = buildProposal({ channelId: f.channelId, chaincode: CHAINCODE, args: f.args, signer: f.creator, ...(f.timestamp ? { timestamp: f.timestamp } : {}) });
  const { results } = buildReadWriteSet(CHAINCODE, f.rwset(proposal.transactionId));
  const prp = buildProposalResponsePayload(proposal, CHAINCODE, '0.1.0', results, f.event ?? null, { status: 200, message: '', payload: new Uint8Array() });
  const envelope = buildEnvelope(proposal, prp, f.endorsers.map((e) => endorse(prp, e)), f.creator);
  return { envelope, txId: proposal.transactionId };
}

/** The header hash of a block's bytes. */
export function headerHashOf(bytes: Uint8Array): Buffer {
  const b = decodeBlock(bytes);
  return blockHeaderHash(b.number, b.previousHash, b.dataHash);
}

/** A new block after `chain`, cut and signed by `orderer`, with the validation codes a (corrupt) peer wrote. */
export function appendBlock(chain: readonly Uint8Array[], envelopes: Uint8Array[], codes: ValidationCode[], orderer: Signer): Uint8Array[] {
  const previous = headerHashOf(chain[chain.length - 1]!);
  const built = buildBlock(chain.length, previous, envelopes, orderer);
  return [...chain, withValidationCodes(built.bytes, codes)];
}

/** Re-cuts blocks from `from` on with `orderer`'s key, keeping their envelopes and recorded codes, so the hash chain links again. */
export function rechain(chain: readonly Uint8Array[], from: number, orderer: Signer): Uint8Array[] {
  const out = chain.slice(0, from);
  for (let n = from; n < chain.length; n++) {
    const b = decodeBlock(chain[n]!);
    const previous = n === 0 ? new Uint8Array() : headerHashOf(out[n - 1]!);
    out.push(withValidationCodes(buildBlock(n, previous, b.envelopes, orderer).bytes, b.validationCodes));
  }
  return out;
}

/** The envelope with its payload re-signed by another key (creator unchanged). */
export function resign(envelopeBytes: Uint8Array, key: Signer): Uint8Array {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  envelope.setSignature(signLowS(key.privateKeyPem, envelope.getPayload_asU8()));
  return envelope.serializeBinary();
}

/** A block with its envelopes replaced (header untouched, so its data hash no longer matches). */
export function withEnvelopes(blockBytes: Uint8Array, envelopes: Uint8Array[]): Uint8Array {
  const block = common.Block.deserializeBinary(blockBytes);
  const data = new common.BlockData();
  data.setDataList(envelopes);
  block.setData(data);
  return block.serializeBinary();
}

/** A block with its header's previous hash replaced. */
export function withPreviousHash(blockBytes: Uint8Array, previousHash: Uint8Array): Uint8Array {
  const block = common.Block.deserializeBinary(blockBytes);
  block.getHeader()!.setPreviousHash(previousHash);
  return block.serializeBinary();
}

export interface ForgedNamespaces {
  channelId: string;
  creator: Signer;
  endorsers: Signer[];
  /** the invoked chaincode, e.g. `_lifecycle` or customs-ledger */
  chaincode: string;
  args: string[];
  /** every namespace's read/write set, in order */
  namespaces: { namespace: string; rwset: ReadWriteSet }[];
}

/** An envelope whose read/write set spans several namespaces, as Fabric writes a chaincode transaction that also reads `_lifecycle`. */
export function forgeNamespacesEnvelope(f: ForgedNamespaces): { envelope: Uint8Array; txId: string } {
  const proposal = buildProposal({ channelId: f.channelId, chaincode: f.chaincode, args: f.args, signer: f.creator });
  const merged = new ledger.rwset.TxReadWriteSet();
  merged.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  merged.setNsRwsetList(
    f.namespaces.flatMap(({ namespace, rwset }) => ledger.rwset.TxReadWriteSet.deserializeBinary(buildReadWriteSet(namespace, rwset).results).getNsRwsetList()),
  );
  const prp = buildProposalResponsePayload(proposal, f.chaincode, '1', merged.serializeBinary(), null, { status: 200, message: '', payload: new Uint8Array() });
  const envelope = buildEnvelope(proposal, prp, f.endorsers.map((e) => endorse(prp, e)), f.creator);
  return { envelope, txId: proposal.transactionId };
}

/**
 * The chain with block 0 made as configtxgen makes it: the config
 * transaction without creator or signature and the block without an orderer
 * signature; later blocks re-cut by `orderer` so that the hash chain links.
 */
export function withUnsignedGenesis(chain: readonly Uint8Array[], orderer: Signer): Uint8Array[] {
  const envelope = common.Envelope.deserializeBinary(decodeBlock(chain[0]!).envelopes[0]!);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader()!;
  const sh = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  sh.setCreator(new Uint8Array());
  header.setSignatureHeader(sh.serializeBinary());
  payload.setHeader(header);
  envelope.setPayload(payload.serializeBinary());
  envelope.setSignature(new Uint8Array());
  const block = common.Block.deserializeBinary(buildBlock(0, new Uint8Array(), [envelope.serializeBinary()], orderer).bytes);
  const metadata = block.getMetadata()!.getMetadataList_asU8().map((m, i) => (i === common.BlockMetadataIndex.SIGNATURES ? new common.Metadata().serializeBinary() : m));
  block.getMetadata()!.setMetadataList(metadata);
  const genesis = withValidationCodes(block.serializeBinary(), ['VALID']);
  return rechain([genesis, ...chain.slice(1)], 1, orderer);
}
