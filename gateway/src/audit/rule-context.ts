/** What every ledger rule sees of one transaction: its writes, who endorsed it, the state before it, and where to report. */
import { agreementStatus, type Agreement, type AgreementStatus } from 'customs-ledger-chaincode/domain';
import type { DecodedTransaction } from '../ledger/fabric-format/transaction';
import { createCompositeKey, partialKeyRange, splitCompositeKey } from '../ledger/embedded/keys';
import { DocumentError, jsonOfBytes, parseAcceptance, parseAgreement } from './documents';
import type { AuditRule, FindingSite } from './finding';
import type { ReplayState } from './replay-state';

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
}

export interface TypedWrite {
  key: string;
  objectType: string;
  attributes: string[];
  value: Uint8Array | null;
}

/** The transaction's public writes whose composite key has this object type. */
export function writesOf(tx: DecodedTransaction, objectType: string): TypedWrite[] {
  const out: TypedWrite[] = [];
  for (const w of tx.rwset.writes) {
    const { objectType: type, attributes } = splitCompositeKey(w.key);
    if (type === objectType) {
      out.push({ key: w.key, objectType: type, attributes, value: w.value });
    }
  }
  return out;
}

export const compositeKey = createCompositeKey;

/** Reads and parses a document from the state; reports and returns undefined when it is not one. */
export async function readDocument<T>(ctx: RuleContext, key: string, parse: (u: unknown) => T): Promise<T | undefined> {
  const entry = await ctx.state.get(key);
  return entry ? parseOrReport(ctx, entry.value, parse) : undefined;
}

export function parseOrReport<T>(ctx: RuleContext, bytes: Uint8Array, parse: (u: unknown) => T): T | undefined {
  try {
    return parse(jsonOfBytes(bytes));
  } catch (err) {
    if (err instanceof DocumentError) {
      ctx.report('document', err.message);
      return undefined;
    }
    throw err;
  }
}

export interface AgreementAt {
  agreement: Agreement;
  acceptedBy: string[];
  status: AgreementStatus;
}

/** An agreement and its status at the transaction's time, from the replayed agreement and acceptance keys. */
export async function agreementAt(ctx: RuleContext, agreementId: string): Promise<AgreementAt | undefined> {
  const agreement = await readDocument(ctx, createCompositeKey('agreement', [agreementId]), parseAgreement);
  if (!agreement) {
    return undefined;
  }
  const { start, end } = partialKeyRange('acceptance', [agreementId]);
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
