import { strict as assert } from 'node:assert';
import type { Role } from 'customs-ledger-gateway/dist/http';
import { startGateways, type TestGateways } from '../../../support/gateways';
import { client, expectStatus, lodgeVia } from '../../../support/http-client';
import { sampleDeclaration } from '../../../support/fixtures';
import { ROLES } from 'customs-ledger-chaincode/domain';

describe('gateway: authentication and roles', function () {
  this.timeout(60_000);
  let gws: TestGateways;
  let ucr: string;
  before(async () => {
    gws = await startGateways();
    ucr = (await lodgeVia(gws.NL)).ucr;
  });
  after(async () => {
    await gws.close();
  });

  /** route → the roles that may use it */
  const ROUTES: { method: 'get' | 'post'; path: string; body?: unknown; allowed: readonly Role[] }[] = [
    { method: 'post', path: '/agreements', body: {}, allowed: ['admin'] },
    { method: 'get', path: '/agreements', allowed: ROLES },
    { method: 'post', path: '/agreements/AGR-X-001/accept', allowed: ['admin'] },
    { method: 'post', path: '/agreements/AGR-X-001/suspend', body: {}, allowed: ['admin'] },
    { method: 'post', path: '/consignments', body: {}, allowed: ['officer'] },
    { method: 'get', path: '/consignments/:ucr', allowed: ROLES },
    { method: 'post', path: '/consignments/:ucr/status', body: {}, allowed: ['officer'] },
    { method: 'post', path: '/consignments/:ucr/shares', body: {}, allowed: ['officer'] },
    { method: 'post', path: '/consignments/:ucr/access-requests', body: {}, allowed: ['officer'] },
    { method: 'post', path: '/consignments/:ucr/shares/abc/purge', body: { x: 1 }, allowed: ['officer'] },
    { method: 'get', path: '/audit/blocks', allowed: ['auditor'] },
    { method: 'get', path: '/audit/blocks/0', allowed: ['auditor'] },
    { method: 'get', path: '/audit/events', allowed: ['auditor'] },
  ];

  for (const route of ROUTES) {
    it(`${route.method.toUpperCase()} ${route.path}: 401 without a token, 403 for ${ROLES.filter((r) => !route.allowed.includes(r)).join(', ') || 'nobody'}`, async () => {
      const c = client(gws.NL);
      const path = route.path.replace(':ucr', ucr);
      const call = (role?: Role) => (route.method === 'get' ? c.get(path, role) : c.post(path, route.body, role));
      const before = await gws.ledger.fingerprint();
      const anonymous = await call();
      assert.equal(anonymous.status, 401);
      assert.match(String(anonymous.headers['www-authenticate']), /^Bearer/);
      for (const role of ROLES) {
        const res = await call(role);
        if (route.allowed.includes(role)) {
          assert.notEqual(res.status, 401);
          assert.notEqual(res.status, 403, `${role} should pass: ${JSON.stringify(res.body)}`);
        } else {
          assert.equal(res.status, 403, `${role} should be refused: ${JSON.stringify(res.body)}`);
          assert.equal((res.body as { error: { code: string } }).error.code, 'FORBIDDEN_ROLE');
        }
      }
      assert.equal(await gws.ledger.fingerprint(), before);
    });
  }

  it('accepts a token only at the gateway that issued it', async () => {
    const res = await client(gws.NL).get(`/consignments/${ucr}`).set('Authorization', `Bearer ${gws.BE.tokens.officer}`);
    assert.equal(res.status, 401);
  });

  it('needs no token for verify, health, metrics and the OpenAPI document', async () => {
    expectStatus(await client(gws.NL).post('/verify', { declaration: sampleDeclaration() }), 404);
    expectStatus(await client(gws.NL).get('//healthz'), 200);
    expectStatus(await client(gws.NL).get('//openapi.json'), 200);
    assert.equal((await client(gws.NL).get('//metrics')).status, 200);
  });
});
