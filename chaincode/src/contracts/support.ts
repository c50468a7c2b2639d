/**
 * What every contract needs from its context: who calls and from which
 * peer, the transaction time, canonical reads and writes, composite keys,
 * key-level endorsement and the one event a transaction may carry. None of
 * these are transactions: they live outside the contract classes.
 */
import type { Context } from 'fabric-contract-api';
import type { z } from 'zod';
import { LedgerRuleError, ROLES, canonicalBytes, documentIssue, keyLabel, parseJsonBytes, parseJsonText, type Role, type SkippedDocument } from '../domain';


export interface Caller {
  msp: string;
  role: Role;
  id: string;
}

/** The calling identity, with its role from the certificate attribute `role`. */
export function callerOf(ctx: Context): Caller {
  const msp = ctx.clientIdentity.getMSPID();
  const role = ctx.clientIdentity.getAttributeValue('role');
  if (role === null || !(ROLES as readonly string[]).includes(role)) {
    throw new LedgerRuleError('FORBIDDEN_ROLE', 'the caller has no customs-ledger role (officer, admin or auditor)', {
      role,
    });
  }
  return { msp, role: role as Role, id: ctx.clientIdentity.getID() };
}

export function requireRole(ctx: Context, ...roles: Role[]): Caller {
  const caller = callerOf(ctx);
  if (!roles.includes(caller.role)) {
    throw new LedgerRuleError('FORBIDDEN_ROLE', `this needs the role ${roles.join(' or ')}, the caller is ${caller.role}`, {
      role: caller.role,
      required: roles,
    });
  }
  return caller;
}

/** The MSP of the peer that runs this simulation. */
export function peerMsp(ctx: Context): string {
  return ctx.stub.getMspID();
}

/** Transaction time (the proposal's timestamp, the same on every endorser) as an ISO instant. */
export function txTime(ctx: Context): string {
  return ctx.stub.getDateTimestamp().toISOString();
}

export function key(ctx: Context, objectType: string, ...attributes: string[]): string {
  return ctx.stub.createCompositeKey(objectType, attributes);
}

/** The UTF-8 text of bytes the stub handed over, without copying them first. */
function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** Reads a document, or undefined when the key holds none. */
export async function readState<T>(ctx: Context, stateKey: string, read: DocumentReader<T>): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(stateKey);
  return bytes.length === 0 ? undefined : read(bytes, stateKey);
}

export async function writeState(ctx: Context, stateKey: string, value: unknown): Promise<void> {
  await ctx.stub.putState(stateKey, canonicalBytes(value));
}

/** Index keys carry one zero byte: an empty value would be a delete in Fabric. */
export const INDEX_VALUE = Uint8Array.of(0);

export async function readPrivate<T>(
  ctx: Context,
  collection: string,
  stateKey: string,
  read: DocumentReader<T>,
): Promise<T | undefined> {
  const bytes = await ctx.stub.getPrivateData(collection, stateKey);
  return bytes.length === 0 ? undefined : read(bytes, stateKey);
}

/** A transient entry, required, as parsed JSON. */
export function transientJson(ctx: Context, name: string): unknown {
  const value = ctx.stub.getTransient().get(name);
  if (value === undefined || value.length === 0) {
    throw new LedgerRuleError('MISSING_TRANSIENT', `transient data "${name}" is required`, { field: `transient.${name}` });
  }
  return parseJsonBytes(value, `transient.${name}`);
}

/** A transaction carries at most one chaincode event (Fabric keeps the last one set). */
export function emit(ctx: Context, name: string, payload: unknown): void {
  ctx.stub.setEvent(name, canonicalBytes(payload));
}

/** Parses a JSON text argument. */
export function jsonArg(text: string, label: string): unknown {
  return parseJsonText(text, label);
}

/**
 * Takes the bytes under a key as one kind of document. Whatever a faulty or
 * hostile member may still put under a key it owns is refused here as
 * MALFORMED_DOCUMENT, naming the key and the field at fault, before any
 * rule relies on it: bytes that are not the document, and a document that
 * does not hold together or names another key than its own (`inconsistency`,
 * given the document and its key as `type/attribute/...`).
 */
export type DocumentReader<T> = (bytes: Uint8Array, stateKey: string) => T;

export function documentReader<T>(
  schema: z.ZodType<T>,
  name: string,
  inconsistency: (doc: T, where: string) => string | undefined = () => undefined,
): DocumentReader<T> {
  return (bytes, stateKey) => {
    let json: unknown;
    try {
      json = JSON.parse(utf8(bytes)) as unknown;
    } catch {
      throw malformed(stateKey, name, 'not JSON');
    }
    const result = schema.safeParse(json);
    const issue = result.success ? inconsistency(result.data, keyLabel(stateKey)) : documentIssue(schema, json);
    if (issue !== undefined || !result.success) {
      throw malformed(stateKey, name, issue ?? 'is invalid');
    }
    return result.data;
  };
}

function malformed(stateKey: string, name: string, reason: string): LedgerRuleError {
  const where = keyLabel(stateKey);
  return new LedgerRuleError('MALFORMED_DOCUMENT', `the ledger holds no well-formed ${name} under ${where}: ${reason}`, {
    key: where,
    reason,
  });
}

/**
 * The documents a listing could not take, each named with why. A listing
 * skips them and says so, rather than failing for every reader: only the
 * member that owns a key can have written it, and the auditor reports it.
 */
export class SkippedDocuments {
  readonly entries: SkippedDocument[] = [];

  /** The document `read` finds, or undefined when it is malformed (and noted here). */
  async take<T>(read: () => Promise<T | undefined> | T | undefined): Promise<T | undefined> {
    try {
      return await read();
    } catch (err) {
      if (err instanceof LedgerRuleError && err.code === 'MALFORMED_DOCUMENT') {
        this.entries.push({ key: String(err.details.key), reason: err.message });
        return undefined;
      }
      throw err;
    }
  }
}

interface KvIterator {
  next(): Promise<{ value?: { key: string; value: Uint8Array }; done?: boolean }>;
  close(): Promise<unknown>;
}

/**
 * Reads a state iterator to its end and closes it. fabric-shim resolves
 * public-state range queries to the iterator itself but private-data range
 * queries (and paginated ones) to `{iterator}`: both are taken.
 */
export async function collect(result: KvIterator | { iterator: KvIterator }): Promise<{ key: string; value: Uint8Array }[]> {
  const iterator = 'iterator' in result ? result.iterator : result;
  const out: { key: string; value: Uint8Array }[] = [];
  try {
    for (let r = await iterator.next(); !r.done && r.value; r = await iterator.next()) {
      out.push({ key: r.value.key, value: r.value.value });
    }
  } finally {
    await iterator.close();
  }
  return out;
}
