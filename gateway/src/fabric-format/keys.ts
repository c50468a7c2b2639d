/** Composite keys exactly as fabric-shim builds them, and key order as LevelDB sorts them (UTF-8 bytes). */

const NS = '\u0000';
const MAX = '\u{10ffff}';

function checkAttribute(value: string): void {
  if (value.includes(NS) || value.includes(MAX)) {
    throw new Error('composite key attributes must not contain U+0000 or U+10FFFF');
  }
}

export function createCompositeKey(objectType: string, attributes: readonly string[]): string {
  checkAttribute(objectType);
  attributes.forEach(checkAttribute);
  return `${NS}${objectType}${NS}${attributes.map((a) => `${a}${NS}`).join('')}`;
}

export function splitCompositeKey(compositeKey: string): { objectType: string | null; attributes: string[] } {
  if (!compositeKey.startsWith(NS)) {
    return { objectType: null, attributes: [] };
  }
  const parts = compositeKey.slice(1).split(NS);
  parts.pop();
  const [objectType = null, ...attributes] = parts;
  return { objectType, attributes };
}

/** The half-open key range [start, end) of every key under a partial composite key. */
export function partialKeyRange(objectType: string, attributes: readonly string[]): { start: string; end: string } {
  const start = createCompositeKey(objectType, attributes);
  return { start, end: `${start}${MAX}` };
}

export function isCompositeKey(key: string): boolean {
  return key.startsWith(NS);
}

/** Compares keys by their UTF-8 bytes, the order LevelDB and Fabric's state databases use. */
export function compareKeys(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
