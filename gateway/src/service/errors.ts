/**
 * Refusals the gateway itself raises, beside the chaincode's coded
 * LedgerRuleError. They carry a stable code and know nothing about HTTP; the
 * HTTP layer maps codes to statuses in one place.
 */
export const GATEWAY_ERROR_CODES = [
  /** a record, block or other thing the caller named does not exist */
  'NOT_FOUND',
  /** MVCC or phantom read conflicts outlasted every retry */
  'LEDGER_CONFLICT',
  /** the ledger did not confirm the commit in time; its outcome is unknown */
  'LEDGER_TIMEOUT',
  /** the authority's peer cannot be reached */
  'LEDGER_UNAVAILABLE',
  /** more transactions are under way than the gateway takes on; try again shortly */
  'LEDGER_BUSY',
  /** a trader's signed request that does not prove control of the record's trader key */
  'NOT_THE_TRADER',
  /** the ledger failed in a way no client input explains */
  'LEDGER_FAILURE',
] as const;

export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

export type GatewayErrorDetails = Record<string, string | number | boolean | null | string[]>;

export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly details: GatewayErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GatewayError';
  }
}
