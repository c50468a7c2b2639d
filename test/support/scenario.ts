/** Building blocks for contract scenarios: agreements in a given state, lodged records, shares. */
import { strict as assert } from 'node:assert';
import type { Wallet } from 'ethers';
import { fieldsOfCategories, type DataCategory, type Declaration, type Purpose } from 'customs-ledger-chaincode/domain';
import { makeLodgement, newTrader, sampleDeclaration, type Lodgement } from './fixtures';
import type { CallResult, MemoryLedger } from './memory-ledger';

export interface AgreementSpec {
  id: string;
  parties: string[];
  categories?: DataCategory[];
  purposes?: Purpose[];
  validFrom?: string;
  validUntil?: string;
  retentionDays?: number;
  onwardSharing?: boolean;
  legalBasis?: string;
}

export function agreementJson(spec: AgreementSpec): string {
  return JSON.stringify({
    id: spec.id,
    parties: spec.parties,
    categories: spec.categories ?? ['goods', 'valuation'],
    purposes: spec.purposes ?? ['risk-assessment'],
    legalBasis: spec.legalBasis ?? 'Mutual administrative assistance, Regulation (EC) No 515/97, Art. 4',
    validFrom: spec.validFrom ?? '2026-01-01T00:00:00Z',
    validUntil: spec.validUntil ?? '2027-12-31T00:00:00Z',
    retentionDays: spec.retentionDays ?? 90,
    onwardSharing: spec.onwardSharing ?? false,
  });
}

export function expectOk(result: CallResult): unknown {
  assert.equal(result.ok, true, `expected success, got: ${result.message}`);
  return JSON.parse(result.payload) as unknown;
}

/** Proposes as the first party's admin; the others accept unless `acceptedBy` says otherwise. */
export async function makeAgreement(
  ledger: MemoryLedger,
  spec: AgreementSpec,
  options: { acceptedBy?: string[]; time?: Date } = {},
): Promise<void> {
  const [proposer, ...others] = spec.parties;
  const time = options.time ?? ledger.now;
  expectOk(await ledger.submit('agreement:Propose', { msp: proposer!, role: 'admin', args: [agreementJson(spec)], time }));
  for (const party of options.acceptedBy ?? others) {
    expectOk(await ledger.submit('agreement:Accept', { msp: party, role: 'admin', args: [spec.id], time }));
  }
}

export async function lodge(
  ledger: MemoryLedger,
  msp: string,
  overrides: Partial<Declaration> = {},
  trader: Wallet | null = newTrader(),
): Promise<Lodgement> {
  const l = await makeLodgement(sampleDeclaration(overrides), msp, trader);
  expectOk(await lodgeIn(ledger, msp, l));
  return l;
}

/** A lodgement's two transactions on the in-memory channel: StoreDeclaration, then (if it succeeded) Lodge. */
export async function lodgeIn(ledger: MemoryLedger, msp: string, l: Lodgement, extra: { time?: Date } = {}): Promise<CallResult> {
  const stored = await ledger.submit('consignment:StoreDeclaration', { msp, args: l.args, transient: l.transient, ...extra });
  return stored.ok ? ledger.submit('consignment:Lodge', { msp, args: l.args, ...extra }) : stored;
}

/** The transient "shared" payload for the given categories of a lodgement. */
export function sharedPayload(l: Lodgement, categories: DataCategory[]): { fields: Record<string, unknown>; salts: Record<string, string> } {
  const fields: Record<string, unknown> = {};
  const salts: Record<string, string> = {};
  for (const f of fieldsOfCategories(categories)) {
    fields[f] = l.declaration[f];
    salts[f] = l.salts[f];
  }
  return { fields, salts };
}

export interface ShareCall {
  from: string;
  to: string;
  agreementId: string;
  purpose?: Purpose;
  categories?: DataCategory[] | null;
  payload?: unknown;
  time?: Date;
}

export function share(ledger: MemoryLedger, l: Lodgement, call: ShareCall, payloadCategories: DataCategory[] = ['goods', 'valuation']): Promise<CallResult> {
  return ledger.submit('consignment:Share', {
    msp: call.from,
    peers: [call.from, call.to],
    args: [
      l.declaration.ucr,
      call.to,
      call.agreementId,
      call.purpose ?? 'risk-assessment',
      call.categories ? JSON.stringify(call.categories) : '',
    ],
    transient: { shared: call.payload ?? sharedPayload(l, call.categories ?? payloadCategories) },
    ...(call.time ? { time: call.time } : {}),
  });
}
