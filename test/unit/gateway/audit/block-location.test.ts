/**
 * `audit replay --blocks <folder>` as an auditor runs it on an embedded
 * peer's store: a path that holds no ledger is an error (exit 2) and nothing
 * is created there; the store is read from a copy and left byte for byte as
 * it was; an edited world state is a state finding (exit 1).
 */
import { strict as assert } from 'node:assert';
import { cp, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { backends, EmbeddedNetwork } from 'customs-ledger-gateway/dist/ledger';
import { PeerStore } from 'customs-ledger-gateway/dist/ledger';
import { folderDigest, runCli } from '../../../support/cli-process';
import { lodgeOn, makeLodgement, sampleDeclaration } from '../../../support/fixtures';
import { scratchDir } from '../../../support/scratch-dir';
import { NL } from '../../../support/identities';


describe('audit replay --blocks on folders', function () {
  this.timeout(120_000);
  const dir = scratchDir('customs-audit-location-', 'suite');
  let store: string;

  before(async () => {
    const network = await EmbeddedNetwork.start({ dataDir: join(dir.path, 'net'), channelId: 'customs', members: [NL, 'BECustomsMSP'], syncWrites: false });
    const backend = backends.embedded(network, NL);
    for (let i = 0; i < 3; i++) {
      const l = await makeLodgement(sampleDeclaration(), NL, null);
      await lodgeOn(backend, network.wallet(NL).officer, l);
    }
    await network.close();
    store = join(dir.path, 'net', 'peers', NL);
  });

  it('refuses a path that does not exist with exit 2, and creates nothing', async () => {
    const missing = join(dir.path, 'no-such-store');
    const run = await runCli(['audit', 'replay', '--blocks', missing]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /does not exist/);
    assert.doesNotMatch(run.stdout, /No findings/);
    await assert.rejects(stat(missing), { code: 'ENOENT' });
  });

  it('refuses an empty folder and a folder of other files with exit 2, leaving them as they were', async () => {
    const empty = join(dir.path, 'empty');
    await mkdir(empty);
    const run = await runCli(['audit', 'replay', '--blocks', empty]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /neither Fabric block files .* nor an embedded peer store/);
    assert.deepEqual(await readdir(empty), []);
    const file = await runCli(['audit', 'replay', '--blocks', join(store, 'CURRENT')]);
    assert.equal(file.code, 2);
    assert.match(file.stderr, /is not a folder/);
  });

  it('replays a stopped peer store with no finding and leaves every byte of it unchanged', async () => {
    const before = await folderDigest(store);
    const run = await runCli(['audit', 'replay', '--blocks', store]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /No findings/);
    assert.match(run.stderr, /read from a copy/);
    assert.equal(await folderDigest(store), before);
  });

  it('reports a world state edited in the store as a state finding, exit 1', async () => {
    const edited = join(dir.path, 'edited');
    await cp(store, edited, { recursive: true });
    const peer = new PeerStore(edited, { createIfMissing: false });
    await peer.open();
    let changed = '';
    for await (const [key, raw] of peer.state.iterator()) {
      const text = Buffer.from(raw).toString('latin1');
      if (text.includes('"docType":"consignment"') && text.includes('"status":"lodged"')) {
        await peer.state.put(key, Buffer.from(text.replace('"status":"lodged"', '"status":"seized"'), 'latin1'));
        changed = key;
        break;
      }
    }
    await peer.close();
    assert.ok(changed, 'a consignment record was edited');
    const run = await runCli(['audit', 'replay', '--blocks', edited, '--json']);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { findings: { rule: string; message: string }[] };
    const state = report.findings.filter((f) => f.rule === 'state-diff');
    assert.ok(state.length > 0, JSON.stringify(report.findings));
    assert.ok(state.some((f) => f.message.includes(changed.split('\u0000').filter(Boolean).pop()!)), JSON.stringify(state));
  });

  it('refuses a store that cannot be opened, naming it, without touching it', async () => {
    const broken = join(dir.path, 'broken');
    await cp(store, broken, { recursive: true });
    const manifest = (await readdir(broken)).find((n) => n.startsWith('MANIFEST-'))!;
    await writeFile(join(broken, manifest), Buffer.alloc(64, 0xff));
    const before = await folderDigest(broken);
    const run = await runCli(['audit', 'replay', '--blocks', broken]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /cannot be opened as an embedded peer store/);
    assert.equal(await folderDigest(broken), before);
  });
});
