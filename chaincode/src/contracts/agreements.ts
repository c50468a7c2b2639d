/** Reading agreements and their acceptances; shared by both contracts. */
import type { Context } from 'fabric-contract-api';
import {
  LedgerRuleError,
  agreementStatus,
  type Acceptance,
  type Agreement,
  type AgreementStatus,
} from '../domain';
import { collect, docOf, jsonOf, key, readState } from './support';

export const AGREEMENT = 'agreement';
export const ACCEPTANCE = 'acceptance';
export const AGREEMENT_BY_PARTY = 'agreement-party';

export interface AgreementView extends Agreement {
  acceptedBy: string[];
  status: AgreementStatus;
}

export const asAgreement = docOf<Agreement>('agreement');
export const asAcceptance = docOf<Acceptance>('acceptance');

export async function findAgreement(ctx: Context, id: string, now: string): Promise<AgreementView | undefined> {
  const agreement = await readState(ctx, key(ctx, AGREEMENT, id), asAgreement);
  if (!agreement) {
    return undefined;
  }
  const acceptances = await collect(await ctx.stub.getStateByPartialCompositeKey(ACCEPTANCE, [id]));
  const acceptedBy = acceptances.map((kv) => asAcceptance(jsonOf(kv.value, kv.key)).party);
  return viewOf(agreement, acceptedBy, now);
}

export function viewOf(agreement: Agreement, acceptedBy: readonly string[], now: string): AgreementView {
  const parties = [...new Set(acceptedBy)].sort();
  return { ...agreement, acceptedBy: parties, status: agreementStatus(agreement, parties, now) };
}

export async function loadAgreement(ctx: Context, id: string, now: string): Promise<AgreementView> {
  const view = await findAgreement(ctx, id, now);
  if (!view) {
    throw new LedgerRuleError('AGREEMENT_NOT_FOUND', `agreement ${id} does not exist`, { agreementId: id });
  }
  return view;
}

export function requireParty(view: AgreementView, msp: string): void {
  if (!view.parties.includes(msp)) {
    throw new LedgerRuleError('NOT_A_PARTY', `${msp} is not a party to agreement ${view.id}`, {
      agreementId: view.id,
      msp,
    });
  }
}
