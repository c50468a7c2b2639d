/**
 * Data-sharing agreements between member authorities: the proposal a party
 * makes, the stored document, and its status as of a transaction time.
 */
import { z } from 'zod';
import { DATA_CATEGORIES, type DataCategory } from './declaration';
import { parseWith } from './parse';

export const PURPOSES = ['enforcement', 'revenue-collection', 'risk-assessment', 'statistics', 'transit-control'] as const;
export type Purpose = (typeof PURPOSES)[number];

export const AGREEMENT_STATUSES = ['active', 'expired', 'pending', 'proposed', 'suspended', 'terminated'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

export const mspIdSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9.-]{1,62}$/, 'must be an MSP id such as NLCustomsMSP');
export const agreementIdSchema = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{2,63}$/, 'must be 3-64 upper-case letters, digits and dashes, such as AGR-NL-BE-001');
export const purposeSchema = z.enum(PURPOSES);
export const categorySchema = z.enum(DATA_CATEGORIES);
const instant = z.iso.datetime({ offset: false, message: 'must be an ISO 8601 UTC time such as 2026-01-01T00:00:00Z' });

const uniqueSorted = <T extends string>(values: T[]): T[] => [...new Set(values)].sort();

export const agreementProposalSchema = z
  .strictObject({
    id: agreementIdSchema,
    // Repeats are refused below (naming the array); `uniqueItems` says so to whoever reads the schema.
    parties: z.array(mspIdSchema).min(2, 'must name at least two member authorities').max(32).meta({ uniqueItems: true }),
    categories: z.array(categorySchema).min(1, 'must name at least one data category').meta({ uniqueItems: true }),
    purposes: z.array(purposeSchema).min(1, 'must name at least one purpose').meta({ uniqueItems: true }),
    legalBasis: z.string().min(1, 'must not be empty').max(2000),
    validFrom: instant,
    validUntil: instant,
    retentionDays: z.number().int().min(1).max(3650),
    onwardSharing: z.boolean(),
  })
  .refine((p) => new Set(p.parties).size === p.parties.length, { path: ['parties'], message: 'must not repeat a party' })
  .refine((p) => new Set(p.categories).size === p.categories.length, { path: ['categories'], message: 'must not repeat a category' })
  .refine((p) => new Set(p.purposes).size === p.purposes.length, { path: ['purposes'], message: 'must not repeat a purpose' })
  .refine((p) => Date.parse(p.validUntil) > Date.parse(p.validFrom), {
    path: ['validUntil'],
    message: 'must be later than validFrom',
  });

export type AgreementProposal = z.infer<typeof agreementProposalSchema>;

export function parseAgreementProposal(input: unknown): AgreementProposal {
  const p = parseWith(agreementProposalSchema, input, 'agreement');
  // Stored sorted and normalised, so every peer writes the same bytes.
  return {
    ...p,
    parties: uniqueSorted(p.parties),
    categories: uniqueSorted(p.categories),
    purposes: uniqueSorted(p.purposes),
    validFrom: new Date(p.validFrom).toISOString(),
    validUntil: new Date(p.validUntil).toISOString(),
  };
}

export interface PartyAction {
  by: string;
  at: string;
  reason: string;
  txId: string;
}

/** The agreement document in world state. Acceptances are separate keys, one per party. */
export interface Agreement extends AgreementProposal {
  docType: 'agreement';
  categories: DataCategory[];
  purposes: Purpose[];
  proposer: string;
  proposedAt: string;
  proposeTxId: string;
  suspension: PartyAction | null;
  termination: PartyAction | null;
}

/** A member authority of the channel, registered by its own admin: its transaction's creator proves that the channel's MSPs know it. */
export interface Member {
  docType: 'member';
  msp: string;
  registeredAt: string;
  txId: string;
}

export interface Acceptance {
  docType: 'acceptance';
  agreementId: string;
  party: string;
  acceptedAt: string;
  txId: string;
}

/** Status at `nowIso`, given which parties have accepted. */
export function agreementStatus(agreement: Agreement, acceptedBy: readonly string[], nowIso: string): AgreementStatus {
  if (agreement.termination) {
    return 'terminated';
  }
  const now = Date.parse(nowIso);
  if (now >= Date.parse(agreement.validUntil)) {
    return 'expired';
  }
  if (!agreement.parties.every((p) => acceptedBy.includes(p))) {
    return 'proposed';
  }
  if (agreement.suspension) {
    return 'suspended';
  }
  if (now < Date.parse(agreement.validFrom)) {
    return 'pending';
  }
  return 'active';
}
