/**
 * The one canonical encoding of customs-ledger: RFC 8785 (JSON Canonicalization
 * Scheme) through the reference implementation's `canonicalize` package, and
 * SHA-256 over its UTF-8 bytes. Everything that is hashed or written to the
 * ledger goes through here; nothing else calls JSON.stringify on such data.
 */
import { createHash } from 'node:crypto';
import canonicalizeImpl from 'canonicalize';

/** A JSON value as it may appear in a declaration, a record or an event. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** RFC 8785 canonical JSON text of a value. Throws on values JSON cannot carry. */
export function canonicalJson(value: unknown): string {
  assertJsonSafe(value, '$');
  const text = canonicalizeImpl(value);
  if (text === undefined) {
    throw new TypeError('value has no JSON representation');
  }
  return text;
}

/** Canonical JSON as UTF-8 bytes, the form written to state and events. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** Lowercase hex SHA-256 of bytes or of a UTF-8 string. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of the canonical JSON of a value. */
export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/**
 * RFC 8785 serializes numbers as ECMAScript does, so a float would hash
 * differently only through its text; we refuse anything but safe integers,
 * plain objects and arrays so that no hashed value depends on float formatting
 * or on a prototype.
 */
function assertJsonSafe(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`${path}: only safe integers may be hashed, got ${String(value)}`);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertJsonSafe(item, `${path}[${index}]`));
    return;
  }
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`${path}: only plain objects may be hashed`);
    }
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) {
        assertJsonSafe(item, `${path}.${key}`);
      }
    }
    return;
  }
  throw new TypeError(`${path}: ${typeof value} has no JSON representation`);
}
