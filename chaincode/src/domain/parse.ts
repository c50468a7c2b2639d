/** Turns a zod failure into a coded refusal that names the bad field. */
import { getLocation, visit, type JSONPath } from 'jsonc-parser';
import type { z } from 'zod';
import { LedgerRuleError } from './errors';

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, label: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  const issue = result.error.issues[0];
  const path = [label, ...(issue?.path ?? []).map(String)].join('.');
  const message = describeIssue(issue);
  throw new LedgerRuleError('INVALID_ARGUMENT', `${path}: ${message}`, { field: path });
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) {
    return 'is invalid';
  }
  if (issue.code === 'unrecognized_keys') {
    return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return issue.message;
}

/**
 * JSON.parse for an argument, a transient entry or a request body, held to
 * I-JSON (RFC 7493), which RFC 8785's canonical form assumes: a text that is
 * not JSON, an object that names a member twice, a string with a lone
 * surrogate, a number that a double cannot carry exactly (beyond ±2^53 for
 * an integer, beyond ±1.8e308 at all), or nesting deeper than MAX_DEPTH is
 * refused, naming where it is. Two readers of the same bytes therefore never
 * see two documents.
 */
export function parseJsonText(text: string, label: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw refusal(label, [], 'is not valid JSON');
  }
  checkIJson(text, label);
  return value;
}

/** parseJsonText for bytes, which must be UTF-8: an invalid sequence (CESU-8 surrogates among them) is refused where it stands. */
export function parseJsonBytes(bytes: Uint8Array, label: string): unknown {
  const text = strictUtf8(bytes);
  if (text === undefined) {
    // name the member that holds the bad byte: its place in the text the bytes decode to with replacements
    const at = firstInvalidByte(bytes);
    const charOffset = new TextDecoder('utf-8').decode(bytes.subarray(0, at)).length;
    throw refusal(label, getLocation(new TextDecoder('utf-8').decode(bytes), charOffset).path, `is not valid UTF-8 (byte ${at})`);
  }
  return parseJsonText(text, label);
}

/** Bytes as UTF-8 text (a file, say), refused with the offset of the first invalid byte. */
export function decodeUtf8(bytes: Uint8Array, label: string): string {
  const text = strictUtf8(bytes);
  if (text === undefined) {
    throw refusal(label, [], `is not valid UTF-8 (byte ${firstInvalidByte(bytes)})`);
  }
  return text;
}

/** The UTF-8 text of bytes, or undefined when they are not UTF-8; `stream` accepts a sequence cut off at the end. */
function strictUtf8(bytes: Uint8Array, stream = false): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
  } catch {
    return undefined;
  }
}

/** The offset of the first byte that starts no valid UTF-8 sequence: a prefix decodes (as a stream) until it reaches that byte. */
function firstInvalidByte(bytes: Uint8Array): number {
  const valid = (end: number): boolean => strictUtf8(bytes.subarray(0, end), true) !== undefined;
  let low = 0;
  let high = bytes.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (valid(mid)) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  // bytes [0, low) decode as a stream; the sequence that fails starts within the last four of them at most
  let start = low;
  while (start > 0 && start > low - 3 && ((bytes[start] ?? 0) & 0xc0) === 0x80) {
    start--;
  }
  return Math.min(start, bytes.length - 1);
}

/** No document here nests beyond a handful of levels; deeper input is refused before anything walks it. */
export const MAX_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkIJson(text: string, label: string): void {
  const members: Set<string>[] = [];
  let depth = 0;
  const nest = (pathOf: () => JSONPath): void => {
    if (++depth > MAX_DEPTH) {
      throw refusal(label, pathOf(), `nests objects and arrays deeper than ${MAX_DEPTH} levels`);
    }
  };
  const checkString = (s: string, path: JSONPath, what: string): void => {
    const lone = LONE_SURROGATE.exec(s);
    if (lone) {
      const code = lone[0].charCodeAt(0).toString(16);
      throw refusal(label, path, `${what} holds a lone surrogate \\u${code}, which is no Unicode character`);
    }
  };
  visit(
    text,
    {
      onObjectBegin: (_offset, _length, _line, _column, pathOf) => {
        members.push(new Set());
        nest(pathOf);
      },
      onObjectEnd: () => {
        members.pop();
        depth--;
      },
      onArrayBegin: (_offset, _length, _line, _column, pathOf) => nest(pathOf),
      onArrayEnd: () => {
        depth--;
      },
      onObjectProperty: (name, _offset, _length, _line, _column, pathOf) => {
        const path = [...pathOf(), name];
        checkString(name, path, 'its member name');
        const names = members[members.length - 1]!;
        if (names.has(name)) {
          throw refusal(label, path, `is named twice in one object; a member name must be unique (RFC 7493)`);
        }
        names.add(name);
      },
      onLiteralValue: (value: unknown, offset, length, _line, _column, pathOf) => {
        if (typeof value === 'string') {
          checkString(value, pathOf(), 'the string');
        } else if (typeof value === 'number') {
          const literal = text.slice(offset, offset + length);
          if (!Number.isFinite(value)) {
            throw refusal(label, pathOf(), `${literal.slice(0, 40)} is beyond the range of a JSON number (±1.8e308)`);
          }
          if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
            throw refusal(label, pathOf(), `${literal.slice(0, 40)} is beyond ±9007199254740991, where a JSON number no longer holds every integer exactly`);
          }
        }
      },
    },
    { disallowComments: true },
  );
}

function refusal(label: string, path: JSONPath, message: string): LedgerRuleError {
  const field = [label, ...path.map(String)].filter((part) => part !== '').join('.') || 'body';
  return new LedgerRuleError('INVALID_ARGUMENT', `${field}: ${message}`, { field });
}
