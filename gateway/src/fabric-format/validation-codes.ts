/** Fabric's transaction validation codes (peer.TxValidationCode): by name, and as the numbers a block's TRANSACTIONS_FILTER holds. */
import { peer } from '@hyperledger/fabric-protos';

/** Fabric's transaction validation codes the ledger names (peer.TxValidationCode); any other number reads as INVALID_OTHER_REASON. */
export const VALIDATION_CODES = [
  'VALID',
  'MVCC_READ_CONFLICT',
  'PHANTOM_READ_CONFLICT',
  'ENDORSEMENT_POLICY_FAILURE',
  'DUPLICATE_TXID',
  'BAD_CREATOR_SIGNATURE',
  'BAD_PROPOSAL_TXID',
  'INVALID_ENDORSER_TRANSACTION',
  'INVALID_OTHER_REASON',
] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];

const CODES = peer.TxValidationCode as unknown as Record<string, number>;

export function validationCodeNumber(code: ValidationCode): number {
  return CODES[code]!;
}

export function validationCodeName(n: number): ValidationCode {
  const found = Object.entries(CODES).find(([, v]) => v === n)?.[0];
  return (found ?? 'INVALID_OTHER_REASON') as ValidationCode;
}
