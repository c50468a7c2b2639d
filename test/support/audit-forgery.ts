/**
 * What a dishonest member could put on a ledger: envelopes built by hand
 * with the fabric-format builders and whatever identities it controls, and
 * blocks re-cut with a given orderer key. Tests use these to show the
 * auditor finds what honest peers would not.
 */
import { common, ledger } from '@hyperledger/fabric-protos';
import { blockHeaderHash, buildBlock, transactionsFilter, withCommitMetadata, type OrdererPosition } from 'customs-ledger-gateway/dist/fabric-format/block';
import { addTransactionUpdates, commitHash, commitHashMetadata, updateBatchBytes, UpdateBatch } from 'customs-ledger-gateway/dist/fabric-format/commit-hash';
import { signLowS } from 'customs-ledger-gateway/dist/fabric-format/signing';
import { buildEnvelope, buildProposalResponsePayload, endorse } from 'customs-ledger-gateway/dist/fabric-format/envelope';
import { buildProposal } from 'customs-ledger-gateway/dist/fabric-format/proposal';
import { buildReadWriteSet } from 'customs-ledger-gateway/dist/fabric-format/rwset';
import type { DecodedTransaction } from 'customs-ledger-gateway/dist/fabric-format/decoded';
import type { Signer } from 'customs-ledger-gateway/dist/fabric-format/identity';
import type { ReadWriteSet } from 'customs-ledger-gateway/dist/fabric-format/rwset';
import type { ValidationCode } from 'customs-ledger-gateway/dist/ledger';
import { readBlock, readEnvelope } from 'customs-ledger-gateway/dist/fabric-format/block-reader';

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
  const b = readBlock(bytes);
  return blockHeaderHash(b.number, b.previousHash, b.dataHash);
}

/** The raft position of block n on a single-node cluster that never restarted; none for a genesis block. */
const positionOf = (n: number): OrdererPosition | null => (n === 0 ? null : { lastConfig: 0, raftIndex: n + 2 });

function decodable(envelope: Uint8Array): DecodedTransaction | undefined {
  try {
    return readEnvelope(envelope);
  } catch {
    return undefined;
  }
}

/**
 * The chain with every block's COMMIT_HASH from block 1 on computed as a
 * peer computes it from the recorded validation codes (commit-hash.ts).
 */
export function withCommitHashes(chain: readonly Uint8Array[]): Uint8Array[] {
  const state = new Map<string, Uint8Array>();
  let previous: Uint8Array = new Uint8Array();
  const out: Uint8Array[] = [];
  for (const [n, bytes] of chain.entries()) {
    const block = readBlock(bytes);
    if (n === 0) {
      out.push(bytes);
      continue;
    }
    const updates = new UpdateBatch();
    for (const [i, envelope] of block.envelopes.entries()) {
      const tx = block.validationCodes[i] === 'VALID' ? decodable(envelope) : undefined;
      if (tx?.headerType === common.HeaderType.ENDORSER_TRANSACTION) {
        addTransactionUpdates(updates, { block: n, tx: i }, tx.namespaces.map(({ namespace, rwset }) => ({ namespace, ...rwset })), (ns, key) => state.get(`${ns}\u0000${key}`) ?? null);
      }
    }
    for (const [ns, keys] of updates.public) {
      for (const [key, u] of keys) {
        if (u.value === null) {
          state.delete(`${ns}\u0000${key}`);
        } else {
          state.set(`${ns}\u0000${key}`, u.value);
        }
      }
    }
    const hash = commitHash(transactionsFilter(block.validationCodes), updateBatchBytes(updates), previous);
    out.push(withCommitMetadata(bytes, block.validationCodes, commitHashMetadata(hash)));
    previous = hash;
  }
  return out;
}

/** A new block after `chain`, cut and signed by `orderer`, with the validation codes a (corrupt) peer wrote. */
export function appendBlock(chain: readonly Uint8Array[], envelopes: Uint8Array[], codes: ValidationCode[], orderer: Signer): Uint8Array[] {
  const previous = headerHashOf(chain[chain.length - 1]!);
  const built = buildBlock(chain.length, previous, envelopes, orderer, positionOf(chain.length));
  return withCommitHashes([...chain, withCommitMetadata(built.bytes, codes)]);
}

/** Re-cuts blocks from `from` on with `orderer`'s key, keeping their envelopes and recorded codes, so the hash chain links again. */
export function rechain(chain: readonly Uint8Array[], from: number, orderer: Signer): Uint8Array[] {
  const out = chain.slice(0, from);
  for (let n = from; n < chain.length; n++) {
    const b = readBlock(chain[n]!);
    const previous = n === 0 ? new Uint8Array() : headerHashOf(out[n - 1]!);
    out.push(withCommitMetadata(buildBlock(n, previous, b.envelopes, orderer, positionOf(n)).bytes, b.validationCodes));
  }
  return withCommitHashes(out);
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
  const envelope = common.Envelope.deserializeBinary(readBlock(chain[0]!).envelopes[0]!);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader()!;
  const sh = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  sh.setCreator(new Uint8Array());
  header.setSignatureHeader(sh.serializeBinary());
  payload.setHeader(header);
  envelope.setPayload(payload.serializeBinary());
  envelope.setSignature(new Uint8Array());
  const genesis = withCommitMetadata(buildBlock(0, new Uint8Array(), [envelope.serializeBinary()], null, null).bytes, ['VALID']);
  return rechain([genesis, ...chain.slice(1)], 1, orderer);
}
