/**
 * The public consignment record, its status machine, and the records of
 * shares, access requests and purges that make every use of private data
 * visible to an auditor without the data itself.
 */
import type { Purpose } from './agreement';
import type { DataCategory, DeclarationType, PrivateDeclaration, PrivateField, Salts } from './declaration';
import type { FieldHashes } from './merkle';

export const RECORD_STATUSES = ['held', 'lodged', 'released', 'risk-assessed', 'seized'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** lodged → risk-assessed → released | held; held → released | seized. */
export const STATUS_TRANSITIONS: Readonly<Record<RecordStatus, readonly RecordStatus[]>> = {
  lodged: ['risk-assessed'],
  'risk-assessed': ['held', 'released'],
  held: ['released', 'seized'],
  released: [],
  seized: [],
};

export function canTransition(from: RecordStatus, to: RecordStatus): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}

/** Years a customs administration keeps its own declaration before it may purge it. */
export const CUSTOMS_RETENTION_YEARS = 3;

export interface StatusChange {
  status: RecordStatus;
  at: string;
  reason: string;
  by: string;
  txId: string;
}

export interface ConsignmentRecord {
  docType: 'consignment';
  ucr: string;
  type: DeclarationType;
  office: string;
  destinationCountry: string;
  originator: string;
  declarationVersion: number;
  declarationHash: string;
  fieldRoot: string;
  /** Salted leaf hash of every field: lets a holder prove a shared field without the rest. */
  fieldHashes: FieldHashes;
  trader: string | null;
  traderSignature: string | null;
  status: RecordStatus;
  statusHistory: StatusChange[];
  lodgedAt: string;
  lodgeTxId: string;
  updatedAt: string;
  /** Set when the originator purged its own private copy after the retention minimum. */
  privatePurgedAt: string | null;
}

/** What the originator keeps in its own implicit collection. */
export interface StoredDeclaration {
  ucr: string;
  fields: PrivateDeclaration;
  salts: Salts;
}

export interface ShareRecord {
  docType: 'share';
  shareId: string;
  ucr: string;
  from: string;
  to: string;
  agreementId: string;
  purpose: Purpose;
  categories: DataCategory[];
  fields: PrivateField[];
  /** SHA-256 of the canonical shared payload (fields with their salts). */
  payloadHash: string;
  sharedAt: string;
  retainUntil: string;
  /** True when a holder other than the originator passed the data on. */
  onward: boolean;
}

/** What a recipient keeps in its own implicit collection for one share. */
export interface SharedCopy {
  ucr: string;
  shareId: string;
  from: string;
  agreementId: string;
  purpose: Purpose;
  categories: DataCategory[];
  fields: Partial<PrivateDeclaration>;
  salts: Partial<Salts>;
  sharedAt: string;
}

export interface AccessRequest {
  docType: 'access';
  requestId: string;
  ucr: string;
  by: string;
  purpose: Purpose;
  agreementIds: string[];
  shareIds: string[];
  at: string;
}

export type PurgeReason = 'agreement-terminated' | 'customs-retention-elapsed' | 'retention-elapsed';

export interface PurgeReceipt {
  docType: 'purge';
  ucr: string;
  /** The share whose copy was purged, or null for the originator's own record. */
  shareId: string | null;
  agreementId: string | null;
  holder: string;
  reason: PurgeReason;
  purgedAt: string;
  txId: string;
}

/** Adds whole days to an ISO instant. */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString();
}

/** Adds calendar years to an ISO instant (29 February maps to 1 March). */
export function addYears(iso: string, years: number): string {
  const d = new Date(iso);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString();
}

/** What ConsignmentContract.Get returns: the public record and the private fields the caller's organisation holds. */
export interface RecordView {
  record: ConsignmentRecord;
  private: {
    fields: Partial<PrivateDeclaration>;
    salts: Partial<Salts>;
    categories: DataCategory[];
    /** "own" for the originator's declaration, or the share ids the fields came from */
    sources: string[];
  } | null;
}
