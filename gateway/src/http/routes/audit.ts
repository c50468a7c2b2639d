/** /audit: blocks and chaincode events, for the authority's auditor. */
import { BLOCK_BYTES, blockInfoSchema, blockPageSchema, eventPageSchema, heightSchema } from '../responses';
import { json, raw, route, type Route } from '../route';
import { blockParams, blocksQuery, eventsQuery } from '../schemas';

const AUDITOR = ['auditor'] as const;

export const auditRoutes: readonly Route[] = [
  route({
    method: 'get',
    path: '/audit/blocks',
    access: AUDITOR,
    tag: 'audit',
    summary: 'Blocks from..to with hashes and transactions',
    query: blocksQuery,
    answers: { 200: json('the height and the blocks', blockPageSchema) },
    errors: [404],
  }).handle(async ({ query }, { services }) => ({ status: 200, body: await services.audit.blocks(query.from, query.to) })),
  route({
    method: 'get',
    path: '/audit/blocks/:n',
    access: AUDITOR,
    tag: 'audit',
    summary: 'One block with its hashes and transactions',
    params: blockParams,
    answers: { 200: json('the block', blockInfoSchema) },
    errors: [404],
  }).handle(async ({ params }, { services }) => ({ status: 200, body: await services.audit.block(params.n) })),
  route({
    method: 'get',
    path: '/audit/raw-blocks',
    access: AUDITOR,
    tag: 'audit',
    summary: 'The block height, for reading raw blocks',
    answers: { 200: json('the block height', heightSchema) },
  }).handle(async (_input, { services }) => ({ status: 200, body: { height: await services.audit.height() } })),
  route({
    method: 'get',
    path: '/audit/raw-blocks/:n',
    access: AUDITOR,
    tag: 'audit',
    summary: 'Block n as Fabric protobuf bytes, for an independent replay',
    params: blockParams,
    answers: { 200: raw('the block as Fabric common.Block bytes', 'application/octet-stream', BLOCK_BYTES) },
    errors: [404],
  }).handle(async ({ params }, { services }) => ({ status: 200, body: Buffer.from(await services.audit.rawBlock(params.n)) })),
  route({
    method: 'get',
    path: '/audit/events',
    access: AUDITOR,
    tag: 'audit',
    summary: 'Chaincode events in ledger order, a page at a time',
    query: eventsQuery,
    answers: { 200: json('the events, and the block the next page starts at', eventPageSchema) },
  }).handle(async ({ query }, { services }) => ({ status: 200, body: await services.audit.events(query.fromBlock, query.limit) })),
];
