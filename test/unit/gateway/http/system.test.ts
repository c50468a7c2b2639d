import { strict as assert } from 'node:assert';
import express, { type Express } from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { gatewaysForSuite } from '../../../support/gateways';
import { client, expectStatus, lodgeVia } from '../../../support/http-client';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
}

/** Every method + path the Express app serves, with :params written as OpenAPI {params}. */
function routesOf(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') {
            out.push(`${method.toUpperCase()} ${`${prefix}${layer.route.path}`.replace(/:([A-Za-z]+)/g, '{$1}')}`);
          }
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, `${prefix}${mount}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(out)].sort();
}

/** The value of the first sample of `name` whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (m?.[1] !== name) {
      continue;
    }
    const have = new Map([...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((p): [string, string] => [p[1] ?? '', p[2] ?? '']));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) {
      return Number(m[3]);
    }
  }
  return undefined;
}

describe('gateway: OpenAPI, metrics, health and audit', function () {
  this.timeout(60_000);
  const gws = gatewaysForSuite();

  it('documents exactly the routes the router serves', async () => {
    const doc = expectStatus(await client(gws.NL).get('//openapi.json'), 200) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    assert.equal(doc.openapi, '3.1.0');
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const served = routesOf(gws.NL.app);
    assert.ok(served.length >= 25, `walked only ${served.length} routes`);
    assert.deepEqual(documented, served);
  });

  it('describes request bodies from the schemas the routes parse with', async () => {
    interface ObjectSchema {
      properties?: Record<string, unknown>;
      additionalProperties?: unknown;
    }
    const doc = (await client(gws.NL).get('//openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { if?: unknown; then?: ObjectSchema; else?: ObjectSchema } }> } }>>;
    };
    // a lodgement, or (when it has a signature) the file the trader's tool signed
    const lodge = doc.paths['/api/v1/consignments']?.post?.requestBody?.content['application/json']?.schema;
    assert.deepEqual(lodge?.if, { type: 'object', required: ['signature'] });
    assert.deepEqual(Object.keys(lodge?.else?.properties ?? {}).sort(), ['declaration', 'salts', 'trader']);
    assert.equal(lodge?.else?.additionalProperties, false);
    assert.deepEqual(Object.keys(lodge?.then?.properties ?? {}).sort(), ['authority', 'channelId', 'declaration', 'salts', 'signature', 'trader', 'version']);
  });

  it('exposes Prometheus metrics per gateway: requests by route and status, latency, ledger transactions, block height', async () => {
    await lodgeVia(gws.BE, { ucr: '6BE123456789-M001', office: 'BEANR', destinationCountry: 'BE' });
    await client(gws.BE).get('/consignments/6BE123456789-M001', 'officer');
    await client(gws.BE).get('/nowhere', 'officer');
    const res = await client(gws.BE).get('//metrics');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const text = res.text;
    assert.equal(sample(text, 'gateway_http_requests_total', { method: 'GET', route: '/api/v1/consignments/:ucr', status: '200', msp: gws.BE.msp }), 1);
    assert.equal(sample(text, 'gateway_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }), 1);
    assert.equal(sample(text, 'gateway_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/consignments', status: '201' }), 1);
    assert.equal(sample(text, 'gateway_ledger_transactions_total', { fn: 'consignment:Lodge', outcome: 'committed', validation_code: 'VALID' }), 1);
    assert.ok((sample(text, 'gateway_ledger_block_height', { msp: gws.BE.msp }) ?? 0) >= 2);
    // Each gateway has its own registry: NL never saw BE's lodge.
    const nl = (await client(gws.NL).get('//metrics')).text;
    assert.equal(sample(nl, 'gateway_http_requests_total', { route: '/api/v1/consignments/:ucr', status: '200' }), undefined);
  });

  it("sends helmet's security headers on every answer, errors and public routes included", async () => {
    const reference = express();
    reference.use(helmet());
    reference.get('/', (_req, res) => void res.end());
    const expected = (await request(reference).get('/')).headers;
    const names = Object.keys(expected).filter((h) => !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(h));
    assert.ok(names.includes('content-security-policy') && names.includes('strict-transport-security'));
    for (const res of [
      await client(gws.NL).get('/consignments?by=office&value=NLRTM', 'officer'),
      await client(gws.NL).get('/consignments', 'officer'),
      await client(gws.NL).get('//healthz'),
      await client(gws.NL).get('/nowhere'),
    ]) {
      for (const name of names) {
        assert.equal(res.headers[name], expected[name], `${name} on ${res.status}`);
      }
      assert.equal(res.headers['x-powered-by'], undefined);
    }
  });

  it('reports health with the block height', async () => {
    const body = expectStatus(await client(gws.DE).get('//healthz'), 200);
    assert.equal(body.status, 'ok');
    assert.equal(body.mspId, gws.DE.msp);
    assert.equal(typeof body.blockHeight, 'number');
  });

  it('lists blocks with their hash chain and one block by number', async () => {
    await lodgeVia(gws.NL);
    const body = expectStatus(await client(gws.NL).get('/audit/blocks?from=0&to=3', 'auditor'), 200);
    const blocks = body.blocks as { number: number; headerHash: string; previousHash: string }[];
    assert.deepEqual(
      blocks.map((b) => b.number),
      [0, 1, 2, 3].slice(0, blocks.length),
    );
    for (let i = 1; i < blocks.length; i++) {
      assert.equal(blocks[i]!.previousHash, blocks[i - 1]!.headerHash);
    }
    const one = expectStatus(await client(gws.NL).get('/audit/blocks/1', 'auditor'), 200);
    assert.equal(one.headerHash, blocks[1]?.headerHash);
    const height = body.height as number;
    expectStatus(await client(gws.NL).get(`/audit/blocks/${height + 5}`, 'auditor'), 404);
  });

  it('pages through contract events in ledger order', async () => {
    const { ucr } = await lodgeVia(gws.NL);
    const all: { name: string; blockNumber: number; transactionId: string; payload: { ucr?: string } }[] = [];
    let fromBlock = 0;
    for (let page = 0; page < 100; page++) {
      const body = expectStatus(await client(gws.NL).get(`/audit/events?fromBlock=${fromBlock}&limit=3`, 'auditor'), 200);
      const events = body.events as typeof all;
      all.push(...events);
      if (events.length === 0) {
        break;
      }
      fromBlock = body.nextBlock as number;
    }
    const blocks = all.map((e) => e.blockNumber);
    assert.deepEqual(blocks, [...blocks].sort((a, b) => a - b));
    assert.equal(new Set(all.map((e) => e.transactionId)).size, all.length, 'no event twice');
    assert.ok(all.some((e) => e.name === 'ConsignmentLodged' && e.payload.ucr === ucr));
  });
});

describe('gateway: rate limit', function () {
  this.timeout(60_000);
  const gws = gatewaysForSuite({ limits: { rateLimit: { windowMs: 60_000, limit: 3 } } });

  it('answers 429 with a coded error once a client exceeds its budget, and keeps /healthz out of it', async () => {
    for (let i = 0; i < 3; i++) {
      expectStatus(await client(gws.NL).get('/agreements', 'auditor'), 200);
    }
    const limited = expectStatus(await client(gws.NL).get('/agreements', 'auditor'), 429);
    assert.equal((limited.error as { code: string }).code, 'RATE_LIMITED');
    expectStatus(await client(gws.NL).get('//healthz'), 200);
    // Budgets are per gateway.
    expectStatus(await client(gws.BE).get('/agreements', 'auditor'), 200);
  });
});
