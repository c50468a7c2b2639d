/**
 * Offline proof that a record's lodge transaction is in the ledger: the
 * envelope in its block (with every envelope of the block, so the data hash
 * can be recomputed), the block's header, and the header hash chain from
 * that block up to the current height. Whoever checks it needs no ledger
 * access; they compare the head hash with one obtained from a source they
 * trust (for instance two authorities' gateways).
 */
import type { Wallet } from 'ethers';
import { DOCUMENT_KEYS, proofRequestTypedData } from 'customs-ledger-chaincode/domain';
import { createCompositeKey } from '../fabric-format/keys';
import { blockDataHash, blockHeaderHash } from '../fabric-format/block';
import { readBlock, readEnvelope } from '../fabric-format/block-reader';
import type { BlockSource } from '../audit/block-source';
import { jsonOfBytes, parseConsignmentRecord } from '../audit/documents';
import type { RecordCommitment, RecordSource } from './record-source';

export interface HeaderLink {
  number: number;
  previousHash: string;
  dataHash: string;
}

export interface InclusionProof {
  ucr: string;
  txId: string;
  block: HeaderLink & { envelopes: string[]; txIndex: number; validationCode: string };
  /** headers of the blocks after it, up to the newest */
  chain: HeaderLink[];
  /** hex header hash of the newest block */
  headHash: string;
}

export interface InclusionCheck {
  valid: boolean;
  problems: string[];
  headHash: string;
  declarationHash: string | null;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export async function buildInclusionProof(ucr: string, records: RecordSource, blocks: BlockSource): Promise<InclusionProof> {
  const record = await records.getRecord(ucr);
  if (!record) {
    throw new RangeError(`no record ${ucr} on the ledger`);
  }
  return proveInclusion(record, records, blocks);
}

/** buildInclusionProof for a record already read. */
export async function proveInclusion(
  record: Pick<RecordCommitment, 'ucr' | 'lodgeTxId'>,
  records: Pick<RecordSource, 'transactionStatus'>,
  blocks: BlockSource,
): Promise<InclusionProof> {
  const ucr = record.ucr;
  const status = await records.transactionStatus(record.lodgeTxId);
  if (!status) {
    throw new RangeError(`the ledger does not know transaction ${record.lodgeTxId}`);
  }
  const block = readBlock(await blocks.block(status.blockNumber));
  const txIndex = block.envelopes.findIndex((e) => readEnvelope(e).transactionId === record.lodgeTxId);
  if (txIndex < 0) {
    throw new Error(`block ${status.blockNumber} does not hold ${record.lodgeTxId}`);
  }
  const chain: HeaderLink[] = [];
  let headHash = blockHeaderHash(block.number, block.previousHash, block.dataHash);
  const height = await blocks.height();
  for (let n = block.number + 1; n < height; n++) {
    const b = readBlock(await blocks.block(n));
    chain.push({ number: b.number, previousHash: hex(b.previousHash), dataHash: hex(b.dataHash) });
    headHash = blockHeaderHash(b.number, b.previousHash, b.dataHash);
  }
  return {
    ucr,
    txId: record.lodgeTxId,
    block: {
      number: block.number,
      previousHash: hex(block.previousHash),
      dataHash: hex(block.dataHash),
      envelopes: block.envelopes.map((e) => Buffer.from(e).toString('base64')),
      txIndex,
      validationCode: block.validationCodes[txIndex] ?? 'INVALID_OTHER_REASON',
    },
    chain,
    headHash: hex(headHash),
  };
}

/** Checks a proof without any ledger access; `trustedHeadHash` pins the newest header. */
export function verifyInclusionProof(proof: InclusionProof, expect: { declarationHash?: string; trustedHeadHash?: string } = {}): InclusionCheck {
  const problems: string[] = [];
  const envelopes = proof.block.envelopes.map((e) => Buffer.from(e, 'base64'));
  if (hex(blockDataHash(envelopes)) !== proof.block.dataHash) {
    problems.push(`the envelopes do not hash to block ${proof.block.number}'s data hash`);
  }
  let declarationHash: string | null = null;
  const envelope = envelopes[proof.block.txIndex];
  try {
    const tx = readEnvelope(envelope ?? new Uint8Array());
    if (tx.transactionId !== proof.txId) {
      problems.push(`envelope ${proof.block.txIndex} is transaction ${tx.transactionId}, not ${proof.txId}`);
    }
    const write = tx.rwset.writes.find((w) => w.key === createCompositeKey(DOCUMENT_KEYS.consignment, [proof.ucr]));
    if (!write || write.value === null) {
      problems.push(`transaction ${proof.txId} does not write record ${proof.ucr}`);
    } else {
      const record = parseConsignmentRecord(jsonOfBytes(write.value));
      declarationHash = record.declarationHash;
      if (expect.declarationHash !== undefined && record.declarationHash !== expect.declarationHash) {
        problems.push('the lodged declarationHash is not the expected one');
      }
    }
  } catch (err) {
    problems.push(`the lodge envelope cannot be read: ${(err as Error).message}`);
  }
  if (proof.block.validationCode !== 'VALID') {
    problems.push(`the peer marked the transaction ${proof.block.validationCode}`);
  }
  let hash = blockHeaderHash(proof.block.number, Buffer.from(proof.block.previousHash, 'hex'), Buffer.from(proof.block.dataHash, 'hex'));
  let number = proof.block.number;
  for (const link of proof.chain) {
    if (link.number !== number + 1 || link.previousHash !== hex(hash)) {
      problems.push(`header ${link.number} does not link to block ${number}`);
    }
    number = link.number;
    hash = blockHeaderHash(link.number, Buffer.from(link.previousHash, 'hex'), Buffer.from(link.dataHash, 'hex'));
  }
  if (hex(hash) !== proof.headHash) {
    problems.push('the chain does not end in the stated head hash');
  }
  if (expect.trustedHeadHash !== undefined && expect.trustedHeadHash !== hex(hash)) {
    problems.push('the head hash is not the trusted one');
  }
  return { valid: problems.length === 0, problems, headHash: hex(hash), declarationHash };
}

/**
 * Asks a gateway, without a token, for the inclusion proof of the trader's
 * own record: signs {ucr, the gateway's authority, now} with the trader key
 * that signed the declaration (POST /api/v1/proofs/inclusion/:ucr).
 */
export async function requestInclusionProof(
  gateway: string,
  ucr: string,
  wallet: Pick<Wallet, 'signTypedData'>,
  options: { fetch?: typeof fetch; now?: Date } = {},
): Promise<InclusionProof> {
  const fetchFn = options.fetch ?? fetch;
  const base = gateway.replace(/\/$/, '');
  const answer = async (res: Response, what: string): Promise<unknown> => {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    if (!res.ok) {
      throw new Error(`${what} answered ${res.status}${body?.error?.message ? `: ${body.error.message}` : ''}`);
    }
    return body;
  };
  const health = (await answer(await fetchFn(`${base}/healthz`, { signal: AbortSignal.timeout(30_000) }), '/healthz')) as { mspId?: unknown };
  if (typeof health.mspId !== 'string') {
    throw new Error(`${base}/healthz does not name its authority`);
  }
  const request = { ucr, authority: health.mspId, signedAt: (options.now ?? new Date()).toISOString() };
  const typed = proofRequestTypedData(request);
  const signature = await wallet.signTypedData(typed.domain, typed.types, typed.value);
  const path = `/api/v1/proofs/inclusion/${encodeURIComponent(ucr)}`;
  const res = await fetchFn(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ signedAt: request.signedAt, signature }),
    signal: AbortSignal.timeout(60_000),
  });
  return (await answer(res, path)) as InclusionProof;
}
