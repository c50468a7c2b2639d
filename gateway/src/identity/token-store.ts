/**
 * Bearer tokens of one authority's gateway. Each token maps to a wallet
 * identity label and a role. Tokens are 32 random bytes, shown once when
 * they are made; the file keeps only their SHA-256 hashes, written
 * atomically (temporary file, then rename), and a presented token is
 * compared with timingSafeEqual against every stored hash.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { hex64Schema, parseJsonText, parseWith } from 'customs-ledger-chaincode/domain';
import { ROLES, type Role } from 'customs-ledger-chaincode/domain';

export interface TokenHolder {
  /** wallet identity label, e.g. "officer1" */
  label: string;
  role: Role;
}

export interface IssuedToken extends TokenHolder {
  /** the bearer token itself: show it once, it is not stored */
  token: string;
}

export interface TokenStore {
  /** The holder of a presented token, or undefined for a token that is not ours. */
  authenticate(token: string): TokenHolder | undefined;
}

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

const fileSchema = z.strictObject({
  version: z.literal(1),
  tokens: z
    .array(
      z.strictObject({
        label: z.string().min(1).max(128),
        role: z.enum(ROLES),
        sha256: hex64Schema,
      }),
    )
    .min(1),
});

interface StoredToken extends TokenHolder {
  hash: Buffer;
}

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export class FileTokenStore implements TokenStore {
  private constructor(private readonly tokens: readonly StoredToken[]) {}

  /**
   * Opens the token file at `path`, or, when there is none, makes one token
   * per holder, stores their hashes there and returns the tokens in `issued`.
   */
  static async open(path: string, holders: readonly TokenHolder[]): Promise<{ store: FileTokenStore; issued: IssuedToken[] }> {
    const existing = await readIfPresent(path);
    if (existing !== undefined) {
      const parsed = parseWith(fileSchema, parseJsonText(existing, path), 'tokens');
      const stored = parsed.tokens.map((t) => ({ label: t.label, role: t.role, hash: Buffer.from(t.sha256, 'hex') }));
      return { store: new FileTokenStore(stored), issued: [] };
    }
    const issued = holders.map((h) => ({ label: h.label, role: h.role, token: randomBytes(32).toString('base64url') }));
    const file = {
      version: 1,
      tokens: issued.map((t) => ({ label: t.label, role: t.role, sha256: hashOf(t.token).toString('hex') })),
    };
    await writeAtomically(path, `${JSON.stringify(file, null, 2)}\n`);
    return { store: new FileTokenStore(issued.map((t) => ({ label: t.label, role: t.role, hash: hashOf(t.token) }))), issued };
  }

  authenticate(token: string): TokenHolder | undefined {
    if (!TOKEN_FORMAT.test(token)) {
      return undefined;
    }
    const presented = hashOf(token);
    let found: StoredToken | undefined;
    // Compare against every entry, so timing tells nothing about which one (if any) matched.
    for (const candidate of this.tokens) {
      if (timingSafeEqual(presented, candidate.hash) && found === undefined) {
        found = candidate;
      }
    }
    return found === undefined ? undefined : { label: found.label, role: found.role };
  }
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw err;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o600, flag: 'wx', flush: true });
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}
