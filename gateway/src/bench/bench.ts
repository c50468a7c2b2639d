/**
 * `npm run bench`: lodgement throughput and latency through the REST
 * gateway of a fresh embedded network, reads, the auditor's replay and a
 * trader's verification, and beside them this machine's measured ceiling for
 * the same work, as ratios. The load comes from a second process (see
 * load-client.ts). A script, not a test: figures are printed and written to
 * bench-results/, never asserted.
 */
import '../main/quiet-chaincode-logs';
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createHttpServer } from '../http/http-server';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { Signature, SigningKey, Wallet } from 'ethers';
import { pino } from 'pino';
import { canonicalJson, commitDeclaration, declarationDigest, recoverSigner, type Declaration } from 'customs-ledger-chaincode/domain';
import { defaultWorkerCount, replay, startSignatureWorkers } from '../audit';
import { blockSources } from '../audit/block-source';
import { parseConsignmentRecord } from '../audit/documents';
import { parseBytes, writesOf } from '../audit/rule-context';
import { prepareBlock, type Preparation } from '../audit/prepared-block';
import { checkNow, type CheckBatch } from '../audit/signature-checks';
import { loadMembers } from '../config/members';
import { createServer, ROLES } from '../http';
import { FileTokenStore } from '../identity/token-store';
import { backends, fabricModule, WorkerNetwork, type LedgerBackend } from '../ledger';
import { ApiClient } from '../main/api-client';
import { randomSalts } from '../trader/salts';
import { lodgementBody, recordSources, signDeclaration, verifyDocument } from '../trader';
import { benchDeclaration, type LoadResult, type LoadTask } from './load-client';
import { nowMs, opsPerSecond, summarize, type LatencySummary } from './stats';

const out = (line = ''): boolean => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

class LoadProcess {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();

  constructor() {
    this.child = fork(join(__dirname, 'load-client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: { id: number; result?: LoadResult; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.result) {
        w?.resolve(m.result);
      } else {
        w?.reject(new Error(m.error ?? 'load client failed'));
      }
    });
  }

  run(task: LoadTask): Promise<LoadResult> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, task });
    });
  }

  close(): void {
    this.child.kill();
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

async function inProcessLatency(fn: () => Promise<unknown>, n: number): Promise<LatencySummary> {
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = nowMs();
    await fn();
    latencies.push(nowMs() - t);
  }
  return summarize(latencies);
}

/**
 * The floor under a read's latency on this machine: a bare Express app
 * answering a GET with the same JSON body, one request at a time from the
 * load process, as the point reads are made.
 */
async function bareReadLatency(load: LoadProcess, body: unknown, n: number): Promise<LatencySummary> {
  const app = express();
  app.get('/answer', (_req, res) => void res.json(body));
  const server = createHttpServer(app);
  const url = await listen(server);
  try {
    return (await load.run({ kind: 'read', url, path: '/answer', n })).latency;
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** A run of blocks: its first and last block, its transactions and the P-256 signatures the replay verifies in it. */
interface BlockSpan {
  from: number;
  to: number;
  transactions: number;
  p256: number;
}

/** The signature checks the replay asks for in one block, as prepareBlock gathers them. */
interface BlockChecks {
  block: number;
  batch: CheckBatch;
}

/**
 * The ledger as the auditor's replay sees it, read once: every transaction
 * and every P-256 signature it verifies (orderer, creators, endorsers), the
 * longest run of blocks in which every consignment record carries a trader
 * signature, and the signature checks of every block, gathered by the
 * replay's own preparation (each distinct trader signature once).
 */
async function ledgerShape(backend: LedgerBackend, height: number): Promise<{ all: BlockSpan; signed: BlockSpan; checks: BlockChecks[] }> {
  const all: BlockSpan = { from: 0, to: height - 1, transactions: 0, p256: 0 };
  let signed: BlockSpan = { from: 0, to: -1, transactions: 0, p256: 0 };
  let run: BlockSpan | undefined;
  const checks: BlockChecks[] = [];
  let n = 0;
  const preparation: Preparation = {
    checker: { check: (batch) => (checks.push({ block: n, batch }), { wait: () => Promise.reject(new Error('not checked here')) }), close: () => undefined },
    traderChecksAsked: new Set(),
  };
  for (n = 0; n < height; n++) {
    const prepared = prepareBlock(n, await backend.blockBytes(n), preparation);
    if (prepared.block instanceof Error) {
      throw new Error(`block ${n} of the bench's own ledger cannot be read: ${prepared.block.message}`);
    }
    const p256 = checks.at(-1)!.batch.p256.length;
    let records = 0;
    let signedRecords = 0;
    for (const tx of prepared.transactions) {
      for (const w of tx instanceof Error ? [] : writesOf(tx, 'consignment')) {
        const record = w.value === null ? undefined : parseBytes(w.value, parseConsignmentRecord);
        if (record && 'value' in record) {
          records += 1;
          signedRecords += record.value.traderSignature === null ? 0 : 1;
        }
      }
    }
    const transactions = prepared.transactions.length;
    all.transactions += transactions;
    all.p256 += p256;
    if (records > 0 && signedRecords === records) {
      run = run ? { ...run, to: n, transactions: run.transactions + transactions, p256: run.p256 + p256 } : { from: n, to: n, transactions, p256 };
      signed = run.transactions > signed.transactions ? run : signed;
    } else {
      run = undefined;
    }
  }
  return { all, signed, checks };
}

/**
 * The replay's own floor on this machine: the signature checks it asks for
 * over this ledger timed alone on one thread, in seconds for the whole
 * ledger and for the signed span; the median of three passes.
 */
function signatureFloor(checks: readonly BlockChecks[], signedSpan: BlockSpan): { all: number; signed: number } {
  const passes: { all: number; signed: number }[] = [];
  for (let pass = 0; pass < 3; pass++) {
    let all = 0;
    let signed = 0;
    for (const { block: n, batch } of checks) {
      const t = nowMs();
      checkNow(batch);
      const ms = nowMs() - t;
      all += ms;
      signed += n >= signedSpan.from && n <= signedSpan.to ? ms : 0;
    }
    passes.push({ all: all / 1000, signed: signed / 1000 });
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[1]!;
  return { all: median(passes.map((p) => p.all)), signed: median(passes.map((p) => p.signed)) };
}

/** What one core of this machine does per second of each piece of work a lodgement needs. */
async function machineLimits(load: LoadProcess, sample: Declaration, channelId: string): Promise<Record<string, number>> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const message = Buffer.alloc(3000, 7);
  const block8k = Buffer.alloc(8192, 7);
  const signature = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
  const salts = randomSalts();
  const wallet = new Wallet(`0x${randomBytes(32).toString('hex')}`);
  const c = commitDeclaration(sample, salts);
  const digest = declarationDigest(channelId, { ucr: sample.ucr, declarationHash: c.declarationHash, fieldRoot: c.fieldRoot, authority: 'NLCustomsMSP', version: 1 });
  const sig = Signature.from(new SigningKey(wallet.privateKey).sign(digest)).serialized;
  // Express alone: the same JSON body through a bare app, loaded from the other process.
  const app = express();
  app.use(express.json({ limit: '256kb' }));
  app.post('/echo', (_req, res) => void res.json({ ok: true }));
  const server = createHttpServer(app);
  const url = await listen(server);
  const expressRate = (await load.run({ kind: 'post', url, path: '/echo', body: { declaration: sample, salts }, n: 3000, concurrency: 16 })).rate;
  await new Promise<void>((r) => server.close(() => r()));
  return {
    'P-256 sign': opsPerSecond(() => sign('sha256', message, { key: privateKey, dsaEncoding: 'der' })),
    'P-256 verify': opsPerSecond(() => verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature)),
    'secp256k1 recover (EIP-712 digest, libsecp256k1)': opsPerSecond(() => recoverSigner(digest, sig), 400, 10),
    'canonicalize + SHA-256 of a declaration': opsPerSecond(() => createHash('sha256').update(canonicalJson(sample)).digest()),
    'SHA-256 of 8 KiB': opsPerSecond(() => createHash('sha256').update(block8k).digest()),
    'declaration commitment (hash, 15 salted leaves, root)': opsPerSecond(() => commitDeclaration(sample, salts)),
    'Express JSON request, bare app, from the other process (c=16)': expressRate,
  };
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const quick = args.has('--quick');
  const members = await loadMembers();
  const dir = await mkdtemp(join(tmpdir(), 'customs-ledger-bench-'));
  const network = await WorkerNetwork.start({ dataDir: dir, channelId: members.channel, members: members.members.map((m) => m.mspId), chaincode: { name: members.chaincode } });
  const nl = members.members.find((m) => m.country === 'NL') ?? members.members[0]!;
  const wallet = network.wallet(nl.mspId);
  const { store, issued } = await FileTokenStore.open(join(dir, 'tokens.json'), ROLES.map((role) => ({ label: wallet[role].label, role })));
  const backend = backends.embedded(network, nl.mspId);
  const app = createServer({ backend, wallet, tokens: store, logger: pino({ level: 'silent' }), limits: { rateLimit: false } });
  const server = createHttpServer(app);
  const url = await listen(server);
  const token = issued.find((t) => t.role === 'officer')!.token;
  const load = new LoadProcess();
  const sizes = quick ? { 1: 30, 16: 200, 64: 400 } : { 1: 100, 16: 600, 64: 1200 };
  const lodge = { url, token, channel: members.channel, authority: nl.mspId };

  out(`customs-ledger benchmark — ${cpus().length} cores, Node ${process.version}, embedded network of ${members.members.length} peers, blocks fsynced`);
  out('the gateway runs in one thread, the orderer and the three peers in another (as npm start runs them); the load comes from a second process.');
  out();
  const results: Record<string, unknown> = {};
  const rate = (key: string): number => (results[key] as LoadResult).rate;
  out('lodgements through the REST gateway (closed loop)');
  out('  signed  concurrency  lodgements/s   p50 ms   p99 ms  errors');
  let sampleUcr = '';
  for (const signed of [false, true]) {
    for (const c of [1, 16, 64] as const) {
      const r = await load.run({ kind: 'closed', ...lodge, signed, n: sizes[c], concurrency: c });
      sampleUcr ||= r.ucrs[0] ?? '';
      results[`lodge signed=${signed} c=${c}`] = r;
      out(`  ${String(signed).padEnd(6)}  ${String(c).padStart(11)}  ${fmt(r.rate).padStart(12)}  ${fmt(r.latency.p50, 1).padStart(7)}  ${fmt(r.latency.p99, 1).padStart(7)}  ${r.errors}`);
    }
  }
  const best = Math.max(...[1, 16, 64].map((c) => rate(`lodge signed=false c=${c}`)));
  out();
  out('fixed arrival rate (open loop, unsigned): latency includes queueing; excess load is refused with 503');
  out('  offered/s  achieved/s   p50 ms    p99 ms  errors');
  for (const offered of [Math.max(5, Math.round(best / 2)), 1000]) {
    const r = await load.run({ kind: 'open', ...lodge, n: Math.round(offered * (quick ? 1 : 2)), rate: offered });
    results[`open loop ${offered}/s`] = r;
    const byStatus = Object.entries(r.errorsByStatus).map(([k, v]) => `${v}×${k}`).join(' ');
    out(`  ${String(offered).padStart(9)}  ${fmt(r.rate).padStart(10)}  ${fmt(r.latency.p50, 1).padStart(7)}  ${fmt(r.latency.p99, 1).padStart(8)}  ${r.errors}${byStatus ? ` (${byStatus})` : ''}`);
  }
  out();
  const point = await load.run({ kind: 'read', url, token, path: `/api/v1/consignments/${sampleUcr}`, n: quick ? 100 : 500 });
  const page = await load.run({ kind: 'read', url, token, path: '/api/v1/consignments?by=office&value=NLRTM&pageSize=50', n: quick ? 30 : 100 });
  const reader = new ApiClient(url, token);
  const pointFloor = await bareReadLatency(load, await reader.get(`/api/v1/consignments/${sampleUcr}`), quick ? 100 : 500);
  const pageFloor = await bareReadLatency(load, await reader.get('/api/v1/consignments?by=office&value=NLRTM&pageSize=50'), quick ? 30 : 100);
  results['point read'] = { ...point, bareExpress: pointFloor };
  results['list page of 50'] = { ...page, bareExpress: pageFloor };
  out('reads through the REST gateway, one at a time; beside each, a bare Express app answering the same JSON');
  for (const [label, r, floor] of [['point read (record + private fields)', point, pointFloor], ['list page of 50 records', page, pageFloor]] as const) {
    out(
      `  ${label.padEnd(37)} p50 ${fmt(r.latency.p50, 2)} ms   p99 ${fmt(r.latency.p99, 2)} ms   bare Express p50 ${fmt(floor.p50, 2)} ms: ratio ${fmt(floor.p50 / r.latency.p50, 2)}`,
    );
  }
  out();

  const height = await backend.blockHeight();
  const shape = await ledgerShape(backend, height);
  const { transactions } = shape.all;
  const replaySource = blockSources.backend(backend);
  const workers = defaultWorkerCount();
  // Each way timed block by block, after a short replay to warm the JIT up and with the worker threads started.
  await replay({ source: replaySource, to: Math.min(height - 1, 200), workers: 0 });
  const timedReplay = async (workerCount: number): Promise<{ seconds: number; signedSeconds: number; findings: number }> => {
    if (workerCount > 0) {
      await startSignatureWorkers(workerCount);
    }
    const done: number[] = [];
    const t0 = nowMs();
    const report = await replay({ source: replaySource, workers: workerCount, onProgress: (p) => void (done[p.block] = nowMs()) });
    const signedStart = shape.signed.from > 0 ? done[shape.signed.from - 1]! : t0;
    return { seconds: (nowMs() - t0) / 1000, signedSeconds: ((done[shape.signed.to] ?? signedStart) - signedStart) / 1000, findings: report.findings.length };
  };
  const oneThread = await timedReplay(0);
  const withWorkers = await timedReplay(workers);
  const floor = signatureFloor(shape.checks, shape.signed);
  results.replay = { blocks: height, transactions, p256: shape.all.p256, signedSpan: shape.signed, workers, oneThread, withWorkers, signatureFloor: floor };
  const rates = (r: { seconds: number; signedSeconds: number }) => ({ all: transactions / r.seconds, signed: shape.signed.transactions / r.signedSeconds });
  out('auditor replay of the whole ledger (hash chain, orderer, creator and endorser signatures, validation codes, rules, trader signatures, state)');
  out(`  ${height} blocks, ${transactions} transactions, ${shape.all.p256} P-256 signatures; blocks ${shape.signed.from}..${shape.signed.to} (${shape.signed.transactions} transactions) hold only signed records`);
  for (const [label, r] of [['one thread', oneThread], [`${workers} worker thread${workers === 1 ? '' : 's'}`, withWorkers]] as const) {
    out(`  ${label.padEnd(16)} ${fmt(r.seconds, 2)} s: ${fmt(rates(r).all)} tx/s, signed records only ${fmt(rates(r).signed)} tx/s, ${r.findings} findings`);
  }
  const floorRates = rates({ seconds: floor.all, signedSeconds: floor.signed });
  out(`  its signature checks alone, one thread: ${fmt(floor.all, 2)} s: ${fmt(floorRates.all)} tx/s, signed records only ${fmt(floorRates.signed)} tx/s`);
  const d = benchDeclaration();
  const signed = await signDeclaration(d, new Wallet(`0x${randomBytes(32).toString('hex')}`), { authority: nl.mspId, channelId: members.channel });
  await load.run({ kind: 'post', url, token, path: '/api/v1/consignments', n: 1, concurrency: 1, body: lodgementBody(signed) });
  const source = recordSources.backend(backend, wallet.auditor);
  const verifyLatency = await inProcessLatency(() => verifyDocument(d, source, { channelId: members.channel }), quick ? 100 : 500);
  results['trader verification'] = verifyLatency;
  out(`  trader verification of a signed declaration (in-process)   p50 ${fmt(verifyLatency.p50, 2)} ms   p99 ${fmt(verifyLatency.p99, 2)} ms`);
  out();

  const limits = await machineLimits(load, benchDeclaration(), members.channel);
  results.limits = limits;
  out('this machine, one core, for the same pieces of work');
  for (const [name, r] of Object.entries(limits)) {
    out(`  ${name.padEnd(62)} ${fmt(r).padStart(8)}/s`);
  }
  out(`  (SHA-256: ${fmt((limits['SHA-256 of 8 KiB']! * 8192) / 1e6)} MB/s)`);
  // Per lodgement: 3 P-256 signatures (proposal, endorsement, envelope), 3 verifications (proposal at the
  // endorser; creator and endorser at validation, shared by the peers), a recovery when signed, the commitment
  // computed by the gateway and again by the chaincode, and one Express request.
  const ceiling = (signed: boolean): number =>
    1 /
    (3 / limits['P-256 sign']! +
      3 / limits['P-256 verify']! +
      (signed ? 1 / limits['secp256k1 recover (EIP-712 digest, libsecp256k1)']! : 0) +
      2 / limits['declaration commitment (hash, 15 salted leaves, root)']! +
      1 / limits['Express JSON request, bare app, from the other process (c=16)']!);
  out();
  // The replay's floor is its signature checks: P-256 verifications, and for a signed record a recovery, on one core or all.
  const checksPerTx = (span: BlockSpan): number => span.p256 / span.transactions;
  const replayCeiling = (span: BlockSpan, signed: boolean, cores: number): number =>
    cores / (checksPerTx(span) / limits['P-256 verify']! + (signed ? 1 / limits['secp256k1 recover (EIP-712 digest, libsecp256k1)']! : 0));
  for (const [label, r, cores] of [['one thread', oneThread, 1], [`${workers} worker${workers === 1 ? '' : 's'}`, withWorkers, cpus().length]] as const) {
    const all = replayCeiling(shape.all, false, cores);
    const signedOnly = replayCeiling(shape.signed, true, cores);
    out(`replay, ${label.padEnd(10)}: ${fmt(rates(r).all)} tx/s against ${fmt(all)}/s for ${fmt(checksPerTx(shape.all), 2)} P-256 verifications per transaction on ${cores} core${cores === 1 ? '' : 's'}: ratio ${fmt(rates(r).all / all, 2)}`);
    out(`replay, ${label.padEnd(10)}, signed records: ${fmt(rates(r).signed)} tx/s against ${fmt(signedOnly)}/s with a recovery each: ratio ${fmt(rates(r).signed / signedOnly, 2)}`);
    // The same bound from this ledger's own checks, timed: its messages, keys and trader signatures as they are.
    const own = rates({ seconds: floor.all / cores, signedSeconds: floor.signed / cores });
    out(`replay, ${label.padEnd(10)}: against its own signature checks alone on ${cores} core${cores === 1 ? '' : 's'} (${fmt(own.all)} tx/s, signed records ${fmt(own.signed)} tx/s): ratio ${fmt(rates(r).all / own.all, 2)} / ${fmt(rates(r).signed / own.signed, 2)}`);
  }
  // A verification hashes the document, recovers the trader and asks the peer twice (record, transaction),
  // each a signed query the peer verifies: its floor on this machine, beside its median.
  const verifyFloorMs =
    1000 *
    (1 / limits['canonicalize + SHA-256 of a declaration']! +
      1 / limits['secp256k1 recover (EIP-712 digest, libsecp256k1)']! +
      2 / limits['P-256 sign']! +
      2 / limits['P-256 verify']!);
  results['trader verification'] = { ...verifyLatency, floorMs: verifyFloorMs };
  out(`trader verification: p50 ${fmt(verifyLatency.p50, 2)} ms against ${fmt(verifyFloorMs, 2)} ms for its hash, recovery and two signed queries: ratio ${fmt(verifyFloorMs / verifyLatency.p50, 2)}`);
  for (const signed of [false, true]) {
    const measured = Math.max(...[1, 16, 64].map((c) => rate(`lodge signed=${signed} c=${c}`)));
    // The gateway's thread and the channel's thread can each have a core: the two-core figure is the bound that matters.
    out(
      `lodgements signed=${String(signed).padEnd(5)}: ${fmt(measured)}/s against ${fmt(ceiling(signed))}/s on 1 core, ${fmt(2 * ceiling(signed))}/s on 2, for those pieces alone: ratio ${fmt(measured / ceiling(signed), 2)} / ${fmt(measured / (2 * ceiling(signed)), 2)}`,
    );
  }
  await mkdir('bench-results', { recursive: true });
  const file = join('bench-results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  out();
  out(`results written to ${file}`);
  await new Promise<void>((r) => server.close(() => r()));
  await network.close();
  await rm(dir, { recursive: true, force: true });
  if (args.has('--fabric')) {
    // Loaded only now: the Fabric clients' protobuf classes must not meet the embedded network's in one process.
    await fabricRuns(load, members.channel, nl.mspId, quick, results);
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  }
  load.close();
}

/**
 * The same lodgements and reads through a gateway over the running native
 * Fabric network, once per Fabric client, beside the embedded figures; the
 * gateway's own CPU per transaction is measured, since here the peers and the
 * orderer are other processes.
 */
async function fabricRuns(load: LoadProcess, channel: string, mspId: string, quick: boolean, results: Record<string, unknown>): Promise<void> {
  out();
  let material;
  let wallets;
  try {
    const fabric = fabricModule();
    material = await fabric.loadFabricNetwork();
    wallets = await fabric.fabricWallets(material);
  } catch (err) {
    out(`bench --fabric: no running Fabric network (${err instanceof Error ? err.message : String(err)}); run npm run network:up and network:deploy`);
    return;
  }
  const wallet = wallets[mspId]!;
  const embedded = (c: number): number => (results[`lodge signed=false c=${c}`] as LoadResult).rate;
  out('the same through a gateway over the native Fabric network (peers, orderer and chaincode in their own processes)');
  out('  client          concurrency  lodgements/s  vs embedded   p50 ms   p99 ms  gateway CPU ms/tx  point read p50 ms');
  for (const client of ['fabric-network', 'fabric-gateway'] as const) {
    const identities = Object.values(wallet);
    const backend = client === 'fabric-gateway' ? backends.fabricGateway({ mspId, material, identities }) : backends.fabricNetwork({ mspId, material, identities });
    const dir = await mkdtemp(join(tmpdir(), 'customs-ledger-bench-fabric-'));
    const { store, issued } = await FileTokenStore.open(join(dir, 'tokens.json'), ROLES.map((role) => ({ label: wallet[role].label, role })));
    const server = createHttpServer(createServer({ backend, wallet, tokens: store, logger: pino({ level: 'silent' }), limits: { rateLimit: false } }));
    const url = await listen(server);
    const token = issued.find((t) => t.role === 'officer')!.token;
    for (const c of [1, 16] as const) {
      const before = process.cpuUsage();
      const r = await load.run({ kind: 'closed', url, token, signed: false, n: quick ? c * 10 : c * 25, concurrency: c, channel, authority: mspId });
      const used = process.cpuUsage(before);
      const cpuPerTx = (used.user + used.system) / 1000 / Math.max(1, r.latency.count);
      const read = await load.run({ kind: 'read', url, token, path: `/api/v1/consignments/${r.ucrs[0] ?? ''}`, n: quick ? 30 : 100 });
      results[`fabric ${client} c=${c}`] = { ...r, gatewayCpuMsPerTx: cpuPerTx, pointRead: read.latency };
      out(
        `  ${client.padEnd(14)}  ${String(c).padStart(11)}  ${fmt(r.rate).padStart(12)}  ${fmt(r.rate / embedded(c), 2).padStart(11)}  ${fmt(r.latency.p50, 1).padStart(7)}  ${fmt(r.latency.p99, 1).padStart(7)}  ${fmt(cpuPerTx, 2).padStart(17)}  ${fmt(read.latency.p50, 2).padStart(17)}`,
      );
    }
    await new Promise<void>((r) => server.close(() => r()));
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
