/** The one table from error codes to HTTP statuses: the chaincode's own, then the gateway's. */
import type { ErrorCode } from 'customs-ledger-chaincode/domain';
import type { GatewayErrorCode } from '../service/errors';

/** The status of each of the chaincode's refusals. */
export const RULE_ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  MISSING_TRANSIENT: 400,
  HASH_MISMATCH: 400,
  FIELD_ROOT_MISMATCH: 400,
  BAD_SIGNATURE: 400,
  SHARED_FIELD_MISMATCH: 400,
  UNKNOWN_MEMBER: 400,
  FORBIDDEN_ROLE: 403,
  WRONG_ORGANIZATION: 403,
  NOT_A_PARTY: 403,
  RECIPIENT_NOT_PARTY: 403,
  CATEGORY_NOT_COVERED: 403,
  PURPOSE_NOT_ALLOWED: 403,
  ONWARD_SHARING_NOT_ALLOWED: 403,
  NO_SHARED_COPY: 403,
  RECORD_NOT_FOUND: 404,
  AGREEMENT_NOT_FOUND: 404,
  SHARE_NOT_FOUND: 404,
  UCR_CONFLICT: 409,
  DECLARATION_NOT_STORED: 409,
  AGREEMENT_EXISTS: 409,
  ALREADY_ACCEPTED: 409,
  AGREEMENT_NOT_ACTIVE: 409,
  INVALID_AGREEMENT_STATE: 409,
  INVALID_TRANSITION: 409,
  RETENTION_NOT_REACHED: 409,
  ALREADY_PURGED: 409,
  MALFORMED_DOCUMENT: 409,
};

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
  return RULE_ERROR_STATUS[code];
}
