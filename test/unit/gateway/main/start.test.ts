/**
 * `npm start` as a user runs it: a child process with three gateways. It is
 * killed with SIGKILL while clients are lodging over HTTP; after a restart on
 * the same data every lodgement that got a 2xx is there, the old tokens still
 * work, and each peer's state equals a replay of its own blocks.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { EmbeddedNetwork, diffWithReplay } from 'customs-ledger-gateway/dist/ledger';
import { ApiClient, ApiError } from 'customs-ledger-gateway/dist/main/api-client';
import { randomSalts, sampleDeclaration } from '../../../support/fixtures';
import { scratchDir } from '../../../support/scratch-dir';
import { MEMBERS } from '../../../support/identities';

const START = resolve(__dirname, '../../../../../gateway/dist/main/start.js');
const BASE_PORT = 24_000 + Math.floor(Math.random() * 2_000) * 3;

interface Started {
  child: ChildProcess;
  output: string[];
  tokens: Map<string, string>;
  exited: Promise<number | null>;
}

async function startNetwork(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, [START, '--data-dir', dataDir, '--base-port', String(BASE_PORT), '--no-demo', '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const tokens = new Map<string, string>();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let msp = '';
  for await (const line of createInterface({ input: child.stdout })) {
    output.push(line);
    const header = /^(\w+MSP)\s+http/.exec(line);
    if (header) {
      msp = header[1]!;
    }
    const token = /^\s+(officer|admin|auditor)\s+token: (\S+)$/.exec(line);
    if (token) {
      tokens.set(`${msp}/${token[1]!}`, token[2]!);
    }
    if (line.startsWith('Ctrl-C stops')) {
      return { child, output, tokens, exited };
    }
  }
  throw new Error(`start exited before it was ready: ${stderr}`);
}

describe('npm start: SIGKILL during lodgements over HTTP, then restart', function () {
  this.timeout(180_000);
  const scratch = scratchDir('customs-ledger-start-', 'suite');

  it('keeps every acknowledged lodgement and its tokens, and every peer equals a replay of its blocks', async () => {
    const first = await startNetwork(scratch.path);
    assert.ok(first.output.some((l) => l.includes(`http://127.0.0.1:${BASE_PORT}`)), 'prints the gateway URLs');
    const officerToken = first.tokens.get('NLCustomsMSP/officer');
    assert.ok(officerToken, 'prints an officer token');
    const nl = new ApiClient(`http://127.0.0.1:${BASE_PORT}`, officerToken, 20_000);

    const acknowledged: string[] = [];
    let killed = false;
    const client = async (): Promise<void> => {
      while (!killed) {
        const declaration = sampleDeclaration();
        try {
          await nl.post('/api/v1/consignments', { declaration, salts: randomSalts() });
          if (!killed) {
            acknowledged.push(declaration.ucr);
          }
          if (acknowledged.length === 40 && !killed) {
            setTimeout(() => {
              killed = true;
              first.child.kill('SIGKILL');
            }, Math.floor(Math.random() * 15));
          }
        } catch (err) {
          if (!killed) {
            throw err;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, client));
    await first.exited;
    assert.ok(acknowledged.length >= 40);

    const second = await startNetwork(scratch.path);
    try {
      assert.equal(second.tokens.size, 0, 'a restart prints no new tokens');
      for (const ucr of acknowledged) {
        const view = await nl.get<{ record: { ucr: string }; private: unknown }>(`/api/v1/consignments/${ucr}`);
        assert.equal(view.record.ucr, ucr);
        assert.ok(view.private, `${ucr} lost its private part`);
      }
      await assert.rejects(new ApiClient(`http://127.0.0.1:${BASE_PORT}`, 'x'.repeat(43)).get('/api/v1/agreements'), (e: unknown) => e instanceof ApiError && e.status === 401);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    const network = await EmbeddedNetwork.start({ dataDir: scratch.path, channelId: 'customs', members: [...MEMBERS] });
    try {
      for (const peer of network.allPeers()) {
        assert.deepEqual(await diffWithReplay(peer.store), [], `${peer.mspId} differs from a replay of its blocks`);
      }
    } finally {
      await network.close();
    }
  });
});
