/**
 * The README's "A complete example", run as printed and in order against a
 * fresh `npm start` (its own data folder and ports): the curl calls and the
 * CLI calls must all succeed, and answer what the comments say.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sampleDeclaration } from '../../../support/fixtures';

const ROOT = resolve(__dirname, '../../../../..');

/** A base port whose next two ports are free on loopback as well. */
async function freeBasePort(): Promise<number> {
  const free = (port: number): Promise<boolean> =>
    new Promise((done) => {
      const server = createServer();
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await free(base)) && (await free(base + 1)) && (await free(base + 2))) {
      return base;
    }
  }
  throw new Error('no three free ports');
}

/** The shell blocks of a README section, in order. */
function shellBlocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(`## ${heading}\n`);
  assert.ok(start >= 0, `the README has a section "${heading}"`);
  const end = readme.indexOf('\n## ', start + 3);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('README: the complete example runs as printed on a fresh npm start', function () {
  this.timeout(240_000);
  let dir: string;
  let gateway: ChildProcess | undefined;
  let printed = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'customs-readme-'));
    const base = await freeBasePort();
    gateway = spawn(process.execPath, [join(ROOT, 'gateway/dist/main/start.js'), '--data-dir', join(dir, 'data'), '--base-port', String(base), '--no-sync', '--log-file', join(dir, 'gateway.log')], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    gateway.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    await new Promise<void>((ready, failed) => {
      gateway!.stdout!.on('data', (chunk: Buffer) => {
        printed += chunk.toString('utf8');
        if (printed.includes('Ctrl-C stops')) {
          ready();
        }
      });
      gateway!.once('exit', (code) => failed(new Error(`npm start exited ${code}: ${printed}${errors}`)));
    });
  });
  after(async () => {
    gateway?.kill('SIGTERM');
    await new Promise((done) => (gateway?.exitCode !== null ? done(undefined) : gateway.once('exit', done)));
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the curl calls, then the CLI calls, each answering without error', async () => {
    const urls = Object.fromEntries([...printed.matchAll(/^(\w+CustomsMSP)\s+(http:\/\/\S+)/gm)].map((m) => [m[1]!, m[2]!]));
    const tokens = new Map<string, string>();
    for (const block of printed.split(/\n(?=\w+CustomsMSP\s)/)) {
      const msp = /^(\w+CustomsMSP)/.exec(block)?.[1];
      for (const m of block.matchAll(/^\s+(\w+)\s+token: (\S+)/gm)) {
        tokens.set(`${msp} ${m[1]}`, m[2]!);
      }
    }
    assert.equal(tokens.size, 9, printed);
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const blocks = shellBlocks(readme, 'A complete example');
    assert.equal(blocks.length, 2, 'the curl calls and the CLI calls');
    // the reader's own declaration file, which the CLI example lodges
    await writeFile(join(dir, 'my-declaration.json'), JSON.stringify({ declaration: sampleDeclaration() }));
    const asPrinted = (script: string): string =>
      script
        .replace(/http:\/\/127\.0\.0\.1:3001/g, urls.NLCustomsMSP!)
        .replace(/http:\/\/127\.0\.0\.1:3002/g, urls.BECustomsMSP!)
        .replace(/<(\w+CustomsMSP) (\w+) token>/g, (_m, msp: string, role: string) => tokens.get(`${msp} ${role}`) ?? `<no ${msp} ${role} token>`)
        .replace(/npm run -s cli --/g, `node ${join(ROOT, 'gateway/bin/customs-ledger.js')}`)
        // an HTTP error fails the step
        .replace(/curl -s /g, 'curl -sS --fail-with-body ');
    const outputs: string[] = [];
    for (const [i, block] of blocks.entries()) {
      const run = spawnSync('bash', ['-euo', 'pipefail', '-c', asPrinted(i === 0 ? block : `${blocks[0]!.split('\n').slice(0, 2).join('\n')}\n${block}`)], { cwd: dir, encoding: 'utf8' });
      assert.equal(run.status, 0, `block ${i + 1} failed:\n${run.stdout}\n${run.stderr}`);
      outputs.push(run.stdout);
    }
    const [curls, clis] = outputs as [string, string];
    assert.ok(!/"error"\s*:/.test(curls + clis), `an answer carries an error:\n${curls}\n${clis}`);
    assert.match(curls, /"status":"released"/, 'the record moved on to released');
    assert.match(curls, /"match":true/, 'the tokenless verification matches');
    assert.match(clis, /6NL10000000-DEMO1/, 'the list of released records names the record released above');
    assert.match(clis, /"match": true/, 'the CLI verification matches');
  });
});
