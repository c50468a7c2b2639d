/** Proposing, accepting, suspending, resuming, terminating and reading data-sharing agreements. */
import { canonicalJson, type AgreementProposal, type AgreementStatus } from 'customs-ledger-chaincode/domain';
import type { WalletIdentity } from '../ledger/backend';
import type { LedgerClient } from './ledger-client';
import {
  agreementActivitySchema,
  agreementListSchema,
  agreementViewSchema,
  answerParser,
  type AgreementActivity,
  type AgreementList,
  type AgreementView,
} from './ledger-views';

export type AgreementAction = 'resume' | 'suspend' | 'terminate';

const FUNCTION_OF: Record<AgreementAction, string> = { suspend: 'Suspend', resume: 'Resume', terminate: 'Terminate' };

const asView = answerParser(agreementViewSchema, 'agreement');
const asList = answerParser(agreementListSchema, 'agreements');
const asActivity = answerParser(agreementActivitySchema, 'activity');

export interface AgreementFilter {
  party?: string | undefined;
  status?: AgreementStatus | undefined;
}

export class AgreementService {
  constructor(private readonly ledger: LedgerClient) {}

  async propose(as: WalletIdentity, proposal: AgreementProposal): Promise<AgreementView> {
    const args = [canonicalJson(proposal)];
    return (await this.ledger.submit({ identity: as, contract: 'agreement', fn: 'Propose', args }, asView)).value;
  }

  async accept(as: WalletIdentity, agreementId: string): Promise<AgreementView> {
    return (await this.ledger.submit({ identity: as, contract: 'agreement', fn: 'Accept', args: [agreementId] }, asView)).value;
  }

  /**
   * Suspends, resumes or terminates. The agreement's key can be changed only
   * with every party's endorsement (its terms bind them all), so every
   * party's peer is asked; each honest one endorses what any party may do.
   */
  async change(as: WalletIdentity, agreementId: string, action: AgreementAction, reason: string): Promise<AgreementView> {
    const current = await this.get(as, agreementId);
    const request = { identity: as, contract: 'agreement' as const, fn: FUNCTION_OF[action], args: [agreementId, reason], endorsingOrgs: current.parties };
    return (await this.ledger.submit(request, asView)).value;
  }

  get(as: WalletIdentity, agreementId: string): Promise<AgreementView> {
    return this.ledger.evaluate({ identity: as, contract: 'agreement', fn: 'Get', args: [agreementId] }, asView);
  }

  list(as: WalletIdentity, filter: AgreementFilter): Promise<AgreementList> {
    const args = [filter.party ?? '', filter.status ?? ''];
    return this.ledger.evaluate({ identity: as, contract: 'agreement', fn: 'List', args }, asList);
  }

  /** Every share, access request and purge under the agreement: public facts only. */
  activity(as: WalletIdentity, agreementId: string): Promise<AgreementActivity> {
    return this.ledger.evaluate({ identity: as, contract: 'consignment', fn: 'AgreementActivity', args: [agreementId] }, asActivity);
  }
}
