/**
 * Kills a process with SIGKILL in the middle of a stream of lodgements, then
 * restarts the network on its data: every lodgement that was acknowledged is
 * there, and every peer's state equals a replay of its own blocks from 0.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { backends, EmbeddedNetwork } from 'customs-ledger-gateway/dist/ledger';
import { diffWithReplay } from 'customs-ledger-gateway/dist/ledger/embedded/replay';
import { MEMBERS } from '../../../support/identities';


async function killDuringStream(dataDir: string, after: number): Promise<string[]> {
  const child = spawn(process.execPath, [resolve(__dirname, '../../../support/lodge-stream.js'), dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: 'critical' },
  });
  const acknowledged: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('ok ')) {
      acknowledged.push(line.slice(3));
      if (acknowledged.length === after) {
        // Let more writes get under way, then kill without warning.
        setTimeout(() => child.kill('SIGKILL'), 3 + Math.floor(Math.random() * 20));
      }
    }
  }
  await exited;
  assert.ok(acknowledged.length >= after, `the stream stopped early: ${stderr}`);
  return acknowledged;
}

describe('durability: SIGKILL during a stream of lodgements', function () {
  this.timeout(120_000);
  for (const after of [25, 60]) {
    it(`keeps every acknowledged lodgement after a kill at ~${after}, and each peer equals a replay of its blocks`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'customs-ledger-kill-'));
      try {
        const acknowledged = await killDuringStream(dir, after);
        const network = await EmbeddedNetwork.start({ dataDir: dir, channelId: 'customs', members: MEMBERS });
        try {
          const backend = backends.embedded(network, 'NLCustomsMSP');
          const officer = network.wallet('NLCustomsMSP').officer;
          for (const ucr of acknowledged) {
            const view = JSON.parse((await backend.evaluate({ identity: officer, contract: 'consignment', fn: 'Get', args: [ucr] })).toString()) as {
              private: unknown;
            };
            assert.ok(view.private, `${ucr} lost its private part`);
          }
          for (const msp of MEMBERS) {
            const peer = network.peer(msp);
            assert.equal(peer.height, network.orderer.height, `${msp} did not catch up`);
            assert.deepEqual(await diffWithReplay(peer.store), [], `${msp} differs from a replay of its blocks`);
          }
        } finally {
          await network.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
