/**
 * The signature checks of a replay, gathered per block so that they can run
 * ahead of the block's turn, on the main thread or on worker threads: ECDSA
 * P-256 signatures of orderers, creators and endorsers (verified with the
 * signing module Fabric's format uses), and traders' EIP-712 signatures on
 * consignment records (verified with the chaincode's own function). A check
 * is a pure function of its inputs, so where it runs never changes a verdict.
 */
import { verifyDeclarationSignature, type ConsignmentRecord, type SignedDeclarationFacts } from 'customs-ledger-chaincode/domain';
import { verifySignature } from '../fabric-format/signing';

/** An ECDSA P-256 signature over SHA-256(message), by the key of a certificate; the message comes in parts, concatenated only where it is verified. */
export interface P256Check {
  certificatePem: string;
  message: readonly Uint8Array[];
  signature: Uint8Array;
}

/** A trader's EIP-712 signature over a record's lodged facts on a channel. */
export interface TraderCheck {
  channelId: string;
  facts: SignedDeclarationFacts;
  trader: string;
  signature: string;
}

export interface CheckBatch {
  p256: P256Check[];
  trader: TraderCheck[];
}

/** Verdicts in the order of the batch. */
export interface CheckVerdicts {
  p256: boolean[];
  trader: boolean[];
}

/** A batch handed to a checker: `wait()` when its verdicts are needed. */
export interface PendingVerdicts {
  /** the verdicts; a batch no worker has taken yet is checked at once on the calling thread */
  wait(): Promise<CheckVerdicts>;
}

/** Runs batches of checks; `close()` hands back what it holds (its share of the worker threads). */
export interface SignatureChecker {
  check(batch: CheckBatch): PendingVerdicts;
  close(): void;
}

/** The trader check a consignment record calls for, or undefined when it carries no (complete) trader signature. */
export function traderCheckOf(channelId: string, record: ConsignmentRecord): TraderCheck | undefined {
  if (record.trader === null || record.traderSignature === null) {
    return undefined;
  }
  return {
    channelId,
    facts: {
      ucr: record.ucr,
      declarationHash: record.declarationHash,
      fieldRoot: record.fieldRoot,
      authority: record.originator,
      version: record.declarationVersion,
    },
    trader: record.trader,
    signature: record.traderSignature,
  };
}

/** Identifies a trader check by everything its verdict depends on. */
export function traderCheckKey(c: TraderCheck): string {
  const f = c.facts;
  return [c.channelId, f.ucr, f.declarationHash, f.fieldRoot, f.authority, String(f.version), c.trader, c.signature].join('\u0000');
}

export function traderSignatureValid(c: TraderCheck): boolean {
  try {
    return verifyDeclarationSignature(c.channelId, c.facts, c.trader, c.signature);
  } catch {
    return false;
  }
}

export function p256SignatureValid(c: P256Check): boolean {
  return verifySignature(c.certificatePem, c.message, c.signature);
}

export function checkNow(batch: CheckBatch): CheckVerdicts {
  return { p256: batch.p256.map(p256SignatureValid), trader: batch.trader.map(traderSignatureValid) };
}

/** Every check on the calling thread, when its verdicts are needed. */
export function inlineChecker(): SignatureChecker {
  return {
    check: (batch) => {
      let verdicts: CheckVerdicts | undefined;
      return { wait: () => Promise.resolve((verdicts ??= checkNow(batch))) };
    },
    close: () => undefined,
  };
}
