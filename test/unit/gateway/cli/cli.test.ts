/**
 * The customs-ledger command line against real gateways over HTTP on the
 * embedded ledger: a trader makes a key and signs, an officer lodges the
 * signed file and shares it, the trader verifies, discloses chosen fields and
 * proves inclusion, and an auditor replays every block with no finding.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram, type ProgramIo } from 'customs-ledger-gateway/dist/cli/main';
import { sampleDeclaration } from '../../../support/fixtures';
import { startGateways, type TestGateways } from '../../../support/gateways';
import { agreementJson } from '../../../support/scenario';

interface Run {
  out: string;
  err: string;
  printed: unknown[];
  /** the exit code the command asked for */
  code: number;
}

describe('customs-ledger CLI over HTTP', function () {
  this.timeout(120_000);
  let gws: TestGateways;
  let dir: string;
  const servers: Server[] = [];
  const urls: Record<string, string> = {};

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'customs-cli-'));
    gws = await startGateways({ backend: 'embedded' });
    for (const name of ['NL', 'BE', 'DE'] as const) {
      const server = createServer(gws[name].app);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const address = server.address();
      urls[name] = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      servers.push(server);
    }
  });
  after(async () => {
    for (const s of servers) {
      await new Promise<void>((r) => s.close(() => r()));
    }
    await gws.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function cli(...args: string[]): Promise<Run> {
    const run: Run = { out: '', err: '', printed: [], code: 0 };
    const io: ProgramIo = {
      print: (v) => run.printed.push(v),
      stdout: (t) => void (run.out += t),
      stderr: (t) => void (run.err += t),
      readFile: (p) => readFile(p, 'utf8'),
      writeFile: (p, t) => writeFile(p, t),
      secret: (name) => (name === 'TRADER_PASSPHRASE' ? 'correct horse battery staple' : undefined),
      exitCode: (code) => (run.code = code),
    };
    await buildProgram(io).exitOverride().parseAsync(['node', 'customs-ledger', ...args]);
    return run;
  }

  it('signs, lodges, shares, verifies, discloses, proves inclusion and replays', async () => {
    const nl = ['--url', urls.NL!, '--token', gws.NL.tokens.officer];
    // an agreement NL–BE for the share
    await writeFile(join(dir, 'agreement.json'), agreementJson({ id: 'AGR-CLI', parties: [gws.NL.msp, gws.BE.msp] }));
    await cli('--url', urls.NL!, '--token', gws.NL.tokens.admin, 'agreements', 'propose', join(dir, 'agreement.json'));
    await cli('--url', urls.BE!, '--token', gws.BE.tokens.admin, 'agreements', 'accept', 'AGR-CLI');

    // the trader
    const keystore = join(dir, 'trader.json');
    const address = (await cli('trader', 'keygen', '--out', keystore)).out.trim();
    assert.match(address, /^0x[0-9a-fA-F]{40}$/);
    const declaration = sampleDeclaration();
    await writeFile(join(dir, 'declaration.json'), JSON.stringify(declaration));
    const signedFile = join(dir, 'signed.json');
    await cli('trader', 'sign', join(dir, 'declaration.json'), '--keystore', keystore, '--authority', gws.NL.msp, '--out', signedFile);

    // the officer lodges the trader's signed file and shares it
    const lodged = (await cli(...nl, 'lodge', signedFile)).printed[0] as { record: { trader: string } };
    assert.equal(lodged.record.trader, address.toLowerCase());
    // the global options also after the command
    const got = (await cli('get', declaration.ucr, '--url', urls.NL!, '--token', gws.NL.tokens.officer)).printed[0] as { record: { ucr: string } };
    assert.equal(got.record.ucr, declaration.ucr);
    await cli(...nl, 'share', declaration.ucr, '--to', gws.BE.msp, '--agreement', 'AGR-CLI', '--purpose', 'risk-assessment');

    // the trader, with no token: verify the document, then a changed copy
    const verified = JSON.parse((await cli('trader', 'verify', signedFile, '--gateway', urls.BE!)).out) as { match: boolean; blockNumber: number | null };
    assert.equal(verified.match, true);
    assert.equal((await cli('trader', 'verify', signedFile, '--gateway', urls.BE!)).code, 0);
    // the CLI names what the HTTP API names
    const signedJson = JSON.parse(await readFile(signedFile, 'utf8')) as { declaration: unknown; salts: unknown };
    const overHttp = (await (
      await fetch(`${urls.BE!}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ declaration: signedJson.declaration, salts: signedJson.salts }) })
    ).json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(verified).sort(), Object.keys(overHttp).sort());
    assert.ok((verified.blockNumber ?? 0) > 0, 'verification names the block');
    const changed = JSON.parse(await readFile(signedFile, 'utf8')) as { declaration: { customsValue: { amount: string } } };
    changed.declaration.customsValue.amount = '1.00';
    await writeFile(join(dir, 'changed.json'), JSON.stringify(changed));
    const mismatchRun = await cli('trader', 'verify', join(dir, 'changed.json'), '--gateway', urls.BE!);
    assert.equal(mismatchRun.code, 1, 'a mismatch exits 1');
    const mismatch = JSON.parse(mismatchRun.out) as {
      match: boolean;
      differingFields?: string[];
      mismatchedFields?: string[];
    };
    assert.equal(mismatch.match, false);
    assert.ok(JSON.stringify(mismatch).includes('customsValue'), 'names the changed field');

    // selective disclosure of two fields, checked against the ledger
    const pkg = join(dir, 'disclosure.json');
    await cli('trader', 'disclose', signedFile, '--fields', 'consignee,customsValue', '--out', pkg);
    const disclosure = JSON.parse(await readFile(pkg, 'utf8')) as { fields: { field: string }[] };
    assert.deepEqual(disclosure.fields.map((f) => f.field).sort(), ['consignee', 'customsValue']);
    assert.ok(!JSON.stringify(disclosure).includes(declaration.invoice.number), 'nothing else is disclosed');
    const checked = JSON.parse((await cli('trader', 'verify-disclosure', pkg, '--gateway', urls.DE!)).out) as { valid: boolean };
    assert.equal(checked.valid, true);

    // inclusion proof from raw blocks (auditor token), verified offline
    const proofFile = join(dir, 'proof.json');
    await cli('trader', 'prove-inclusion', declaration.ucr, '--gateway', urls.NL!, '--token', gws.NL.tokens.auditor, '--out', proofFile);
    const offline = JSON.parse((await cli('trader', 'verify-inclusion', proofFile)).out) as { valid: boolean };
    assert.equal(offline.valid, true);
    // the same proof for the trader without a token: its keystore signs the request, and BE's gateway answers it
    const traderProof = join(dir, 'trader-proof.json');
    await cli('trader', 'prove-inclusion', declaration.ucr, '--gateway', urls.BE!, '--keystore', keystore, '--out', traderProof);
    const own = JSON.parse((await cli('trader', 'verify-inclusion', traderProof)).out) as { valid: boolean; headHash: string };
    assert.equal(own.valid, true);
    // another key's signature gets no proof
    const otherKeystore = join(dir, 'other-trader.json');
    await cli('trader', 'keygen', '--out', otherKeystore);
    await assert.rejects(
      cli('trader', 'prove-inclusion', declaration.ucr, '--gateway', urls.BE!, '--keystore', otherKeystore, '--out', join(dir, 'no-proof.json')),
      /answered 404: no record .* matches what was sent/,
    );

    // the auditor replays every block over HTTP
    const replay = await cli('--token', gws.DE.tokens.auditor, 'audit', 'replay', '--blocks', urls.DE!, '--json');
    const report = JSON.parse(replay.out) as { findings: unknown[]; transactions: number };
    assert.deepEqual(report.findings, []);
    assert.ok(report.transactions >= 5);
    // the same with every signature checked on the main thread, and with two worker threads
    for (const workers of ['0', '2']) {
      const again = JSON.parse((await cli('--token', gws.DE.tokens.auditor, 'audit', 'replay', '--blocks', urls.DE!, '--workers', workers, '--json')).out) as typeof report;
      assert.deepEqual(again.findings, []);
      assert.equal(again.transactions, report.transactions);
    }
    await assert.rejects(cli('--token', gws.DE.tokens.auditor, 'audit', 'replay', '--blocks', urls.DE!, '--workers', '-1'), /not a number of worker threads/);
  });

  it('serves an inclusion proof to a token holder, not to a caller without one; a transaction\'s status to anyone', async () => {
    const declaration = sampleDeclaration();
    const signedFile = join(dir, 'unsigned.json');
    await writeFile(signedFile, JSON.stringify({ declaration }));
    await cli('--url', urls.NL!, '--token', gws.NL.tokens.officer, 'lodge', signedFile);
    const url = `${urls.BE!}/api/v1/proofs/inclusion/${declaration.ucr}`;
    assert.equal((await fetch(url)).status, 401, 'the proof holds the whole block: no token, no proof');
    // a record lodged without a trader's signature has no trader to sign the request
    const unsignedRequest = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signedAt: new Date().toISOString(), signature: `0x${'1'.repeat(130)}` }) });
    assert.equal(unsignedRequest.status, 404, 'the same answer as for a UCR nobody lodged');
    const proof = (await (await fetch(url, { headers: { authorization: `Bearer ${gws.BE.tokens.officer}` } })).json()) as { block: { number: number }; transactionId?: string };
    assert.ok(proof.block.number > 0);
    const rec = (await (await fetch(`${urls.BE!}/api/v1/consignments/${declaration.ucr}`, { headers: { authorization: `Bearer ${gws.BE.tokens.auditor}` } })).json()) as {
      record: { lodgeTxId: string };
    };
    const status = (await (await fetch(`${urls.DE!}/api/v1/transactions/${rec.record.lodgeTxId}`)).json()) as { validationCode: string; blockNumber: number };
    assert.equal(status.validationCode, 'VALID');
    assert.equal(status.blockNumber, proof.block.number);
    assert.equal((await fetch(`${urls.DE!}/api/v1/transactions/${'0'.repeat(64)}`)).status, 404);
  });

  it('exits as documented when run as a process: 0 for --help, 1 for a mismatch, 2 for blocks it cannot read, naming the gateway\'s reason', async () => {
    const bin = join(__dirname, '../../../../../gateway/bin/customs-ledger.js');
    const start = join(__dirname, '../../../../../gateway/dist/main/start.js');
    // not spawnSync: the gateways answer from this very process
    const run = (file: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
      new Promise((done) => {
        const child = spawn(process.execPath, [file, ...args], { cwd: dir });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
        child.on('close', (status) => done({ status, stdout, stderr }));
      });
    for (const [file, args] of [[bin, ['--help']], [start, ['--help']], [bin, ['trader', '--help']]] as const) {
      const help = await run(file, ...args);
      assert.equal(help.status, 0, `${args.join(' ')}: ${help.stderr}`);
      assert.match(help.stdout, /Usage:/);
      assert.equal(help.stderr, '');
    }
    // a document that is not the one on the ledger: exit 1
    const changed = { declaration: { ...sampleDeclaration(), ucr: sampleDeclaration().ucr } };
    await writeFile(join(dir, 'not-lodged.json'), JSON.stringify(changed));
    const verify = await run(bin, 'verify', join(dir, 'not-lodged.json'), '--url', urls.NL!);
    assert.equal(verify.status, 1, verify.stderr);
    // an audit with an officer's token: the gateway's 403, said as it is
    const audit = await run(bin, 'audit', 'replay', '--blocks', urls.NL!, '--token', gws.NL.tokens.officer);
    assert.equal(audit.status, 2);
    assert.match(audit.stderr, /answered 403: this needs the role auditor/);
    // a file that is not there: exit 2
    assert.equal((await run(bin, 'lodge', join(dir, 'no-such-file.json'), '--url', urls.NL!)).status, 2);
  });
});
