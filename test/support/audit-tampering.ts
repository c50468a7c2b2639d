/**
 * Tampered copies of a block store, generated systematically: every block
 * with several kinds of damage, every transaction with a flipped validation
 * code or a foreign signature, and forged transactions an orderer cut and a
 * corrupt peer marked VALID. Each copy says where the auditor must find it.
 */
import { withCommitMetadata } from 'customs-ledger-gateway/dist/fabric-format/block';
import type { Signer } from 'customs-ledger-gateway/dist/fabric-format/identity';
import type { ValidationCode } from 'customs-ledger-gateway/dist/ledger';
import type { AuditRule } from 'customs-ledger-gateway/dist/audit';
import { appendBlock, rechain, resign, withEnvelopes, withPreviousHash } from './audit-forgery';
import { readBlock, readEnvelope } from 'customs-ledger-gateway/dist/fabric-format/block-reader';

export interface TamperedLedger {
  name: string;
  blocks: Uint8Array[];
  /** the auditor must report a finding at this block (and transaction, and rule, when given) */
  expect: { block: number; tx?: number; rule?: AuditRule };
}

const FLIP_POSITIONS = [0.01, 0.03, 0.06, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.97, 0.995];

function flipByte(bytes: Uint8Array, at: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  const i = Math.min(copy.length - 1, Math.floor(at * copy.length));
  copy[i] = copy[i]! ^ 0xff;
  return copy;
}

/** `foreignKeys`: keys of at least two organisations; a transaction is re-signed with one not its creator's. */
export function* tamperedCopies(clean: readonly Uint8Array[], foreignKeys: readonly Signer[], orderer: Signer): Generator<TamperedLedger> {
  const replaceAt = (n: number, bytes: Uint8Array): Uint8Array[] => clean.map((b, i) => (i === n ? bytes : b));
  for (let n = 0; n < clean.length; n++) {
    const block = readBlock(clean[n]!);
    for (const at of FLIP_POSITIONS) {
      yield { name: `block ${n}: byte at ${Math.round(at * 100)}% flipped`, blocks: replaceAt(n, flipByte(clean[n]!, at)), expect: { block: n } };
    }
    if (n > 0) {
      yield { name: `block ${n}: previous hash changed`, blocks: replaceAt(n, withPreviousHash(clean[n]!, Buffer.alloc(32, 7))), expect: { block: n, rule: 'previous-hash' } };
    }
    if (n > 0 && n < clean.length - 1) {
      yield { name: `block ${n}: removed`, blocks: clean.filter((_, i) => i !== n), expect: { block: n, rule: 'block-number' } };
    }
    if (block.envelopes.length >= 2) {
      const swapped = [block.envelopes[1]!, block.envelopes[0]!, ...block.envelopes.slice(2)];
      yield { name: `block ${n}: transactions reordered`, blocks: replaceAt(n, withEnvelopes(clean[n]!, swapped)), expect: { block: n, rule: 'data-hash' } };
    }
    for (const [i, code] of block.validationCodes.entries()) {
      const flipped: ValidationCode = code === 'VALID' ? 'MVCC_READ_CONFLICT' : 'VALID';
      const codes = block.validationCodes.map((c, k) => (k === i ? flipped : c));
      yield { name: `block ${n} tx ${i}: validation code ${code} → ${flipped}`, blocks: replaceAt(n, withCommitMetadata(clean[n]!, codes)), expect: { block: n, tx: i, rule: 'validation-code' } };
      if (n > 0 && code === 'VALID') {
        const creator = readEnvelope(block.envelopes[i]!).creator.mspId;
        const foreignKey = foreignKeys.find((k) => k.mspId !== creator)!;
        const envelopes = block.envelopes.map((e, k) => (k === i ? resign(e, foreignKey) : e));
        // The orderer colluded: the chain is re-cut with its key, so only the signature check can tell.
        yield {
          name: `block ${n} tx ${i}: ${creator}'s transaction re-signed by a foreign key, chain re-cut`,
          blocks: rechain(replaceAt(n, withEnvelopes(clean[n]!, envelopes)), n, orderer),
          expect: { block: n, tx: i, rule: 'creator-signature' },
        };
        yield {
          name: `block ${n} tx ${i}: replayed in a new block the orderer cut, marked VALID`,
          blocks: appendBlock(clean, [block.envelopes[i]!], ['VALID'], orderer),
          expect: { block: clean.length, tx: 0, rule: 'duplicate-txid' },
        };
      }
    }
  }
}
