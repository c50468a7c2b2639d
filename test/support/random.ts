/** Deterministic random inputs for the domain tests: the same on every run, so a failure can be replayed. */
import { createHash } from 'node:crypto';

/** Deterministic pseudo-random bytes: the stream of SHA-256 digests of a label and a counter. */
export function seededBytes(label: string): (length: number) => Buffer {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (length) => {
    while (pool.length < length) {
      const blocks = Array.from({ length: 32 }, () => createHash('sha256').update(`${label}/${counter++}`).digest());
      pool = Buffer.concat([pool, ...blocks]);
    }
    const out = pool.subarray(0, length);
    pool = pool.subarray(length);
    return out;
  };
}

/** Random JSON values a declaration may hold, with the strings, keys and integers canonical JSON treats specially. */
export function randomJson(random: (length: number) => Buffer): (depth?: number) => unknown {
  const texts = ['', 'a', 'Z', '0', 'é', '€', '😀', '\ud83d', '\ude00', '\u0000', '\u001f', '\u007f', '"', '\\', '/', '\u2028', '\r\n', ' ', '\ufeff'];
  const keys = ['', 'a', 'b', 'B', '1', '10', '2', 'é', '€', '😀', '\ufb33', '\r', '__proto__', 'toString', 'f', 's', 'v'];
  const ints = [0, -0, 1, -1, 42, 2 ** 31, -(2 ** 32), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e15];
  const pick = <T>(list: readonly T[]): T => list[random(1)[0]! % list.length]!;
  const text = (): string => Array.from({ length: random(1)[0]! % 6 }, () => pick(texts)).join('');
  const value = (depth = 0): unknown => {
    const kind = random(1)[0]! % (depth > 2 ? 4 : 7);
    switch (kind) {
      case 0:
        return pick([null, true, false]);
      case 1:
        return pick(ints);
      case 2:
      case 3:
        return text();
      case 4:
        return Array.from({ length: random(1)[0]! % 5 }, () => value(depth + 1));
      default: {
        // Object.fromEntries defines '__proto__' as an own key, as JSON.parse does.
        const entries: [string, unknown][] = Array.from({ length: random(1)[0]! % 6 }, () => [
          pick(keys) + (random(1)[0]! % 3 === 0 ? text() : ''),
          random(1)[0]! % 9 === 0 ? undefined : value(depth + 1),
        ]);
        const object: Record<string, unknown> = Object.fromEntries(entries);
        return kind === 6 ? Object.assign(Object.create(null) as Record<string, unknown>, object) : object;
      }
    }
  };
  return value;
}
