/**
 * /consignments: lodge, status, share, access requests and purges (officers);
 * get, shares, history and indexed lists (any role; only officers and admins
 * see private fields).
 */
import type { z } from 'zod';
import { LedgerRuleError, ROLES, consignmentRecordSchema, purgeReceiptSchema, shareRecordSchema } from 'customs-ledger-chaincode/domain';
import { recordViewSchema, shareListSchema } from '../../service/ledger-views';
import { BodyChoice } from '../input';
import { accessGrantedSchema, lodgedSchema, recordHistorySchema, recordListSchema } from '../responses';
import { json, route, type Route } from '../route';
import { accessBody, emptyBody, listQuery, lodgeBody, shareBody, shareParams, signedFileBody, statusBody, ucrParams } from '../schemas';

const ANY = ROLES;
const OFFICER = ['officer'] as const;

/** A lodgement as JSON, or the file `customs-ledger trader sign` wrote: the latter has a `signature`. */
const lodgement = new BodyChoice('signature', signedFileBody, lodgeBody);

export const consignmentRoutes: readonly Route[] = [
  route({
    method: 'post',
    path: '/consignments',
    access: OFFICER,
    tag: 'consignments',
    summary: 'Lodge a declaration (201), or get the record back when the same declaration was already lodged (200)',
    body: lodgement,
    answers: {
      201: json('lodged: the record, the salts, and the transaction', lodgedSchema),
      200: json('the same declaration was already lodged: its record (salts null when it was lodged under other salts)', lodgedSchema),
    },
    errors: [409],
  }).handle(async ({ body, caller }, { services }) => {
      const { identity } = caller();
      const lodged = await services.lodgements.lodge(identity, 'signature' in body ? fromSignedFile(body, identity.mspId) : body);
      return { status: lodged.created ? 201 : 200, body: lodged };
    }),
  route({
    method: 'get',
    path: '/consignments',
    access: ANY,
    tag: 'consignments',
    summary: 'A page of records by status, office or day; pass the returned bookmark for the next page',
    query: listQuery,
    answers: { 200: json('the page, its cursor, and the documents left out', recordListSchema) },
  }).handle(async ({ query, caller }, { services }) => {
      const page = await services.consignments.list(caller().identity, query);
      return {
        status: 200,
        body: { records: page.records, count: page.count, bookmark: Buffer.from(page.bookmark, 'utf8').toString('base64url'), skipped: page.skipped },
      };
    }),
  route({
    method: 'get',
    path: '/consignments/:ucr',
    access: ANY,
    tag: 'consignments',
    summary: 'The public record and the private fields this authority holds',
    params: ucrParams,
    answers: { 200: json('the record, and the private fields this authority holds (null when none)', recordViewSchema) },
    errors: [404, 409],
  }).handle(async ({ params, caller }, { services }) => ({ status: 200, body: await services.consignments.get(caller().identity, params.ucr) })),
  route({
    method: 'post',
    path: '/consignments/:ucr/status',
    access: OFFICER,
    tag: 'consignments',
    summary: 'Move a record to its next status',
    params: ucrParams,
    body: statusBody,
    answers: { 200: json('the record', consignmentRecordSchema) },
    errors: [404, 409],
  }).handle(async ({ params, body, caller }, { services }) => ({
    status: 200,
    body: await services.consignments.updateStatus(caller().identity, params.ucr, body.status, body.reason),
  })),
  route({
    method: 'get',
    path: '/consignments/:ucr/history',
    access: ANY,
    tag: 'consignments',
    summary: 'Every committed version of a record',
    params: ucrParams,
    answers: { 200: json('every version, newest first, and the versions left out', recordHistorySchema) },
    errors: [404],
  }).handle(async ({ params, caller }, { services }) => {
      const { entries, skipped } = await services.consignments.history(caller().identity, params.ucr);
      return { status: 200, body: { history: entries, skipped } };
    }),
  route({
    method: 'post',
    path: '/consignments/:ucr/shares',
    access: OFFICER,
    tag: 'sharing',
    summary: "Share the fields of an agreement's categories with a partner authority",
    params: ucrParams,
    body: shareBody,
    answers: { 201: json('the share record', shareRecordSchema) },
    errors: [404, 409],
  }).handle(async ({ params, body, caller }, { services }) => ({ status: 201, body: await services.sharing.share(caller().identity, params.ucr, body) })),
  route({
    method: 'get',
    path: '/consignments/:ucr/shares',
    access: ANY,
    tag: 'sharing',
    summary: 'Every share of a record, with its purge receipt',
    params: ucrParams,
    answers: { 200: json('the shares, and the documents left out', shareListSchema) },
    errors: [404, 409],
  }).handle(async ({ params, caller }, { services }) => ({ status: 200, body: await services.sharing.shares(caller().identity, params.ucr) })),
  route({
    method: 'post',
    path: '/consignments/:ucr/shares/:shareId/purge',
    access: OFFICER,
    tag: 'sharing',
    summary: "Purge this authority's copy of a share",
    params: shareParams,
    body: emptyBody,
    answers: { 200: json('the purge receipt', purgeReceiptSchema) },
    errors: [404, 409],
  }).handle(async ({ params, caller }, { services }) => ({ status: 200, body: await services.sharing.purge(caller().identity, params.ucr, params.shareId) })),
  route({
    method: 'post',
    path: '/consignments/:ucr/access-requests',
    access: OFFICER,
    tag: 'sharing',
    summary: 'Record a purpose-bound access request, then read the record',
    params: ucrParams,
    body: accessBody,
    answers: { 201: json('the access request, and the record as this authority now reads it', accessGrantedSchema) },
    errors: [404, 409],
  }).handle(async ({ params, body, caller }, { services }) => ({
    status: 201,
    body: await services.sharing.requestAccess(caller().identity, params.ucr, body.purpose),
  })),
];

/** A signed file as the lodgement it is; signed for another authority, it is refused here, naming it. */
function fromSignedFile(file: z.output<typeof signedFileBody>, mspId: string): z.output<typeof lodgeBody> {
  if (file.authority !== mspId) {
    throw new LedgerRuleError('INVALID_ARGUMENT', `authority: the trader signed this for ${file.authority}; lodge it at that authority's gateway, not ${mspId}'s`, { field: 'authority' });
  }
  return { declaration: file.declaration, salts: file.salts, trader: { address: file.trader, signature: file.signature } };
}
