/**
 * AgreementContract: data-sharing agreements between member authorities.
 * Proposed by a party (whose proposal is its acceptance), accepted by every
 * other party in its own transaction under its own key-level policy, then
 * suspended, resumed or terminated by any party.
 */
import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { CodedContract } from './coded-contract';
import {
  AGREEMENT_STATUSES,
  LedgerRuleError,
  agreementIdSchema,
  canonicalJson,
  mspIdSchema,
  parseAgreementProposal,
  parseWith,
  type Acceptance,
  type Agreement,
  type AgreementStatus,
  type PartyAction,
  requireParty,
} from '../domain';
import { z } from 'zod';
import {
  ACCEPTANCE,
  AGREEMENT,
  AGREEMENT_BY_PARTY,
  findAgreement,
  loadAgreement,
  requireMembers,
  viewOf,
  type AgreementView,
} from './agreements';
import { allOf } from './policy';
import { INDEX_VALUE, SkippedDocuments, collect, emit, jsonArg, key, requireRole, txTime, writeState } from './support';

const reasonSchema = z.string().min(1, 'must not be empty').max(500, 'must be at most 500 characters');
const statusFilter = z.union([z.literal(''), z.enum(AGREEMENT_STATUSES)]);
const partyFilter = z.union([z.literal(''), mspIdSchema]);

@Info({ title: 'AgreementContract', description: 'Data-sharing agreements between member customs authorities' })
export class AgreementContract extends CodedContract {
  constructor() {
    super('agreement');
  }

  @Transaction()
  @Returns('string')
  public async Propose(ctx: Context, agreementJson: string): Promise<string> {
    const caller = requireRole(ctx, 'admin');
    const proposal = parseAgreementProposal(jsonArg(agreementJson, 'agreement'));
    if (!proposal.parties.includes(caller.msp)) {
      throw new LedgerRuleError('NOT_A_PARTY', `the proposer ${caller.msp} must be one of the parties`, {
        field: 'agreement.parties',
        msp: caller.msp,
      });
    }
    // the field as a proposal names it (the body of POST /agreements)
    await requireMembers(ctx, proposal.parties, 'parties');
    const now = txTime(ctx);
    const agreementKey = key(ctx, AGREEMENT, proposal.id);
    if ((await ctx.stub.getState(agreementKey)).length > 0) {
      throw new LedgerRuleError('AGREEMENT_EXISTS', `agreement ${proposal.id} already exists`, { agreementId: proposal.id });
    }
    const txId = ctx.stub.getTxID();
    const agreement: Agreement = {
      ...proposal,
      docType: 'agreement',
      proposer: caller.msp,
      proposedAt: now,
      proposeTxId: txId,
      suspension: null,
      termination: null,
    };
    await writeState(ctx, agreementKey, agreement);
    // Its terms bind every party: a change (a suspension, resumption or termination, which any party may
    // make) needs every party's endorsement, so no party can rewrite the terms the others accepted.
    await ctx.stub.setStateValidationParameter(agreementKey, allOf(agreement.parties));
    for (const party of agreement.parties) {
      await ctx.stub.putState(key(ctx, AGREEMENT_BY_PARTY, party, agreement.id), INDEX_VALUE);
    }
    await this._writeAcceptance(ctx, agreement.id, caller.msp, now);
    emit(ctx, 'AgreementProposed', { agreementId: agreement.id, proposer: caller.msp, parties: agreement.parties, at: now });
    // Fabric reads never see this transaction's own writes, so the answer is built from what was written.
    return canonicalJson(viewOf(agreement, [caller.msp], now));
  }

  @Transaction()
  @Returns('string')
  public async Accept(ctx: Context, agreementId: string): Promise<string> {
    const caller = requireRole(ctx, 'admin');
    const id = parseWith(agreementIdSchema, agreementId, 'agreementId');
    const now = txTime(ctx);
    const view = await loadAgreement(ctx, id, now);
    requireParty(view, caller.msp);
    if (view.acceptedBy.includes(caller.msp)) {
      throw new LedgerRuleError('ALREADY_ACCEPTED', `${caller.msp} has already accepted agreement ${id}`, {
        agreementId: id,
      });
    }
    if (view.status !== 'proposed') {
      throw new LedgerRuleError('INVALID_AGREEMENT_STATE', `agreement ${id} is ${view.status} and cannot be accepted`, {
        agreementId: id,
        status: view.status,
      });
    }
    await this._writeAcceptance(ctx, id, caller.msp, now);
    emit(ctx, 'AgreementAccepted', { agreementId: id, party: caller.msp, at: now });
    const { acceptedBy, status: _status, ...stored } = view;
    return canonicalJson(viewOf(stored, [...acceptedBy, caller.msp], now));
  }

  @Transaction()
  @Returns('string')
  public async Suspend(ctx: Context, agreementId: string, reason: string): Promise<string> {
    return this._changeState(ctx, agreementId, reason, 'suspend');
  }

  @Transaction()
  @Returns('string')
  public async Resume(ctx: Context, agreementId: string, reason: string): Promise<string> {
    return this._changeState(ctx, agreementId, reason, 'resume');
  }

  @Transaction()
  @Returns('string')
  public async Terminate(ctx: Context, agreementId: string, reason: string): Promise<string> {
    return this._changeState(ctx, agreementId, reason, 'terminate');
  }

  @Transaction(false)
  @Returns('string')
  public async Get(ctx: Context, agreementId: string): Promise<string> {
    requireRole(ctx, 'admin', 'officer', 'auditor');
    const id = parseWith(agreementIdSchema, agreementId, 'agreementId');
    return canonicalJson(await loadAgreement(ctx, id, txTime(ctx)));
  }

  /** Agreements, optionally only those naming `party` and only those in `status` ("" for any). */
  @Transaction(false)
  @Returns('string')
  public async List(ctx: Context, party: string, status: string): Promise<string> {
    requireRole(ctx, 'admin', 'officer', 'auditor');
    const partyValue = parseWith(partyFilter, party, 'party');
    const statusValue = parseWith(statusFilter, status, 'status');
    const now = txTime(ctx);
    const skipped = new SkippedDocuments();
    const ids =
      partyValue === ''
        ? (await collect(await ctx.stub.getStateByPartialCompositeKey(AGREEMENT, []))).map(
            (kv) => ctx.stub.splitCompositeKey(kv.key).attributes[0] ?? '',
          )
        : (await collect(await ctx.stub.getStateByPartialCompositeKey(AGREEMENT_BY_PARTY, [partyValue]))).map(
            (kv) => ctx.stub.splitCompositeKey(kv.key).attributes[1] ?? '',
          );
    const agreements: AgreementView[] = [];
    for (const id of [...new Set(ids)].sort()) {
      const view = await skipped.take(() => findAgreement(ctx, id, now, skipped));
      if (view && (statusValue === '' || view.status === statusValue)) {
        agreements.push(view);
      }
    }
    return canonicalJson({ agreements, skipped: skipped.entries });
  }

  private async _writeAcceptance(ctx: Context, agreementId: string, party: string, now: string): Promise<void> {
    const acceptanceKey = key(ctx, ACCEPTANCE, agreementId, party);
    const acceptance: Acceptance = { docType: 'acceptance', agreementId, party, acceptedAt: now, txId: ctx.stub.getTxID() };
    await writeState(ctx, acceptanceKey, acceptance);
    await ctx.stub.setStateValidationParameter(acceptanceKey, allOf([party]));
  }

  private async _changeState(
    ctx: Context,
    agreementId: string,
    reasonText: string,
    action: 'resume' | 'suspend' | 'terminate',
  ): Promise<string> {
    const caller = requireRole(ctx, 'admin');
    const id = parseWith(agreementIdSchema, agreementId, 'agreementId');
    const reason = parseWith(reasonSchema, reasonText, 'reason');
    const now = txTime(ctx);
    const view = await loadAgreement(ctx, id, now);
    requireParty(view, caller.msp);
    const allowedFrom: Record<typeof action, AgreementStatus[]> = {
      suspend: ['active', 'pending'],
      resume: ['suspended'],
      terminate: ['active', 'expired', 'pending', 'proposed', 'suspended'],
    };
    if (!allowedFrom[action].includes(view.status)) {
      throw new LedgerRuleError('INVALID_AGREEMENT_STATE', `agreement ${id} is ${view.status} and cannot ${action}`, {
        agreementId: id,
        status: view.status,
      });
    }
    const stamp: PartyAction = { by: caller.msp, at: now, reason, txId: ctx.stub.getTxID() };
    const { acceptedBy: _acceptedBy, status: _status, ...stored } = view;
    const next: Agreement = {
      ...stored,
      suspension: action === 'suspend' ? stamp : action === 'resume' ? null : stored.suspension,
      termination: action === 'terminate' ? stamp : null,
    };
    await writeState(ctx, key(ctx, AGREEMENT, id), next);
    const event = { suspend: 'AgreementSuspended', resume: 'AgreementResumed', terminate: 'AgreementTerminated' }[action];
    emit(ctx, event, { agreementId: id, by: caller.msp, reason, at: now });
    return canonicalJson(viewOf(next, view.acceptedBy, now));
  }
}
