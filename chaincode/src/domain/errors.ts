/**
 * Coded refusals. The chaincode throws LedgerRuleError, a stable `code`, a
 * sentence and details; only at the contract's edge, where Fabric carries a
 * refusal as a message string, is it written as the canonical JSON of
 * {code, message, details} (encodeRuleError), and a gateway decodes it once,
 * where it leaves its ledger backend (decodeRuleError). Everywhere else it
 * travels as data.
 */
import { canonicalJson } from './canonical';

/** Every refusal the chaincode can return. */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'MISSING_TRANSIENT',
  'HASH_MISMATCH',
  'FIELD_ROOT_MISMATCH',
  'BAD_SIGNATURE',
  'SHARED_FIELD_MISMATCH',
  'UNKNOWN_MEMBER',
  'FORBIDDEN_ROLE',
  'WRONG_ORGANIZATION',
  'NOT_A_PARTY',
  'RECIPIENT_NOT_PARTY',
  'CATEGORY_NOT_COVERED',
  'PURPOSE_NOT_ALLOWED',
  'ONWARD_SHARING_NOT_ALLOWED',
  'NO_SHARED_COPY',
  'RECORD_NOT_FOUND',
  'AGREEMENT_NOT_FOUND',
  'SHARE_NOT_FOUND',
  'UCR_CONFLICT',
  'DECLARATION_NOT_STORED',
  'AGREEMENT_EXISTS',
  'ALREADY_ACCEPTED',
  'AGREEMENT_NOT_ACTIVE',
  'INVALID_AGREEMENT_STATE',
  'INVALID_TRANSITION',
  'RETENTION_NOT_REACHED',
  'ALREADY_PURGED',
  'MALFORMED_DOCUMENT',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = Record<string, string | number | boolean | null | string[]>;

export class LedgerRuleError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LedgerRuleError';
    this.code = code;
    this.details = details;
  }

  /** The refusal as data: what a gateway decodes from the wire. */
  toRefusal(): DecodedRuleError {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** The wire form of a refusal: the message string Fabric carries from the chaincode to the client. */
export function encodeRuleError(err: LedgerRuleError): string {
  return canonicalJson(err.toRefusal());
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
    (ERROR_CODES as readonly string[]).includes(v.code) &&
    typeof v.message === 'string' &&
    typeof v.details === 'object' &&
    v.details !== null
  );
}
