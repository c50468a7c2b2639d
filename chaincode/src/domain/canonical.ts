/**
 * The one canonical encoding of customs-ledger: RFC 8785 (JSON Canonicalization
 * Scheme) as the reference implementation's `canonicalize` package writes it,
 * and SHA-256 over its UTF-8 bytes. Plain JSON (what declarations and records
 * are) is written in the walk that checks it, to the package's text; anything
 * else goes to the package itself. Everything that is hashed or written to the
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
  const text = plainCanonicalJson(value);
  return text === undefined ? packageCanonicalJson(value) : text;
}

/**
 * canonicalJson of a plain object (no toJSON) and of each of its members, by
 * key, from one walk, for a caller that also hashes the members alone;
 * undefined when the object or a member is one canonicalJson leaves to the
 * `canonicalize` package or refuses (see plainCanonicalJson).
 */
export function canonicalMembers(value: unknown): { json: string; members: Map<string, string> } | undefined {
  if (!isPlainObject(value)) {
    return undefined;
  }
  const members = new Map<string, string>();
  const json = plainObjectJson(value, members);
  return json === undefined ? undefined : { json, members };
}

/** canonicalJson through the `canonicalize` package, after the check that names what cannot be hashed. */
function packageCanonicalJson(value: unknown): string {
  assertJsonSafe(value, '$'); // throws, naming where
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

/**
 * The text `canonicalize` gives a value that assertJsonSafe accepts, built in
 * the same walk as that check; undefined for anything else, and for what
 * `canonicalize` reads differently from a plain walk (sparse or undefined
 * array items, a toJSON method), which canonicalJson leaves to the package.
 * Keys are sorted as the package sorts them (Array.prototype.sort: UTF-16
 * code units); strings and integers are written as JSON.stringify writes
 * them, which is what the package calls.
 */
function plainCanonicalJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      // A safe integer is written in plain decimal digits by both, -0 as 0.
      return Number.isSafeInteger(value) ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    if ((value as { toJSON?: unknown }).toJSON !== undefined) {
      return undefined;
    }
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const itemText = item === undefined ? undefined : plainCanonicalJson(item);
      if (itemText === undefined) {
        return undefined;
      }
      text += i === 0 ? itemText : `,${itemText}`;
    }
    return `${text}]`;
  }
  return isPlainObject(value) ? plainObjectJson(value) : undefined;
}

/** plainCanonicalJson of a plain object, noting each member's text in `members` when given. */
function plainObjectJson(value: Record<string, unknown>, members?: Map<string, string>): string | undefined {
  let text = '';
  for (const key of Object.keys(value).sort()) {
    const member = value[key];
    if (member !== undefined) {
      const memberText = plainCanonicalJson(member);
      if (memberText === undefined) {
        return undefined;
      }
      members?.set(key, memberText);
      text += `${text.length === 0 ? '' : ','}${jsonString(key)}:${memberText}`;
    }
  }
  return `{${text}}`;
}

/** An object of Object.prototype or none, without a toJSON the package would call instead of reading its members. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && (value as { toJSON?: unknown }).toJSON === undefined;
}

/** Characters JSON.stringify writes as they are: no quote, backslash, control character or surrogate. */
// eslint-disable-next-line no-control-regex
const VERBATIM = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** JSON.stringify of a string: the string in quotes when nothing in it is escaped. */
function jsonString(text: string): string {
  return VERBATIM.test(text) ? `"${text}"` : JSON.stringify(text);
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
