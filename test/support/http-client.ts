/** Small helpers to drive a gateway over HTTP with supertest, as a given role. */
import { strict as assert } from 'node:assert';
import type { Response, Test } from 'supertest';
import type { Role } from 'customs-ledger-gateway/dist/http';
import type { DataCategory, Declaration, Purpose, Salts } from 'customs-ledger-chaincode/domain';
import { randomSalts, sampleDeclaration } from './fixtures';
import { MSP, type Authority, type TestGateway, type TestGateways } from './gateways';
import { checkedRequest } from './spec-check';

export const API = '/api/v1';

export interface Client {
  get(path: string, role?: Role): Test;
  post(path: string, body?: unknown, role?: Role): Test;
}

/**
 * A client of one gateway; paths are under /api/v1 unless they start with
 * "//" (then taken from the root). Every answer is held to the gateway's
 * OpenAPI document (spec-check.ts): one it does not declare fails the test.
 */
export function client(gw: TestGateway): Client {
  const url = (path: string) => (path.startsWith('//') ? path.slice(1) : `${API}${path}`);
  const auth = (t: Test, role: Role | undefined) => (role ? t.set('Authorization', `Bearer ${gw.tokens[role]}`) : t);
  const http = checkedRequest(gw.app);
  return {
    get: (path, role) => auth(http.get(url(path)), role),
    post: (path, body, role) => {
      const t = auth(http.post(url(path)), role);
      return body === undefined ? t : t.send(body as object);
    },
  };
}

/** Asserts the status, showing the error body when it differs. */
export function expectStatus(res: Response, status: number): Record<string, unknown> {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

export interface AgreementOptions {
  categories?: DataCategory[];
  purposes?: Purpose[];
  retentionDays?: number;
  onwardSharing?: boolean;
  /** parties that accept after the proposer; all others by default */
  acceptedBy?: Authority[];
}

let agreementCounter = 0;

export function agreementProposal(gws: TestGateways, parties: Authority[], options: AgreementOptions = {}): Record<string, unknown> {
  agreementCounter += 1;
  const now = gws.ledger.now().getTime();
  return {
    id: `AGR-${parties.join('-')}-${String(agreementCounter).padStart(3, '0')}-${Math.floor(Math.random() * 1e6)}`,
    parties: parties.map((p) => MSP[p]),
    categories: options.categories ?? ['goods', 'valuation'],
    purposes: options.purposes ?? ['risk-assessment'],
    legalBasis: 'Mutual administrative assistance, Regulation (EC) No 515/97, Art. 4',
    validFrom: new Date(now - 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    validUntil: new Date(now + 365 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    retentionDays: options.retentionDays ?? 90,
    onwardSharing: options.onwardSharing ?? false,
  };
}

/** Proposes through the first party's gateway and accepts through the others'; returns the agreement id. */
export async function makeAgreement(gws: TestGateways, parties: Authority[], options: AgreementOptions = {}): Promise<string> {
  const proposal = agreementProposal(gws, parties, options);
  const [proposer, ...others] = parties;
  expectStatus(await client(gws[proposer!]).post('/agreements', proposal, 'admin'), 201);
  for (const party of options.acceptedBy ?? others) {
    expectStatus(await client(gws[party]).post(`/agreements/${String(proposal.id)}/accept`, undefined, 'admin'), 200);
  }
  return String(proposal.id);
}

export interface LodgedByHttp {
  declaration: Declaration;
  salts: Salts;
  ucr: string;
  body: Record<string, unknown>;
}

/** Lodges a sample declaration through `gw` as its officer, with explicit salts. */
export async function lodgeVia(gw: TestGateway, overrides: Partial<Declaration> = {}): Promise<LodgedByHttp> {
  const declaration = sampleDeclaration(overrides);
  const salts = randomSalts();
  const body = expectStatus(await client(gw).post('/consignments', { declaration, salts }, 'officer'), 201);
  return { declaration, salts, ucr: declaration.ucr, body };
}
