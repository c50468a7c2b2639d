/**
 * The gateway across a crash of its own peer, on the real Fabric network:
 * a stream of lodgements over HTTP, `kill -9` of the authority's peer, a
 * restart a few seconds later with `network.sh start`. While the peer is
 * down the gateway answers 503 LEDGER_UNAVAILABLE with Retry-After (or, for a
 * transaction already sent, 504 naming it), never 502 or a hang past its
 * deadline; within 10 s of the restart it answers 2xx again and /healthz is
 * 200; every acknowledged record is on every member's peer, lodged once.
 * Run for each Fabric client.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createHttpServer } from 'customs-ledger-gateway/dist/http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { RecordView } from 'customs-ledger-chaincode/domain';
import { createServer, type Role } from 'customs-ledger-gateway/dist/http';
import { FileTokenStore } from 'customs-ledger-gateway/dist/identity/token-store';
import { backends, type LedgerBackend } from 'customs-ledger-gateway/dist/ledger';
import type * as FabricModule from 'customs-ledger-gateway/dist/ledger/fabric';
import { lodgeOn, makeLodgement, randomSalts, sampleDeclaration } from '../support/fixtures';
import { ROOT, logLinesOfThisRun, needFabric, networkScript } from '../support/parity-fabric';
import { BE, DE, NL, PARITY_MEMBERS, openFabric, type ParityTarget } from '../support/parity-targets';
import { agreementJson, sharedPayload } from '../support/scenario';
import { ROLES } from 'customs-ledger-chaincode/domain';

const DEADLINE_MS = 12_000;
/** what a request may take beyond the gateway's deadline: the HTTP hop and the answer */
const SLACK_MS = 2_000;
const RECOVERY_MS = 10_000;
const PEER = `peer-${NL}`;

interface Outcome {
  ucr: string;
  status: number;
  code?: string;
  message?: string;
  transactionId?: string | null;
  retryAfter: string | null;
  startedAt: number;
  endedAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


function peerPid(): number {
  const [pid] = readFileSync(join(ROOT, '.fabric', 'network', 'pids', `${PEER}.pid`), 'utf8').trim().split(' ');
  return Number(pid);
}

for (const clientName of ['fabric-gateway', 'fabric-network'] as const) {
  describe(`gateway on ${clientName}: kill -9 of its own peer, then restart`, function () {
    this.timeout(240_000);
    let dir: string;
    let server: Server;
    let base: string;
    let token: string;
    const peers: Record<string, LedgerBackend> = {};
    let readers: Record<string, FabricModule.FabricWallet> = {};

    before(async function () {
      await needFabric(this, 'the restart test');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fabricModule = require('customs-ledger-gateway/dist/ledger/fabric') as typeof FabricModule;
      const material = await fabricModule.loadFabricNetwork();
      readers = await fabricModule.fabricWallets(material);
      const logger = pino({ level: process.env.GATEWAY_TEST_LOG ?? 'silent' });
      for (const msp of PARITY_MEMBERS) {
        const config = { mspId: msp, material, identities: Object.values(readers[msp]!), logger };
        peers[msp] = clientName === 'fabric-network' ? backends.fabricNetwork(config) : backends.fabricGateway(config);
      }
      dir = await mkdtemp(join(tmpdir(), 'customs-restart-'));
      const wallet = readers[NL]!;
      const roles: readonly Role[] = ROLES;
      const { store, issued } = await FileTokenStore.open(join(dir, 'tokens.json'), roles.map((role) => ({ label: wallet[role].label, role })));
      token = issued.find((t) => t.role === 'officer')!.token;
      const app = createServer({
        backend: peers[NL]!,
        wallet,
        tokens: store,
        logger,
        limits: { rateLimit: false, ledger: { deadlineMs: DEADLINE_MS } },
      });
      server = createHttpServer(app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(async () => {
      // the peer must run again whatever happened above
      await networkScript(['start', PEER]).catch(() => undefined);
      await new Promise((r) => server?.close(r));
      for (const b of Object.values(peers)) {
        await b.close();
      }
      if (dir) {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('answers 503 with Retry-After while the peer is down, 2xx within 10 s of its restart, and loses or doubles no record', async () => {
      const outcomes: Outcome[] = [];
      const health: { at: number; status: number }[] = [];
      let stopping = false;

      const lodge = async (body: unknown, ucr: string): Promise<Outcome> => {
        const startedAt = Date.now();
        let status = 0;
        let parsed: { error?: { code?: string; message?: string; details?: { transactionId?: string | null } } } = {};
        let retryAfter: string | null = null;
        try {
          const res = await fetch(`${base}/api/v1/consignments`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(DEADLINE_MS * 3),
          });
          status = res.status;
          retryAfter = res.headers.get('retry-after');
          parsed = (await res.json()) as typeof parsed;
        } catch (err) {
          status = -1; // no answer at all within three deadlines
          parsed = { error: { code: String(err) } };
        }
        const o: Outcome = {
          ucr,
          status,
          ...(parsed.error?.code ? { code: parsed.error.code } : {}),
          ...(parsed.error?.message ? { message: parsed.error.message } : {}),
          ...(parsed.error?.details && 'transactionId' in parsed.error.details ? { transactionId: parsed.error.details.transactionId ?? null } : {}),
          retryAfter,
          startedAt,
          endedAt: Date.now(),
        };
        outcomes.push(o);
        return o;
      };

      // Each worker lodges new declarations; after a 503 or 504 it sends the same one again, as a client would.
      const worker = async (): Promise<void> => {
        while (!stopping) {
          const declaration = sampleDeclaration();
          const body = { declaration, salts: randomSalts() };
          for (let tries = 0; tries < 30; tries++) {
            const o = await lodge(body, declaration.ucr);
            if (o.status === 200 || o.status === 201 || o.status < 500 || stopping) {
              break;
            }
            await sleep(Number(o.retryAfter ?? '1') * 250);
          }
        }
      };
      const probe = async (): Promise<void> => {
        while (!stopping) {
          const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(DEADLINE_MS * 3) }).catch(() => undefined);
          health.push({ at: Date.now(), status: res?.status ?? -1 });
          await sleep(250);
        }
      };

      const workers = [worker(), worker(), worker(), probe()];
      await sleep(3_000);
      const killedAt = Date.now();
      process.kill(peerPid(), 'SIGKILL');
      await sleep(5_000);
      await networkScript(['start', PEER]);
      const restartedAt = Date.now();
      // run on until the gateway has answered 2xx after the restart, and a little longer
      const until = restartedAt + RECOVERY_MS + 20_000;
      while (Date.now() < until && !outcomes.some((o) => o.endedAt > restartedAt && (o.status === 201 || o.status === 200))) {
        await sleep(200);
      }
      await sleep(3_000);
      stopping = true;
      await Promise.all(workers);

      const summary = (list: Outcome[]) =>
        Object.entries(list.reduce<Record<string, number>>((m, o) => ({ ...m, [`${o.status}${o.code ? ` ${o.code}` : ''}`]: (m[`${o.status}${o.code ? ` ${o.code}` : ''}`] ?? 0) + 1 }), {}))
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ');
      console.log(`      ${outcomes.length} requests (${summary(outcomes)})`);

      assert.ok(outcomes.some((o) => o.endedAt < killedAt && o.status === 201), 'lodgements were acknowledged before the kill');
      for (const o of outcomes) {
        assert.ok(o.endedAt - o.startedAt <= DEADLINE_MS + SLACK_MS, `a request took ${o.endedAt - o.startedAt} ms (deadline ${DEADLINE_MS} ms): ${JSON.stringify(o)}`);
        assert.ok([200, 201, 503, 504].includes(o.status), `an answer other than 2xx, 503 or 504: ${JSON.stringify(o)}`);
        if (o.status === 503) {
          assert.ok(o.code === 'LEDGER_UNAVAILABLE' || o.code === 'LEDGER_BUSY', `503 with ${o.code}`);
          assert.ok(o.retryAfter !== null, `503 without Retry-After: ${JSON.stringify(o)}`);
        }
        if (o.status === 504) {
          assert.equal(o.code, 'LEDGER_TIMEOUT');
          assert.match(String(o.transactionId), /^[0-9a-f]{64}$/, `504 without its transaction id: ${JSON.stringify(o)}`);
        }
      }
      assert.ok(outcomes.some((o) => o.status === 503 && o.startedAt > killedAt), 'the outage was seen as 503');
      const firstOk = outcomes.filter((o) => o.startedAt > restartedAt && o.status >= 200 && o.status < 300).sort((a, b) => a.endedAt - b.endedAt)[0];
      assert.ok(firstOk, 'no 2xx after the restart');
      assert.ok(firstOk.endedAt - restartedAt <= RECOVERY_MS, `first 2xx ${firstOk.endedAt - restartedAt} ms after the restart`);
      const healthy = health.find((h) => h.at > restartedAt && h.status === 200);
      assert.ok(healthy && healthy.at - restartedAt <= RECOVERY_MS, `/healthz not 200 within ${RECOVERY_MS} ms of the restart`);
      console.log(`      first 2xx ${firstOk.endedAt - restartedAt} ms, /healthz 200 ${healthy.at - restartedAt} ms after the restart`);

      // Every acknowledged record is on every member's peer, from one Lodge transaction: one history entry.
      const acknowledged = [...new Set(outcomes.filter((o) => o.status === 200 || o.status === 201).map((o) => o.ucr))];
      const ask = async (msp: string, fn: string, ucr: string): Promise<unknown> =>
        JSON.parse((await peers[msp]!.evaluate({ identity: readers[msp]!.officer, contract: 'consignment', fn, args: [ucr] })).toString()) as unknown;
      for (const ucr of acknowledged) {
        const history = ((await ask(NL, 'History', ucr)) as { entries: { txId: string }[] }).entries;
        assert.equal(history.length, 1, `${ucr} was written ${history.length} times`);
        for (const msp of PARITY_MEMBERS) {
          const view = (await ask(msp, 'Get', ucr)) as RecordView;
          assert.equal(view.record.lodgeTxId, history[0]!.txId, `${ucr} on the peer of ${msp}`);
        }
      }
      console.log(`      ${acknowledged.length} acknowledged records on all ${PARITY_MEMBERS.length} peers, each lodged once`);
    });
  });
}

describe('the Fabric nodes’ logs of this run', () => {
  it('hold no private-data reconciliation error and no panic', async function () {
    await needFabric(this, 'the check of the nodes\' logs');
    const noisy = Object.entries(logLinesOfThisRun()).flatMap(([file, lines]) =>
      lines.filter((l) => /Failed to reconcile|reconciliation error|Empty membership|\bpanic\b/.test(l)).map((l) => `${file}: ${l}`),
    );
    assert.deepEqual(noisy.slice(0, 5), [], `${noisy.length} such lines`);
  });
});

describe('a member whose peer is down: the others keep lodging, sharing and agreeing', function () {
  this.timeout(300_000);
  let t: ParityTarget | undefined;
  let stopped = false;

  before(async function () {
    await needFabric(this, 'the test with a member\'s peer down');
    t = await openFabric('fabric-gateway');
  });

  after(async () => {
    if (stopped) {
      await networkScript(['start', `peer-${DE}`]);
    }
    await t?.close();
  });

  it('lodges through the remaining witness, and shares and accepts between the two members that are up', async () => {
    await networkScript(['stop', `peer-${DE}`]);
    stopped = true;
    const agreementId = `AGR-DOWN-${Date.now().toString(36).toUpperCase()}`;
    const submit = (msp: string, role: 'officer' | 'admin', contract: 'agreement' | 'consignment', fn: string, args: string[], extra: { transient?: Record<string, Uint8Array>; endorsingOrgs?: string[] } = {}) =>
      t!.peer[msp]!.submit({ identity: t!.wallet[msp]![role], contract, fn, args, ...extra });
    // NL's witnesses are taken in turn: whichever comes first, the lodgements succeed through BE.
    const lodged = [];
    for (let i = 0; i < 3; i++) {
      const l = await makeLodgement(sampleDeclaration(), NL, null);
      await lodgeOn(t!.peer[NL]!, t!.wallet[NL]!.officer, l);
      lodged.push(l);
    }
    await submit(NL, 'admin', 'agreement', 'Propose', [agreementJson({ id: agreementId, parties: [NL, BE] })]);
    await submit(BE, 'admin', 'agreement', 'Accept', [agreementId]);
    const l = lodged[0]!;
    await submit(NL, 'officer', 'consignment', 'Share', [l.declaration.ucr, BE, agreementId, 'risk-assessment', ''], {
      transient: { shared: Buffer.from(JSON.stringify(sharedPayload(l, ['goods', 'valuation']))) },
      endorsingOrgs: [BE],
    });
    const seen = JSON.parse((await t!.peer[BE]!.evaluate({ identity: t!.wallet[BE]!.officer, contract: 'consignment', fn: 'Get', args: [l.declaration.ucr] })).toString()) as RecordView;
    assert.deepEqual(seen.private?.categories, ['goods', 'valuation']);
    console.log(`      with DE's peer down: ${lodged.length} lodgements, an agreement and a share between NL and BE`);
  });
});
