/** The one table from error codes to HTTP statuses: the chaincode's own, then the gateway's. */
import { ERROR_STATUS, type ErrorCode } from 'customs-ledger-chaincode/domain';
import type { GatewayErrorCode } from '../service/errors';

export const GATEWAY_ERROR_STATUS: Readonly<Record<GatewayErrorCode, number>> = {
  NOT_FOUND: 404,
  NOT_THE_TRADER: 403,
  LEDGER_CONFLICT: 409,
  LEDGER_TIMEOUT: 504,
  LEDGER_UNAVAILABLE: 503,
  LEDGER_BUSY: 503,
  LEDGER_FAILURE: 502,
};

export function statusOfRuleError(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
