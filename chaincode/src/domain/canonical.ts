/**
 * The one canonical encoding of customs-ledger: RFC 8785 (JSON Canonicalization
 * Scheme) through the reference implementation's `canonicalize` package, and
 * SHA-256 over its UTF-8 bytes. Everything that is hashed or written to the
 * ledger goes through here; nothing else calls JSON.stringify on such data.
 */
import * as crypto from 'node:crypto';
import canonicalizeImpl from 'canonicalize';

/**
 * node:crypto's one-shot hash (Node >= 20.12), a third cheaper than a Hash
 * object for the short inputs hashed here; absent on older runtimes a
 * chaincode may be deployed to, where the Hash object is used.
 */
export const oneShotHash = (crypto as { hash?: (algorithm: string, data: Uint8Array | string, encoding: 'hex') => string }).hash;

/** A JSON value as it may appear in a declaration, a record or an event. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** RFC 8785 canonical JSON text of a value. Throws on values JSON cannot carry. */
export function canonicalJson(value: unknown): string {
  if (!isJsonSafe(value)) {
    assertJsonSafe(value, '$'); // throws, naming where
  }
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
  return oneShotHash ? oneShotHash('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of the canonical JSON of a value. */
export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** assertJsonSafe's rule without building a path for every value: the common case, checked first. */
function isJsonSafe(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return true;
  }
  if (typeof value === 'number') {
    return Number.isSafeInteger(value);
  }
  if (Array.isArray(value)) {
    return value.every(isJsonSafe);
  }
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      return false;
    }
    for (const key in value) {
      if (Object.hasOwn(value, key)) {
        const item = (value as Record<string, unknown>)[key];
        if (item !== undefined && !isJsonSafe(item)) {
          return false;
        }
      }
    }
    return true;
  }
  return false;
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
