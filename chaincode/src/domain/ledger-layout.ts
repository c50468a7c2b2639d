/**
 * Where the contracts keep what they write: the object types of the public
 * state's composite keys and of their indexes, the private keys, the
 * implicit collections, and the roles a caller's certificate may carry.
 * The contracts write by these names and every reader (gateway, auditor,
 * trader tools) reads by them; none is spelt anywhere else.
 */

/** Public documents, one composite key each: `consignment/<ucr>`, `share/<ucr>/<shareId>`, ... */
export const DOCUMENT_KEYS = {
  consignment: 'consignment',
  agreement: 'agreement',
  acceptance: 'acceptance',
  member: 'member',
  share: 'share',
  access: 'access',
  purge: 'purge',
} as const;
export type DocumentKey = (typeof DOCUMENT_KEYS)[keyof typeof DOCUMENT_KEYS];

/** Index object types, each with the document type its entries name: an entry's attributes after the first are the document's. */
export const INDEX_KEYS = {
  'consignment-status': 'consignment',
  'consignment-office': 'consignment',
  'consignment-day': 'consignment',
  'agreement-party': 'agreement',
  'share-agreement': 'share',
  'access-agreement': 'access',
  'purge-agreement': 'purge',
} as const satisfies Readonly<Record<string, DocumentKey>>;
export type IndexKey = keyof typeof INDEX_KEYS;

/** Private keys: the originator's declaration, and a recipient's copy per share. */
export const PRIVATE_KEYS = { declaration: 'declaration', shared: 'shared' } as const;

/** The purge receipt id of an originator's own record (a share's receipt is under its share id). */
export const OWN_RECORD_PURGE = 'record';

const IMPLICIT_PREFIX = '_implicit_org_';

/** The implicit private data collection of an organisation: only its own peers hold the values. */
export function implicitCollection(mspId: string): string {
  return `${IMPLICIT_PREFIX}${mspId}`;
}

/** The organisation whose implicit collection this is, or undefined for another collection. */
export function implicitCollectionOwner(collection: string): string | undefined {
  return collection.startsWith(IMPLICIT_PREFIX) ? collection.slice(IMPLICIT_PREFIX.length) : undefined;
}

/** The roles a caller may hold, from its certificate's `role` attribute; a gateway acts through a wallet identity of each. */
export const ROLES = ['admin', 'auditor', 'officer'] as const;
export type Role = (typeof ROLES)[number];
