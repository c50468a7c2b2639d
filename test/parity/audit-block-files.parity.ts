/**
 * The auditor on a real Fabric peer's ledger folder: the block files of a
 * stopped peer (copied, then the peer restarted) replay with no finding and
 * the same state as the peer's stateLeveldb, and nothing in the folder
 * changes; one flipped byte inside a block is a finding that names that
 * block; a world state edited in stateLeveldb is a state finding.
 */
import { strict as assert } from 'node:assert';
import { cp, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { folderDigest, runCli } from '../support/cli-process';
import { lodgeOn, makeLodgement, sampleDeclaration } from '../support/fixtures';
import { ROOT, needFabric, networkScript } from '../support/parity-fabric';
import { DE, NL, openFabric } from '../support/parity-targets';

const PEER_DATA = join(ROOT, '.fabric', 'network', 'peers', 'peer0.de.customs.example', 'data');
const CHAIN = join('ledgersData', 'chains', 'chains', 'customs');


interface Report {
  findings: { block: number | null; rule: string; message: string }[];
  height: number;
}

/** [start, end) of each block record's bytes in a block file (after its length varint). */
async function recordSpans(file: string): Promise<[number, number][]> {
  const bytes = await readFile(file);
  const spans: [number, number][] = [];
  let at = 0;
  while (at < bytes.length) {
    let length = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[at++]!;
      length += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) {
        break;
      }
    }
    spans.push([at, at + length]);
    at += length;
  }
  return spans;
}

describe('auditor on a Fabric peer’s ledger folder', function () {
  this.timeout(300_000);
  let dir: string;
  let copy: string;

  before(async function () {
    await needFabric(this, 'the auditor on a Fabric peer\'s ledger folder');
    dir = await mkdtemp(join(tmpdir(), 'customs-fabric-audit-'));
    copy = join(dir, 'peer-de');
    // records of its own, whatever else the network holds, and DE's peer at the same height before it stops
    const t = await openFabric('fabric-gateway');
    try {
      for (let i = 0; i < 4; i++) {
        await lodgeOn(t.peer[NL]!, t.wallet[NL]!.officer, await makeLodgement(sampleDeclaration(), NL, null));
      }
      const height = await t.peer[NL]!.blockHeight();
      for (let waited = 0; (await t.peer[DE]!.blockHeight()) < height && waited < 100; waited++) {
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await t.close();
    }
    await networkScript(['stop', 'DECustomsMSP']);
    try {
      await cp(PEER_DATA, copy, { recursive: true });
    } finally {
      await networkScript(['start', 'DECustomsMSP']);
    }
  });

  after(async () => {
    if (dir) {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('replays the block files with no finding, compares the state database, and changes nothing there', async () => {
    const before = await folderDigest(copy);
    const r = await runCli(['audit', 'replay', '--blocks', copy, '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.findings, []);
    assert.ok(report.height > 5, `height ${report.height}`);
    assert.match(r.stderr, /world state from a copy of its stateLeveldb/);
    assert.equal(await folderDigest(copy), before);
    console.log(`      ${report.height} blocks of a stopped Fabric peer replayed with no finding`);
  });

  it('names the block that holds one flipped byte', async () => {
    const flipped = join(dir, 'flipped');
    await cp(copy, flipped, { recursive: true });
    const file = join(flipped, CHAIN, 'blockfile_000000');
    const spans = await recordSpans(file);
    // the middle of a block past the genesis block, away from its length prefix
    const target = Math.floor(spans.length / 2);
    const [start, end] = spans[target]!;
    const offset = start + Math.floor((end - start) / 2);
    const handle = await open(file, 'r+');
    const one = Buffer.alloc(1);
    await handle.read(one, 0, 1, offset);
    one[0] = one[0]! ^ 0x10;
    await handle.write(one, 0, 1, offset);
    await handle.close();
    const r = await runCli(['audit', 'replay', '--blocks', flipped, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const blocks = new Set(report.findings.map((f) => f.block));
    assert.ok(report.findings.length > 0);
    assert.ok(blocks.has(target), `findings name blocks ${[...blocks].join(', ')}, the byte is in block ${target}`);
    console.log(`      a byte flipped in block ${target}: ${report.findings.filter((f) => f.block === target).map((f) => f.rule).join(', ')}`);
  });

  it('reports a status edited in stateLeveldb as a state finding', async () => {
    const edited = join(dir, 'edited');
    await cp(copy, edited, { recursive: true });
    const db = new Level<Buffer, Buffer>(join(edited, 'ledgersData', 'stateLeveldb'), { keyEncoding: 'buffer', valueEncoding: 'buffer', createIfMissing: false });
    await db.open();
    let changed = '';
    for await (const [key, value] of db.iterator()) {
      const text = value.toString('latin1');
      if (text.includes('"docType":"consignment"') && text.includes('"status":"lodged"')) {
        await db.put(key, Buffer.from(text.replace('"status":"lodged"', '"status":"seized"'), 'latin1'));
        changed = key.toString('latin1');
        break;
      }
    }
    await db.close();
    assert.ok(changed, 'a consignment record was found in the state database');
    const r = await runCli(['audit', 'replay', '--blocks', edited, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const state = report.findings.filter((f) => f.rule === 'state-diff');
    assert.equal(state.length, 1, JSON.stringify(report.findings));
    assert.match(state[0]!.message, /differs from the replay/);
  });

  it('refuses a path that does not exist with exit 2', async () => {
    const r = await runCli(['audit', 'replay', '--blocks', join(dir, 'nothing-here')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does not exist/);
  });
});
