/** Reading agreements and their acceptances; shared by both contracts. */
import type { Context } from 'fabric-contract-api';
import {
  LedgerRuleError,
  acceptanceSchema,
  agreementSchema,
  agreementStatus,
  memberSchema,
  type Agreement,
  type Member,
  type AgreementView,
  DOCUMENT_KEYS,
  type IndexKey,
} from '../domain';
import { SkippedDocuments, collect, documentReader, key, readState } from './support';

export const AGREEMENT = DOCUMENT_KEYS.agreement;
export const ACCEPTANCE = DOCUMENT_KEYS.acceptance;
export const AGREEMENT_BY_PARTY = 'agreement-party' satisfies IndexKey;
export const MEMBER = DOCUMENT_KEYS.member;

export type { AgreementView };

export const asAgreement = documentReader(agreementSchema, 'agreement', (a, where) =>
  where === `${AGREEMENT}/${a.id}` ? undefined : `it names agreement ${a.id}`,
);
export const asMember = documentReader(memberSchema, 'member', (m, where) => (where === `${MEMBER}/${m.msp}` ? undefined : `it names member ${m.msp}`));
export const asAcceptance = documentReader(acceptanceSchema, 'acceptance', (a, where) =>
  where === `${ACCEPTANCE}/${a.agreementId}/${a.party}` ? undefined : `it names ${a.party}'s acceptance of ${a.agreementId}`,
);

/**
 * An agreement and its status. An acceptance that is not one counts as no
 * acceptance (its party alone could have written it, as it could have
 * deleted it) and is noted in `skipped`.
 */
export async function findAgreement(
  ctx: Context,
  id: string,
  now: string,
  skipped = new SkippedDocuments(),
): Promise<AgreementView | undefined> {
  const agreement = await readState(ctx, key(ctx, AGREEMENT, id), asAgreement);
  if (!agreement) {
    return undefined;
  }
  const acceptedBy: string[] = [];
  for (const kv of await collect(await ctx.stub.getStateByPartialCompositeKey(ACCEPTANCE, [id]))) {
    const acceptance = await skipped.take(() => asAcceptance(kv.value, kv.key));
    if (acceptance) {
      acceptedBy.push(acceptance.party);
    }
  }
  return viewOf(agreement, acceptedBy, now);
}

export function viewOf(agreement: Agreement, acceptedBy: readonly string[], now: string): AgreementView {
  const parties = [...new Set(acceptedBy)].sort();
  return { ...agreement, acceptedBy: parties, status: agreementStatus(agreement, parties, now) };
}

export async function loadAgreement(ctx: Context, id: string, now: string, skipped?: SkippedDocuments): Promise<AgreementView> {
  const view = await findAgreement(ctx, id, now, skipped);
  if (!view) {
    throw new LedgerRuleError('AGREEMENT_NOT_FOUND', `agreement ${id} does not exist`, { agreementId: id });
  }
  return view;
}

/**
 * Every party must be a registered member of the channel: one that no
 * member could ever endorse for would hold the agreement's terms (which
 * need every party) fixed for good, and data would be promised to nobody.
 */
export async function requireMembers(ctx: Context, parties: readonly string[], field: string): Promise<void> {
  for (const party of parties) {
    if (!(await memberOf(ctx, party))) {
      throw new LedgerRuleError('UNKNOWN_MEMBER', `${field}: ${party} is not a member of this channel`, { field, msp: party });
    }
  }
}

/** A registered member; a malformed member document counts as none. */
export function memberOf(ctx: Context, msp: string): Promise<Member | undefined> {
  return new SkippedDocuments().take(() => readState(ctx, key(ctx, MEMBER, msp), asMember));
}

