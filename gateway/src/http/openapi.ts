/**
 * The OpenAPI 3.1 description of one authority's gateway, written in code
 * beside the routes. Request bodies and query parameters are generated from
 * the very zod schemas the routes parse with, so the document cannot drift
 * from what is accepted; a test checks its paths against the router.
 */
import { z } from 'zod';
import { ROLES, type Role } from '../service/roles';
import {
  accessBody,
  agreementListQuery,
  agreementProposalBody,
  blocksQuery,
  discloseBody,
  possessionBody,
  proofRequestBody,
  eventsQuery,
  listQuery,
  lodgeBody,
  reasonBody,
  shareBody,
  statusBody,
  verifyBody,
} from './schemas';

export const API_PREFIX = '/api/v1';

type JsonSchema = Record<string, unknown>;

interface Operation {
  method: 'get' | 'post';
  /** OpenAPI path, e.g. /api/v1/agreements/{id} */
  path: string;
  summary: string;
  tag: string;
  roles: readonly Role[] | 'public';
  query?: z.ZodType;
  body?: z.ZodType;
  /** success status and what it returns */
  success: [number, string];
  /** error statuses this operation may answer besides 400, 401, 403 and 429 */
  errors?: number[];
}

const ANY = ROLES;

const OPERATIONS: readonly Operation[] = [
  { method: 'post', path: '/agreements', summary: 'Propose a data-sharing agreement (the proposal is the proposer\'s acceptance)', tag: 'agreements', roles: ['admin'], body: agreementProposalBody, success: [201, 'the agreement'], errors: [409] },
  { method: 'get', path: '/agreements', summary: 'List agreements, optionally by party and status', tag: 'agreements', roles: ANY, query: agreementListQuery, success: [200, '{agreements, skipped}'] },
  { method: 'get', path: '/agreements/{id}', summary: 'Get an agreement with its acceptances and status', tag: 'agreements', roles: ANY, success: [200, 'the agreement'], errors: [404] },
  { method: 'get', path: '/agreements/{id}/activity', summary: 'Every share, access request and purge under an agreement', tag: 'agreements', roles: ANY, success: [200, '{agreement, shares, accesses, purges, skipped}'], errors: [404] },
  { method: 'post', path: '/agreements/{id}/accept', summary: 'Accept an agreement as this authority', tag: 'agreements', roles: ['admin'], success: [200, 'the agreement'], errors: [404, 409] },
  { method: 'post', path: '/agreements/{id}/suspend', summary: 'Suspend an agreement', tag: 'agreements', roles: ['admin'], body: reasonBody, success: [200, 'the agreement'], errors: [404, 409] },
  { method: 'post', path: '/agreements/{id}/resume', summary: 'Resume a suspended agreement', tag: 'agreements', roles: ['admin'], body: reasonBody, success: [200, 'the agreement'], errors: [404, 409] },
  { method: 'post', path: '/agreements/{id}/terminate', summary: 'Terminate an agreement', tag: 'agreements', roles: ['admin'], body: reasonBody, success: [200, 'the agreement'], errors: [404, 409] },
  { method: 'post', path: '/consignments', summary: 'Lodge a declaration (201), or get the record back when the same declaration was already lodged (200)', tag: 'consignments', roles: ['officer'], body: lodgeBody, success: [201, '{record, salts, saltsGenerated, created, transactionId}'], errors: [409] },
  { method: 'get', path: '/consignments', summary: 'A page of records by status, office or day; pass the returned bookmark for the next page', tag: 'consignments', roles: ANY, query: listQuery, success: [200, '{records, count, bookmark, skipped}'] },
  { method: 'get', path: '/consignments/{ucr}', summary: 'The public record and the private fields this authority holds', tag: 'consignments', roles: ANY, success: [200, '{record, private}'], errors: [404, 409] },
  { method: 'post', path: '/consignments/{ucr}/status', summary: 'Move a record to its next status', tag: 'consignments', roles: ['officer'], body: statusBody, success: [200, 'the record'], errors: [404, 409] },
  { method: 'get', path: '/consignments/{ucr}/history', summary: 'Every committed version of a record', tag: 'consignments', roles: ANY, success: [200, '{history, skipped}'], errors: [404] },
  { method: 'post', path: '/consignments/{ucr}/shares', summary: 'Share the fields of an agreement\'s categories with a partner authority', tag: 'sharing', roles: ['officer'], body: shareBody, success: [201, 'the share record'], errors: [404, 409] },
  { method: 'get', path: '/consignments/{ucr}/shares', summary: 'Every share of a record, with its purge receipt', tag: 'sharing', roles: ANY, success: [200, '{shares, skipped}'], errors: [404, 409] },
  { method: 'post', path: '/consignments/{ucr}/shares/{shareId}/purge', summary: 'Purge this authority\'s copy of a share', tag: 'sharing', roles: ['officer'], success: [200, 'the purge receipt'], errors: [404, 409] },
  { method: 'post', path: '/consignments/{ucr}/access-requests', summary: 'Record a purpose-bound access request, then read the record', tag: 'sharing', roles: ['officer'], body: accessBody, success: [201, '{request, view}'], errors: [404, 409] },
  { method: 'post', path: '/verify', summary: 'Check a declaration against the ledger: match, transaction, block, time, originator, signer (never the status)', tag: 'verification', roles: 'public', body: verifyBody, success: [200, 'the verification'], errors: [404] },
  { method: 'get', path: '/transactions/{txId}', summary: 'The block and validation code of a committed transaction', tag: 'verification', roles: 'public', success: [200, '{transactionId, blockNumber, validationCode}'], errors: [404] },
  { method: 'get', path: '/commitments/{ucr}', summary: 'A record\'s commitments (declaration hash, field hashes and root, trader signature, lodging transaction)', tag: 'verification', roles: ANY, success: [200, 'the commitments'], errors: [404] },
  { method: 'post', path: '/commitments/{ucr}', summary: 'The same without a token, for a caller that shows the declaration hash or a salted field hash of the document it holds; 404 alike for an unknown UCR and for what does not match', tag: 'verification', roles: 'public', body: possessionBody, success: [200, 'the commitments'], errors: [404] },
  { method: 'get', path: '/proofs/inclusion/{ucr}', summary: 'Inclusion proof of a record\'s lodgement: transaction in its block (the whole block), header chain to the current height', tag: 'verification', roles: ANY, success: [200, 'the inclusion proof'], errors: [404] },
  { method: 'post', path: '/proofs/inclusion/{ucr}', summary: 'The same proof for the record\'s trader, without a token: EIP-712 InclusionProofRequest {ucr, authority, signedAt} signed with the trader key, within 5 minutes', tag: 'verification', roles: 'public', body: proofRequestBody, success: [200, 'the inclusion proof'], errors: [403, 404] },
  { method: 'post', path: '/verify/fields', summary: 'Check single disclosed fields with their salts against the record\'s field hashes', tag: 'verification', roles: 'public', body: discloseBody, success: [200, 'the disclosure check'], errors: [404] },
  { method: 'get', path: '/audit/blocks', summary: 'Blocks from..to with hashes and transactions', tag: 'audit', roles: ['auditor'], query: blocksQuery, success: [200, '{height, blocks}'], errors: [404] },
  { method: 'get', path: '/audit/blocks/{n}', summary: 'One block with its hashes and transactions', tag: 'audit', roles: ['auditor'], success: [200, 'the block'], errors: [404] },
  { method: 'get', path: '/audit/raw-blocks', summary: 'The block height, for reading raw blocks', tag: 'audit', roles: ['auditor'], success: [200, '{height}'] },
  { method: 'get', path: '/audit/raw-blocks/{n}', summary: 'Block n as Fabric protobuf bytes (application/octet-stream), for an independent replay', tag: 'audit', roles: ['auditor'], success: [200, 'the block bytes'], errors: [404] },
  { method: 'get', path: '/audit/events', summary: 'Chaincode events in ledger order, a page at a time', tag: 'audit', roles: ['auditor'], query: eventsQuery, success: [200, '{events, nextBlock}'] },
];

/** Unprefixed, unauthenticated operational endpoints. */
const SYSTEM: readonly { path: string; summary: string }[] = [
  { path: '/healthz', summary: 'Whether the authority\'s ledger answers, and its block height' },
  { path: '/metrics', summary: 'Prometheus metrics' },
  { path: '/openapi.json', summary: 'This document' },
];

const PATH_PARAMETERS: Record<string, { description: string; example: string }> = {
  id: { description: 'agreement id', example: 'AGR-NL-BE-001' },
  ucr: { description: 'WCO unique consignment reference', example: '6NL123456789-C001' },
  shareId: { description: 'share id (the sharing transaction id)', example: 'a3f1...' },
  n: { description: 'block number', example: '0' },
};

function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function queryParameters(schema: z.ZodType): JsonSchema[] {
  const object = jsonSchema(schema);
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({ name, in: 'query', required: required.has(name), schema: s }));
}

function pathParameters(path: string): JsonSchema[] {
  return [...path.matchAll(/\{([A-Za-z]+)\}/g)].map(([, name = '']) => ({
    name,
    in: 'path',
    required: true,
    description: PATH_PARAMETERS[name]?.description ?? name,
    schema: { type: 'string', examples: [PATH_PARAMETERS[name]?.example ?? ''] },
  }));
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid input; the error names the field',
  401: 'no valid bearer token',
  403: 'the token\'s role, or this authority, may not do this',
  404: 'not found',
  409: 'refused in the current state, or conflicting concurrent transactions',
  413: 'body too large',
  415: 'body is not JSON',
  429: 'too many requests',
};

function operationObject(op: Operation): JsonSchema {
  const errorRef = { $ref: '#/components/responses/Error' };
  const statuses = new Set([400, 429, ...(op.roles === 'public' ? [] : [401, 403]), ...(op.body ? [413, 415] : []), ...(op.errors ?? [])]);
  const responses: Record<string, unknown> = { [String(op.success[0])]: { description: op.success[1], content: { 'application/json': { schema: { type: 'object' } } } } };
  for (const status of [...statuses].sort()) {
    responses[String(status)] = { ...errorRef, description: ERROR_DESCRIPTIONS[status] };
  }
  return {
    operationId: `${op.method}${op.path.replace(/\{([^}]+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: op.summary,
    tags: [op.tag],
    ...(op.roles === 'public' ? { security: [] } : { 'x-roles': op.roles }),
    parameters: [...pathParameters(op.path), ...(op.query ? queryParameters(op.query) : [])],
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
    responses,
  };
}

export function openApiDocument(mspId: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const path = `${API_PREFIX}${op.path}`;
    paths[path] = { ...paths[path], [op.method]: operationObject(op) };
  }
  for (const s of SYSTEM) {
    paths[s.path] = { get: { operationId: `get${s.path.replace(/[^A-Za-z]/g, '')}`, summary: s.summary, tags: ['system'], security: [], responses: { '200': { description: s.summary } } } };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: `customs-ledger gateway of ${mspId}`,
      version: '1.0.0',
      description: 'One member authority\'s gateway to the shared customs ledger. Bearer tokens map to the authority\'s officer, admin and auditor identities; x-roles lists the roles an operation accepts.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: ['agreements', 'consignments', 'sharing', 'verification', 'audit', 'system'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                field: { type: 'string' },
                details: { type: 'object' },
              },
            },
          },
        },
      },
      responses: {
        Error: { description: 'an error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    },
  };
}
