/** What every ledger rule sees of one transaction: its writes, who endorsed it, the state before it, and where to report. */
import { DOCUMENT_KEYS, agreementStatus, type Agreement, type AgreementStatus } from 'customs-ledger-chaincode/domain';
import type { DecodedTransaction } from '../fabric-format/decoded';
import { createCompositeKey, partialKeyRange, splitCompositeKey } from '../fabric-format/keys';
import { DocumentError, jsonOfBytes, parseAcceptance, parseAgreement } from './documents';
import type { AuditRule, FindingSite } from './finding';
import type { ReplayState } from './replay-state';
import type { TraderCheck } from './signature-checks';

export interface RuleContext {
  tx: DecodedTransaction;
  site: FindingSite;
  /** the state as it was before this transaction */
  state: ReplayState;
  /** organisations whose peers validly endorsed this transaction */
  endorsers: ReadonlySet<string>;
  /** the transaction time, ISO */
  at: string;
  report(rule: AuditRule, message: string): void;
  /** the verdict on a trader's signature (checked ahead with the block's other signatures) */
  traderSignatureValid(check: TraderCheck): boolean;
}

export interface TypedWrite {
  key: string;
  objectType: string;
  attributes: string[];
  value: Uint8Array | null;
}

/** Every transaction's public writes by object type, split once for all the rules. */
const typedWrites = new WeakMap<DecodedTransaction, Map<string, TypedWrite[]>>();

/** The transaction's public writes whose composite key has this object type. */
export function writesOf(tx: DecodedTransaction, objectType: string): TypedWrite[] {
  let byType = typedWrites.get(tx);
  if (!byType) {
    byType = new Map();
    for (const w of tx.rwset.writes) {
      const { objectType: type, attributes } = splitCompositeKey(w.key);
      if (type !== null) {
        const write = { key: w.key, objectType: type, attributes, value: w.value };
        const list = byType.get(type);
        if (list) {
          list.push(write);
        } else {
          byType.set(type, [write]);
        }
      }
    }
    typedWrites.set(tx, byType);
  }
  return byType.get(objectType) ?? [];
}

export const compositeKey = createCompositeKey;

/** Reads and parses a document from the state; reports and returns undefined when it is not one. */
export async function readDocument<T>(ctx: RuleContext, key: string, parse: (u: unknown) => T): Promise<T | undefined> {
  const known = ctx.state.peek(key);
  const entry = known === undefined ? await ctx.state.get(key) : known;
  return entry ? parseOrReport(ctx, entry.value, parse) : undefined;
}

export function parseOrReport<T>(ctx: RuleContext, bytes: Uint8Array, parse: (u: unknown) => T): T | undefined {
  const parsed = parseBytes(bytes, parse);
  if ('error' in parsed) {
    ctx.report('document', parsed.error.message);
    return undefined;
  }
  return parsed.value;
}

/**
 * Documents parsed so far, by the bytes they were parsed from: a value is
 * read by several rules and again as the state before a later transaction,
 * and parsed once. The documents are read-only to the rules.
 */
const parsedDocuments = new WeakMap<Uint8Array, Map<(u: unknown) => unknown, { value: unknown } | { error: DocumentError }>>();

/** A document of the state, parsed (once per bytes and parser), or the DocumentError that says why it is not one. */
export function parseBytes<T>(bytes: Uint8Array, parse: (u: unknown) => T): { value: T } | { error: DocumentError } {
  let byParser = parsedDocuments.get(bytes);
  const known = byParser?.get(parse) as { value: T } | { error: DocumentError } | undefined;
  if (known) {
    return known;
  }
  let parsed: { value: T } | { error: DocumentError };
  try {
    parsed = { value: parse(jsonOfBytes(bytes)) };
  } catch (err) {
    if (!(err instanceof DocumentError)) {
      throw err;
    }
    parsed = { error: err };
  }
  if (!byParser) {
    byParser = new Map();
    parsedDocuments.set(bytes, byParser);
  }
  byParser.set(parse, parsed);
  return parsed;
}

export interface AgreementAt {
  agreement: Agreement;
  acceptedBy: string[];
  status: AgreementStatus;
}

/** An agreement and its status at the transaction's time, from the replayed agreement and acceptance keys. */
export async function agreementAt(ctx: RuleContext, agreementId: string): Promise<AgreementAt | undefined> {
  const agreement = await readDocument(ctx, createCompositeKey(DOCUMENT_KEYS.agreement, [agreementId]), parseAgreement);
  if (!agreement) {
    return undefined;
  }
  const { start, end } = partialKeyRange(DOCUMENT_KEYS.acceptance, [agreementId]);
  const acceptedBy: string[] = [];
  for (const { entry } of await ctx.state.range(start, end)) {
    const acceptance = parseOrReport(ctx, entry.value, parseAcceptance);
    if (acceptance) {
      acceptedBy.push(acceptance.party);
    }
  }
  const parties = [...new Set(acceptedBy)].sort();
  return { agreement, acceptedBy: parties, status: agreementStatus(agreement, parties, ctx.at) };
}
