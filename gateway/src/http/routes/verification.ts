/**
 * /verify and the other checks a trader makes without a token: each answers
 * only about the record whose UCR (or document) the caller names, never its
 * status and never another record. Inclusion proofs hold whole blocks, so
 * they need a token or the record's trader's signature.
 */
import { ROLES } from 'customs-ledger-chaincode/domain';
import { commitmentSchema, disclosureCheckSchema, inclusionProofSchema, transactionStatusSchema, verificationSchema } from '../responses';
import { json, route, type Route } from '../route';
import { discloseBody, possessionBody, proofRequestBody, transactionParams, ucrParams, verifyBody } from '../schemas';

const ANY = ROLES;

export const verificationRoutes: readonly Route[] = [
  route({
    method: 'post',
    path: '/verify',
    access: 'public',
    tag: 'verification',
    summary: 'Check a declaration against the ledger: match, transaction, block, time, originator, signer (never the status)',
    body: verifyBody,
    answers: { 200: json('the verification', verificationSchema) },
    errors: [404],
  }).handle(async ({ body }, { services }) => ({ status: 200, body: await services.verification.verify(body.declaration, body.salts) })),
  route({
    method: 'get',
    path: '/transactions/:txId',
    access: 'public',
    tag: 'verification',
    summary: 'The block and validation code of a committed transaction',
    params: transactionParams,
    answers: { 200: json('where the transaction was committed', transactionStatusSchema) },
    errors: [404],
  }).handle(async ({ params }, { services }) => ({ status: 200, body: await services.verification.transaction(params.txId) })),
  route({
    method: 'get',
    path: '/commitments/:ucr',
    access: ANY,
    tag: 'verification',
    summary: "A record's commitments (declaration hash, field hashes and root, trader signature, lodging transaction)",
    params: ucrParams,
    answers: { 200: json('the commitments', commitmentSchema) },
    errors: [404, 409],
  }).handle(async ({ params }, { services }) => ({ status: 200, body: await services.verification.commitment(params.ucr) })),
  route({
    method: 'post',
    path: '/commitments/:ucr',
    access: 'public',
    tag: 'verification',
    summary:
      'The same without a token, for a caller that shows the declaration hash or a salted field hash of the document it holds; 404 alike for an unknown UCR and for what does not match',
    params: ucrParams,
    body: possessionBody,
    answers: { 200: json('the commitments', commitmentSchema) },
    errors: [404, 409],
  }).handle(async ({ params, body }, { services }) => ({ status: 200, body: await services.verification.commitmentFor(params.ucr, body) })),
  // The proof holds the whole block, other records' public parts among it: a token holder's, or the record's trader's.
  route({
    method: 'get',
    path: '/proofs/inclusion/:ucr',
    access: ANY,
    tag: 'verification',
    summary: "Inclusion proof of a record's lodgement: transaction in its block (the whole block), header chain to the current height",
    params: ucrParams,
    answers: { 200: json('the inclusion proof', inclusionProofSchema) },
    errors: [404, 409],
  }).handle(async ({ params }, { services }) => ({ status: 200, body: await services.verification.inclusionProof(params.ucr) })),
  route({
    method: 'post',
    path: '/proofs/inclusion/:ucr',
    access: 'public',
    tag: 'verification',
    summary:
      "The same proof for the record's trader, without a token: EIP-712 InclusionProofRequest {ucr, authority, signedAt} signed with the trader key, within 5 minutes",
    params: ucrParams,
    body: proofRequestBody,
    answers: { 200: json('the inclusion proof', inclusionProofSchema) },
    errors: [403, 404, 409],
  }).handle(async ({ params, body }, { services }) => ({ status: 200, body: await services.verification.traderInclusionProof(params.ucr, body) })),
  route({
    method: 'post',
    path: '/verify/fields',
    access: 'public',
    tag: 'verification',
    summary: "Check single disclosed fields with their salts against the record's field hashes",
    body: discloseBody,
    answers: { 200: json('the disclosure check', disclosureCheckSchema) },
    errors: [404, 409],
  }).handle(async ({ body }, { services }) => ({ status: 200, body: await services.verification.disclose(body.ucr, body.fields) })),
];
