/** What the auditor reports: one structured finding per broken rule, located by block and transaction. */

export const AUDIT_RULES = [
  'acceptance-owner',
  'agreement-party',
  'block-decode',
  'block-number',
  'chain-truncated',
  'commit-hash',
  'config-update',
  'creator-certificate',
  'creator-signature',
  'data-hash',
  'document',
  'duplicate-txid',
  'endorsement-policy',
  'endorser-certificate',
  'endorser-signature',
  'foreign-record-write',
  'genesis-config',
  'index-entry',
  'member-registry',
  'mvcc-read',
  'orderer-signature',
  'originator-endorsement',
  'phantom-read',
  'previous-hash',
  'purge-holder',
  'purge-retention',
  'record-write',
  'share-agreement',
  'share-categories',
  'share-endorsement',
  'share-parties',
  'share-purpose',
  'share-record',
  'state-diff',
  'trader-signature',
  'transaction-format',
  'tx-id',
  'validation-code',
] as const;
export type AuditRule = (typeof AUDIT_RULES)[number];

export interface Finding {
  /** block number, or null for findings about the whole state */
  block: number | null;
  /** position of the transaction in its block, or null for block-level findings */
  tx: number | null;
  txId: string | null;
  rule: AuditRule;
  message: string;
}

/** Where a finding is located. */
export interface FindingSite {
  block: number | null;
  tx: number | null;
  txId: string | null;
}

export function finding(site: FindingSite, rule: AuditRule, message: string): Finding {
  return { block: site.block, tx: site.tx, txId: site.txId, rule, message };
}
