/**
 * `npm run bench`: lodgement throughput and latency through the REST
 * gateways of a fresh embedded network, reads, and beside each figure this
 * machine's measured ceiling for the same work, as a ratio. A script, not a
 * test: figures are printed and written to bench-results/, never asserted.
 */
import '../main/quiet-chaincode-logs';
import { createHash, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { Wallet, SigningKey, Signature } from 'ethers';
import { pino } from 'pino';
import {
  DECLARATION_FIELDS,
  canonicalJson,
  commitDeclaration,
  declarationDigest,
  declarationTypedData,
  recoverSigner,
  type Declaration,
  type Salts,
} from 'customs-ledger-chaincode/domain';
import { replay } from '../audit';
import { blockSources } from '../audit/block-source';
import { createServer, FileTokenStore, ROLES } from '../http';
import { recordSources, verifyDocument } from '../trader';
import { backends, EmbeddedNetwork } from '../ledger';
import { loadMembers } from '../config/members';
import { ApiClient, ApiError } from '../main/api-client';
import { nowMs, opsPerSecond, summarize, type LatencySummary } from './stats';

const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

interface Lodgement {
  body: unknown;
  ucr: string;
}

let serial = 0;
function declaration(): Declaration {
  serial += 1;
  return {
    ucr: `6NL${String(700_000_000 + serial)}-B${randomBytes(3).toString('hex').toUpperCase()}`,
    type: 'import',
    office: 'NLRTM',
    destinationCountry: 'NL',
    consignor: { id: null, name: 'Shenzhen Bright Lamps Co.', country: 'CN' },
    consignee: { id: 'NL812345678', name: 'Lumen Import B.V.', country: 'NL' },
    declarant: { id: 'NL812345678', name: 'Lumen Import B.V.', country: 'NL' },
    goodsItems: [
      { sequence: 1, hsCode: '940540', description: 'LED luminaires for indoor use', packages: 120, grossMassKg: '1840.5', netMassKg: '1602', originCountry: 'CN' },
      { sequence: 2, hsCode: '853950', description: 'LED lamps', packages: 40, grossMassKg: '220', netMassKg: '190.25', originCountry: 'CN' },
    ],
    customsValue: { amount: '48250.00', currency: 'EUR' },
    invoice: { number: `INV-${serial}`, date: '2026-11-20' },
    transportMode: 'sea',
    transportDocument: { type: 'bill-of-lading', number: `MAEU${serial}` },
    containers: ['CSQU3054383'],
    seals: ['SL-998877'],
    dangerousGoods: [],
  };
}

const newSalts = (): Salts => Object.fromEntries(DECLARATION_FIELDS.map((f) => [f, randomBytes(32).toString('hex')])) as Salts;

async function prepare(n: number, trader: Wallet | null, channelId: string, authority: string): Promise<Lodgement[]> {
  const out: Lodgement[] = [];
  for (let i = 0; i < n; i++) {
    const d = declaration();
    const salts = newSalts();
    if (!trader) {
      out.push({ ucr: d.ucr, body: { declaration: d, salts } });
      continue;
    }
    const c = commitDeclaration(d, salts);
    const t = declarationTypedData(channelId, { ucr: d.ucr, declarationHash: c.declarationHash, fieldRoot: c.fieldRoot, authority, version: 1 });
    const signature = await trader.signTypedData(t.domain, t.types, t.value);
    out.push({ ucr: d.ucr, body: { declaration: d, salts, trader: { address: trader.address, signature } } });
  }
  return out;
}

/** Closed loop: `concurrency` clients each send their next request when the last one answered. */
async function closedLoop(client: ApiClient, items: Lodgement[], concurrency: number): Promise<{ rate: number; latency: LatencySummary }> {
  const latencies: number[] = [];
  let next = 0;
  const start = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const t = nowMs();
        await client.post('/api/v1/consignments', item.body);
        latencies.push(nowMs() - t);
      }
    }),
  );
  return { rate: (items.length * 1000) / (nowMs() - start), latency: summarize(latencies) };
}

/** Open loop: requests sent at a fixed arrival rate whatever the answers; latency includes queueing. */
async function openLoop(
  client: ApiClient,
  items: Lodgement[],
  perSecond: number,
): Promise<{ achieved: number; latency: LatencySummary; errors: number; errorsByStatus: Record<string, number> }> {
  const latencies: number[] = [];
  let errors = 0;
  const errorsByStatus: Record<string, number> = {};
  const start = nowMs();
  const pending: Promise<void>[] = [];
  for (const [i, item] of items.entries()) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - nowMs();
    if (wait > 1) {
      await new Promise((r) => setTimeout(r, wait));
    }
    const t = nowMs();
    pending.push(
      client.post('/api/v1/consignments', item.body).then(
        () => void latencies.push(nowMs() - t),
        (err: unknown) => {
          errors += 1;
          const status = err instanceof ApiError ? String(err.status) : 'network';
          errorsByStatus[status] = (errorsByStatus[status] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  return { achieved: (latencies.length * 1000) / (nowMs() - start), latency: summarize(latencies), errors, errorsByStatus };
}

async function readLatency(fn: () => Promise<unknown>, n: number): Promise<LatencySummary> {
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = nowMs();
    await fn();
    latencies.push(nowMs() - t);
  }
  return summarize(latencies);
}

/** What one machine core does per second of each piece of work a lodgement needs. */
async function machineLimits(sample: Declaration, channelId: string): Promise<Record<string, number>> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const message = Buffer.alloc(3000, 7);
  const signature = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
  const salts = newSalts();
  const wallet = new Wallet(`0x${randomBytes(32).toString('hex')}`);
  const c = commitDeclaration(sample, salts);
  const facts = { ucr: sample.ucr, declarationHash: c.declarationHash, fieldRoot: c.fieldRoot, authority: 'NLCustomsMSP', version: 1 };
  const digest = declarationDigest(channelId, facts);
  const sig = Signature.from(new SigningKey(wallet.privateKey).sign(digest)).serialized;
  // Express alone: the same JSON body through a bare app, over loopback.
  const app = express();
  app.use(express.json({ limit: '256kb' }));
  app.post('/echo', (_req, res) => void res.json({ ok: true }));
  const server = createHttpServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const bare = new ApiClient(url);
  const body = { declaration: sample, salts };
  const n = 2000;
  let sent = 0;
  const t0 = nowMs();
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (sent++ < n) {
      await bare.post('/echo', body);
    }
  }));
  const expressRate = (n * 1000) / (nowMs() - t0);
  await new Promise<void>((r) => server.close(() => r()));
  return {
    'P-256 sign': opsPerSecond(() => sign('sha256', message, { key: privateKey, dsaEncoding: 'der' })),
    'P-256 verify': opsPerSecond(() => verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature)),
    'secp256k1 recover (EIP-712, ethers)': opsPerSecond(() => recoverSigner(digest, sig), 400, 10),
    'canonicalize + SHA-256 of a declaration': opsPerSecond(() => createHash('sha256').update(canonicalJson(sample)).digest()),
    'declaration commitment (hash, 15 salted leaves, root)': opsPerSecond(() => commitDeclaration(sample, salts)),
    'Express JSON request over loopback (c=16)': expressRate,
  };
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  if (args.has('--fabric')) {
    out('bench --fabric: no Fabric network is available on this machine (see README, "Running on a real Fabric network"); embedded only.');
  }
  const quick = args.has('--quick');
  const members = await loadMembers();
  const dir = await mkdtemp(join(tmpdir(), 'customs-ledger-bench-'));
  const network = await EmbeddedNetwork.start({ dataDir: dir, channelId: members.channel, members: members.members.map((m) => m.mspId), chaincode: { name: members.chaincode } });
  const nl = members.members.find((m) => m.country === 'NL') ?? members.members[0]!;
  const wallet = network.wallet(nl.mspId);
  const { store, issued } = await FileTokenStore.open(join(dir, 'tokens.json'), ROLES.map((role) => ({ label: wallet[role].label, role })));
  const app = createServer({
    backend: backends.embedded(network, nl.mspId),
    wallet,
    tokens: store,
    logger: pino({ level: 'silent' }),
    limits: { rateLimit: false },
  });
  const server: Server = createHttpServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const officer = new ApiClient(base, issued.find((t) => t.role === 'officer')!.token, 120_000);
  const trader = new Wallet(`0x${randomBytes(32).toString('hex')}`);
  const sizes = quick ? { 1: 30, 16: 150, 64: 300 } : { 1: 100, 16: 500, 64: 1000 };

  out(`customs-ledger benchmark — ${cpus().length} cores, Node ${process.version}, embedded network of ${members.members.length} peers, blocks fsynced`);
  out('load generator, gateway and all peers share this one process (one event loop): figures are per whole system.');
  out();
  const results: Record<string, unknown> = {};
  out('lodgements through the REST gateway (closed loop)');
  out('  signed  concurrency  lodgements/s   p50 ms   p99 ms');
  for (const signed of [false, true]) {
    for (const c of [1, 16, 64] as const) {
      const items = await prepare(sizes[c], signed ? trader : null, members.channel, nl.mspId);
      const r = await closedLoop(officer, items, c);
      results[`lodge signed=${signed} c=${c}`] = r;
      out(`  ${String(signed).padEnd(6)}  ${String(c).padStart(11)}  ${fmt(r.rate).padStart(12)}  ${fmt(r.latency.p50, 1).padStart(7)}  ${fmt(r.latency.p99, 1).padStart(7)}`);
    }
  }
  const best = Math.max(...Object.values(results).map((r) => (r as { rate: number }).rate));
  out();
  out('fixed arrival rate (open loop, unsigned): latency includes queueing');
  out('  offered/s  achieved/s   p50 ms    p99 ms  errors');
  for (const rate of [Math.max(5, Math.round(best / 2)), 1000]) {
    const seconds = quick ? 1 : 2;
    const items = await prepare(Math.round(rate * seconds), null, members.channel, nl.mspId);
    const r = await openLoop(officer, items, rate);
    results[`open loop ${rate}/s`] = r;
    const byStatus = Object.entries(r.errorsByStatus).map(([k, v]) => `${v}×${k}`).join(' ');
    out(`  ${String(rate).padStart(9)}  ${fmt(r.achieved).padStart(10)}  ${fmt(r.latency.p50, 1).padStart(7)}  ${fmt(r.latency.p99, 1).padStart(8)}  ${r.errors}${byStatus ? ` (${byStatus})` : ''}`);
  }
  out();
  const sampleUcr = (await prepare(1, null, members.channel, nl.mspId))[0]!;
  await officer.post('/api/v1/consignments', sampleUcr.body);
  const point = await readLatency(() => officer.get(`/api/v1/consignments/${sampleUcr.ucr}`), quick ? 100 : 500);
  const page = await readLatency(() => officer.get('/api/v1/consignments?by=office&value=NLRTM&pageSize=50'), quick ? 30 : 100);
  results['point read'] = point;
  results['list page of 50'] = page;
  out('reads');
  out(`  point read (record + private fields)   p50 ${fmt(point.p50, 2)} ms   p99 ${fmt(point.p99, 2)} ms`);
  out(`  list page of 50 records               p50 ${fmt(page.p50, 2)} ms   p99 ${fmt(page.p99, 2)} ms`);
  out();
  // The auditor: replay every block of this run's ledger with every check, and a trader's verification.
  const backend = backends.embedded(network, nl.mspId);
  const height = await backend.blockHeight();
  let transactions = 0;
  for (let n = 0; n < height; n++) {
    transactions += (await backend.blockInfo(n)).transactions.length;
  }
  const t0 = nowMs();
  const report = await replay({ source: blockSources.backend(backend) });
  const replaySeconds = (nowMs() - t0) / 1000;
  results.replay = { blocks: height, transactions, seconds: replaySeconds, findings: report.findings.length };
  out('auditor replay of the whole ledger (hash chain, orderer, creator and endorser signatures, validation codes, rules, state)');
  out(`  ${height} blocks, ${transactions} transactions in ${fmt(replaySeconds, 2)} s: ${fmt(height / replaySeconds)} blocks/s, ${fmt(transactions / replaySeconds)} tx/s, ${report.findings.length} findings`);
  const signedSample = (await prepare(1, trader, members.channel, nl.mspId))[0]!;
  await officer.post('/api/v1/consignments', signedSample.body);
  const source = recordSources.backend(backend, wallet.auditor);
  const document = (signedSample.body as { declaration: unknown }).declaration;
  const verifyLatency = await readLatency(() => verifyDocument(document, source, { channelId: members.channel }), quick ? 100 : 500);
  results['trader verification'] = verifyLatency;
  out(`  trader verification of a signed declaration (in-process)   p50 ${fmt(verifyLatency.p50, 2)} ms   p99 ${fmt(verifyLatency.p99, 2)} ms`);
  out();
  const limits = await machineLimits(declaration(), members.channel);
  results.limits = limits;
  out('this machine, one core, for the same pieces of work');
  for (const [name, rate] of Object.entries(limits)) {
    out(`  ${name.padEnd(55)} ${fmt(rate).padStart(8)}/s`);
  }
  // What a lodgement costs in these pieces: 3 P-256 signatures (proposal, endorsement, envelope), 3 verifications
  // (proposal at the endorser, creator and endorser at validation), one recovery when signed, and the commitment
  // computed by the gateway and again by the chaincode, plus one Express request.
  const perLodgement = (signed: boolean): number =>
    1 /
    (3 / limits['P-256 sign']! +
      3 / limits['P-256 verify']! +
      (signed ? 1 / limits['secp256k1 recover (EIP-712, ethers)']! : 0) +
      2 / limits['declaration commitment (hash, 15 salted leaves, root)']! +
      1 / limits['Express JSON request over loopback (c=16)']!);
  out();
  // A replayed transaction checks at least two P-256 signatures (creator, endorser) and hashes its envelope.
  const replayCeiling = 1 / (2 / limits['P-256 verify']!);
  out(`ratio of replay tx/s to the P-256 ceiling (2 verifications per transaction, ${fmt(replayCeiling)}/s): ${fmt(transactions / replaySeconds / replayCeiling, 2)}`);
  out('ratio of measured lodgements/s to the ceiling those pieces alone set on one core');
  for (const signed of [false, true]) {
    const measured = Math.max(...[1, 16, 64].map((c) => (results[`lodge signed=${signed} c=${c}`] as { rate: number }).rate));
    out(`  signed=${String(signed).padEnd(5)}  measured ${fmt(measured).padStart(5)}/s   ceiling ${fmt(perLodgement(signed)).padStart(5)}/s   ratio ${fmt(measured / perLodgement(signed), 2)}`);
  }
  await mkdir('bench-results', { recursive: true });
  const file = join('bench-results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  out();
  out(`results written to ${file}`);
  await new Promise<void>((r) => server.close(() => r()));
  await network.close();
  await rm(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
