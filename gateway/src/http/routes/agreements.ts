/** /agreements: propose, accept, suspend, resume, terminate (admins); list, get, activity (any role). */
import { ROLES, agreementViewSchema, parseAgreementProposal } from 'customs-ledger-chaincode/domain';
import type { AgreementAction } from '../../service/agreement-service';
import { agreementActivitySchema, agreementListSchema } from '../../service/ledger-views';
import { json, route, type Route } from '../route';
import { agreementListQuery, agreementParams, agreementProposalBody, emptyBody, reasonBody } from '../schemas';

const ANY = ROLES;
const ADMIN = ['admin'] as const;

const SUMMARY: Record<AgreementAction, string> = {
  suspend: 'Suspend an agreement',
  resume: 'Resume a suspended agreement',
  terminate: 'Terminate an agreement',
};

export const agreementRoutes: readonly Route[] = [
  route({
    method: 'post',
    path: '/agreements',
    access: ADMIN,
    tag: 'agreements',
    summary: "Propose a data-sharing agreement (the proposal is the proposer's acceptance)",
    body: agreementProposalBody,
    answers: { 201: json('the agreement', agreementViewSchema) },
    errors: [409],
  }).handle(async ({ body, caller }, { services }) => ({ status: 201, body: await services.agreements.propose(caller().identity, parseAgreementProposal(body)) })),
  route({
    method: 'get',
    path: '/agreements',
    access: ANY,
    tag: 'agreements',
    summary: 'List agreements, optionally by party and status',
    query: agreementListQuery,
    answers: { 200: json('the agreements, and the documents left out', agreementListSchema) },
  }).handle(async ({ query, caller }, { services }) => ({ status: 200, body: await services.agreements.list(caller().identity, query) })),
  route({
    method: 'get',
    path: '/agreements/:id',
    access: ANY,
    tag: 'agreements',
    summary: 'Get an agreement with its acceptances and status',
    params: agreementParams,
    answers: { 200: json('the agreement', agreementViewSchema) },
    errors: [404, 409],
  }).handle(async ({ params, caller }, { services }) => ({ status: 200, body: await services.agreements.get(caller().identity, params.id) })),
  route({
    method: 'get',
    path: '/agreements/:id/activity',
    access: ANY,
    tag: 'agreements',
    summary: 'Every share, access request and purge under an agreement',
    params: agreementParams,
    answers: { 200: json('the agreement and its activity', agreementActivitySchema) },
    errors: [404, 409],
  }).handle(async ({ params, caller }, { services }) => ({ status: 200, body: await services.agreements.activity(caller().identity, params.id) })),
  route({
    method: 'post',
    path: '/agreements/:id/accept',
    access: ADMIN,
    tag: 'agreements',
    summary: 'Accept an agreement as this authority',
    params: agreementParams,
    body: emptyBody,
    answers: { 200: json('the agreement', agreementViewSchema) },
    errors: [404, 409],
  }).handle(async ({ params, caller }, { services }) => ({ status: 200, body: await services.agreements.accept(caller().identity, params.id) })),
  ...(['suspend', 'resume', 'terminate'] as const satisfies readonly AgreementAction[]).map((action) =>
    route({
      method: 'post',
      path: `/agreements/:id/${action}`,
      access: ADMIN,
      tag: 'agreements',
      summary: SUMMARY[action],
      params: agreementParams,
      body: reasonBody,
      answers: { 200: json('the agreement', agreementViewSchema) },
      errors: [404, 409],
    }).handle(async ({ params, body, caller }, { services }) => ({
      status: 200,
      body: await services.agreements.change(caller().identity, params.id, action, body.reason),
    })),
  ),
];
