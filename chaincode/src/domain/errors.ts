/**
 * Coded refusals. The chaincode throws LedgerRuleError; its message on the
 * wire is the canonical JSON of {code, message, details}, so a gateway maps
 * the stable `code` to a status without reading message text.
 */
import { canonicalJson } from './canonical';

/** Every refusal the chaincode can return, with the HTTP status a gateway maps it to. */
export const ERROR_STATUS = {
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
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type ErrorDetails = Record<string, string | number | boolean | null | string[]>;

export class LedgerRuleError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(canonicalJson({ code, message, details }));
    this.name = 'LedgerRuleError';
    this.code = code;
    this.details = details;
  }

  /** The human sentence, without the encoding around it. */
  get reason(): string {
    return decodeRuleError(this.message)?.message ?? this.message;
  }
}

export interface DecodedRuleError {
  code: ErrorCode;
  message: string;
  details: ErrorDetails;
}

/**
 * Finds a coded refusal in an error message from a peer, which may wrap it
 * (Fabric prefixes "chaincode response 500, " and the like). Returns
 * undefined for anything that is not one of ours.
 */
export function decodeRuleError(text: string): DecodedRuleError | undefined {
  const start = text.indexOf('{"code":');
  if (start < 0) {
    return undefined;
  }
  // The encoding is canonical JSON of one object: find its closing brace by parsing prefixes.
  for (let end = text.lastIndexOf('}'); end > start; end = text.lastIndexOf('}', end - 1)) {
    try {
      const parsed: unknown = JSON.parse(text.slice(start, end + 1));
      if (isDecoded(parsed)) {
        return parsed;
      }
    } catch {
      // keep shrinking
    }
  }
  return undefined;
}

function isDecoded(value: unknown): value is DecodedRuleError {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    Object.prototype.hasOwnProperty.call(ERROR_STATUS, v.code) &&
    typeof v.message === 'string' &&
    typeof v.details === 'object' &&
    v.details !== null
  );
}
