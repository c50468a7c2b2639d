/**
 * What a caller without a token may learn: facts about the document it
 * holds, nothing about any other record. The walk covers every operation the
 * OpenAPI document marks public (a new one fails the coverage check until it
 * is walked), once with the material of a record the caller holds and once
 * with another record's UCR and material it made up; the other records'
 * UCRs, transaction ids and statuses must never appear, and what the caller
 * does not hold is answered exactly as a UCR nobody lodged.
 */
import { strict as assert } from 'node:assert';
import { Wallet } from 'ethers';
import { fieldHashes, proofRequestTypedData, declarationHashOf, type Declaration, type Salts } from 'customs-ledger-chaincode/domain';
import { openApiDocument } from 'customs-ledger-gateway/dist/http';
import { signDeclaration } from 'customs-ledger-gateway/dist/trader';
import { randomSalts, sampleDeclaration } from '../../../support/fixtures';
import { startGateways, type TestGateways } from '../../../support/gateways';
import { API, client, expectStatus } from '../../../support/http-client';
import { checkedRequest } from '../../../support/spec-check';

interface Held {
  declaration: Declaration;
  salts: Salts;
  txId: string;
  trader: Pick<Wallet, 'address' | 'signTypedData'>;
}

describe('gateway: what a caller without a token learns', function () {
  this.timeout(120_000);
  let gws: TestGateways;
  let held: Held;
  const others: { ucr: string; txId: string }[] = [];

  const lodgeSigned = async (declaration: Declaration): Promise<Held> => {
    const trader = Wallet.createRandom();
    const salts = randomSalts();
    const { signature } = await signDeclaration(declaration, trader, { authority: gws.NL.msp, channelId: gws.ledger.channelId, salts });
    const body = expectStatus(await client(gws.NL).post('/consignments', { declaration, salts, trader: { address: trader.address, signature } }, 'officer'), 201);
    return { declaration, salts, trader, txId: (body.record as { lodgeTxId: string }).lodgeTxId };
  };

  before(async () => {
    // the embedded ledger: inclusion proofs are built from its real Fabric blocks
    gws = await startGateways({ backend: 'embedded' });
    held = await lodgeSigned(sampleDeclaration());
    for (let i = 0; i < 3; i++) {
      const other = await lodgeSigned(sampleDeclaration());
      others.push({ ucr: other.declaration.ucr, txId: other.txId });
    }
    // one of them moves on, so that a status other than the first one is on the ledger
    expectStatus(await client(gws.NL).post(`/consignments/${others[0]!.ucr}/status`, { status: 'risk-assessed', reason: 'profiled' }, 'officer'), 200);
    expectStatus(await client(gws.NL).post(`/consignments/${others[0]!.ucr}/status`, { status: 'held', reason: 'inspection' }, 'officer'), 200);
  });
  after(async () => {
    await gws.close();
  });

  const signedProofRequest = async (ucr: string, wallet: Held['trader']) => {
    const signedAt = new Date().toISOString();
    const typed = proofRequestTypedData({ ucr, authority: gws.DE.msp, signedAt });
    return { signedAt, signature: await wallet.signTypedData(typed.domain, typed.types, typed.value) };
  };
  /** a document under another record's UCR, as someone who has only the UCR would make one up */
  const madeUp = (ucr: string): Declaration => {
    const d = sampleDeclaration();
    return { ...d, ucr, consignee: { ...d.consignee, name: 'Made Up Trading B.V.' } };
  };

  /** each public operation: what a holder sends, and what someone sends who has another record's UCR only */
  type Call = [string, string, unknown?];
  const WALK: Record<string, { held: () => Call | Promise<Call>; other: (ucr: string, txId: string) => Call | Promise<Call> }> = {
    'post /verify': {
      held: () => ['post', '/verify', { declaration: held.declaration, salts: held.salts }],
      other: (ucr) => ['post', '/verify', { declaration: madeUp(ucr), salts: randomSalts() }],
    },
    'post /verify/fields': {
      held: () => ['post', '/verify/fields', { ucr: held.declaration.ucr, fields: { consignee: { value: held.declaration.consignee, salt: held.salts.consignee } } }],
      other: (ucr) => ['post', '/verify/fields', { ucr, fields: { consignee: { value: held.declaration.consignee, salt: randomSalts().consignee } } }],
    },
    'post /commitments/{ucr}': {
      held: () => ['post', `/commitments/${held.declaration.ucr}`, { declarationHash: declarationHashOf(held.declaration) }],
      other: (ucr) => ['post', `/commitments/${ucr}`, { declarationHash: declarationHashOf(madeUp(ucr)), fieldHashes: fieldHashes(madeUp(ucr), randomSalts()) }],
    },
    'post /proofs/inclusion/{ucr}': {
      held: async () => ['post', `/proofs/inclusion/${held.declaration.ucr}`, await signedProofRequest(held.declaration.ucr, held.trader)],
      // the caller's own trader key, over another record's UCR
      other: async (ucr) => ['post', `/proofs/inclusion/${ucr}`, await signedProofRequest(ucr, held.trader)],
    },
    'get /transactions/{txId}': {
      held: () => ['get', `/transactions/${held.txId}`],
      // a transaction id is 256 bits the caller cannot guess; one it made up is unknown
      other: () => ['get', `/transactions/${'ab'.repeat(32)}`],
    },
  };
  const SYSTEM = ['/healthz', '/openapi.json', '/metrics'];

  it('walks every operation the API marks public', () => {
    const doc = openApiDocument(gws.DE.msp) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const publicOps = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => Array.isArray(op.security) && op.security.length === 0)
        .map(([method]) => (path.startsWith(API) ? `${method} ${path.slice(API.length)}` : `${method} ${path}`)),
    );
    assert.deepEqual(publicOps.filter((op) => !(op in WALK) && !SYSTEM.includes(op.replace(/^get /, ''))).sort(), []);
  });

  const send = ([method, path, body]: [string, string, unknown?], gateway = gws.DE) => {
    const t = checkedRequest(gateway.app)[method as 'get' | 'post'](`${API}${path}`);
    return body === undefined ? t : t.send(body as object);
  };
  const statuses = ['lodged', 'risk-assessed', 'held', 'released', 'seized'];
  const assertNothingOfOthers = (text: string, what: string): void => {
    for (const o of others) {
      assert.ok(!text.includes(o.ucr), `${what} names another record's UCR`);
      assert.ok(!text.includes(o.txId), `${what} names another record's transaction`);
    }
    const json = JSON.parse(text) as unknown;
    const found: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) {
        v.forEach(walk);
      } else if (typeof v === 'object' && v !== null) {
        for (const [k, x] of Object.entries(v)) {
          if ((k === 'status' || k === 'statusHistory') && (typeof x !== 'string' || statuses.includes(x))) {
            found.push(k);
          }
          walk(x);
        }
      }
    };
    walk(json);
    assert.deepEqual(found, [], `${what} carries a record status`);
  };

  for (const [op, calls] of Object.entries(WALK)) {
    it(`${op}: answers the holder about its record only, and another UCR as one nobody lodged`, async () => {
      const own = await send(await calls.held());
      assert.equal(own.status, 200, own.text.slice(0, 300));
      assertNothingOfOthers(own.text, `${op} for the holder`);
      const unknownUcr = sampleDeclaration().ucr;
      const [unknown, ...answers] = await Promise.all([send(await calls.other(unknownUcr, '')), ...others.map(async (o) => send(await calls.other(o.ucr, o.txId)))]);
      for (const [i, res] of answers.entries()) {
        assert.equal(res.status, unknown.status, `${op} for ${others[i]!.ucr}: ${res.text.slice(0, 200)}`);
        assertNothingOfOthers(res.text.replaceAll(others[i]!.ucr, '<ucr>'), `${op} for a record not held`);
        assert.equal(res.text.replaceAll(others[i]!.ucr, '<ucr>'), unknown.text.replaceAll(unknownUcr, '<ucr>'), 'the same answer as for a UCR nobody lodged');
      }
      assert.equal(unknown.status, 404);
    });
  }

  it('gives a token holder the commitments and the inclusion proof by UCR alone, and a caller without a token neither', async () => {
    const ucr = others[1]!.ucr;
    assert.equal((await checkedRequest(gws.DE.app).get(`${API}/commitments/${ucr}`)).status, 401);
    assert.equal((await checkedRequest(gws.DE.app).get(`${API}/proofs/inclusion/${ucr}`)).status, 401);
    expectStatus(await client(gws.DE).get(`/commitments/${ucr}`, 'auditor'), 200);
    expectStatus(await client(gws.DE).get(`/proofs/inclusion/${ucr}`, 'officer'), 200);
  });

  it('refuses a trader\'s proof request signed too long ago, naming signedAt', async () => {
    const signedAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const typed = proofRequestTypedData({ ucr: held.declaration.ucr, authority: gws.DE.msp, signedAt });
    const signature = await held.trader.signTypedData(typed.domain, typed.types, typed.value);
    const res = await checkedRequest(gws.DE.app).post(`${API}/proofs/inclusion/${held.declaration.ucr}`).send({ signedAt, signature });
    assert.equal(res.status, 403);
    assert.equal((res.body as { error: { field: string } }).error.field, 'signedAt');
  });

  it('says nothing of other records on the system routes', async () => {
    for (const path of SYSTEM) {
      const res = await checkedRequest(gws.DE.app).get(path);
      assert.equal(res.status, 200, path);
      for (const o of others) {
        assert.ok(!res.text.includes(o.ucr) && !res.text.includes(o.txId), `${path} names another record`);
      }
    }
  });
});
