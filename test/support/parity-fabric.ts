/**
 * Whether the parity suite can use a real Fabric network: the binaries in
 * .fabric/bin (built on this machine; CI cannot have them) and the network of
 * scripts/network.sh running with the chaincode deployed. When the binaries
 * are there but the network is down, it is brought up and deployed here and
 * brought down again at the end (leaving it as it was found).
 * CUSTOMS_LEDGER_REQUIRE_FABRIC=1 turns an absent Fabric into a failure.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = resolve(__dirname, '../../..');
const NETWORK_SH = join(ROOT, 'scripts', 'network.sh');

export type FabricAvailability = { ok: true; startedHere: boolean; timings: Record<string, number> } | { ok: false; reason: string };

export const fabricRequired = process.env.CUSTOMS_LEDGER_REQUIRE_FABRIC === '1';

/** Runs `scripts/network.sh` with these arguments (`up`, `stop peer-NLCustomsMSP`, ...); its stdout. */
export async function networkScript(args: readonly string[], timeoutMs = 300_000): Promise<string> {
  const { stdout } = await run('bash', [NETWORK_SH, ...args], {
    cwd: ROOT,
    timeout: timeoutMs,
    env: { ...process.env, CHAINCODE_DIR: join(ROOT, 'chaincode') },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

const network = (command: 'status' | 'up' | 'deploy' | 'down', timeoutMs: number): Promise<string> => networkScript([command], timeoutMs);

/** Node names of `network.sh status` and whether each runs. */
function runningNodes(status: string): { running: number; total: number } {
  const lines = status.split('\n').filter((l) => /^\s+(orderer|peer-\S+)\s+(running|stopped)/.test(l));
  return { running: lines.filter((l) => /\srunning\s/.test(l)).length, total: lines.length };
}

const LOGS = join(ROOT, '.fabric', 'network');
const logMarks = new Map<string, number>();

/** Remembers how long each node's log is, so that a test can read what this run added. */
function markLogs(): void {
  for (const name of readdirSync(LOGS).filter((n) => n.endsWith('.log'))) {
    logMarks.set(name, statSync(join(LOGS, name)).size);
  }
}

/** The lines each node's log (orderer.log, peer-<MSP>.log) gained during this run, by file name. */
export function logLinesOfThisRun(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of readdirSync(LOGS).filter((n) => n.endsWith('.log'))) {
    out[name] = readFileSync(join(LOGS, name)).subarray(logMarks.get(name) ?? 0).toString('utf8').split('\n');
  }
  return out;
}

let checked: Promise<FabricAvailability> | undefined;
let startedHere = false;

async function check(): Promise<FabricAvailability> {
  if (!existsSync(join(ROOT, '.fabric', 'bin', 'peer'))) {
    return { ok: false, reason: 'no Fabric binaries in .fabric/bin (scripts/install-fabric.sh)' };
  }
  const timings: Record<string, number> = {};
  try {
    const nodes = runningNodes(await network('status', 60_000));
    if (nodes.total === 0) {
      return { ok: false, reason: 'scripts/network.sh status lists no nodes' };
    }
    if (nodes.running > 0 && nodes.running < nodes.total) {
      return { ok: false, reason: `the Fabric network runs only in part (${nodes.running} of ${nodes.total} nodes)` };
    }
    if (nodes.running === 0) {
      const t = Date.now();
      startedHere = true;
      await network('up', 180_000);
      timings.up = Date.now() - t;
    }
    markLogs();
    const t = Date.now();
    await network('deploy', 300_000);
    timings.deploy = Date.now() - t;
    return { ok: true, startedHere, timings };
  } catch (err) {
    const e = err as { message: string; stderr?: string };
    return { ok: false, reason: `scripts/network.sh failed: ${(e.stderr ?? '').trim().split('\n').pop() || e.message}` };
  }
}

/** Checked once per run; prints one line when Fabric is not available. */
export function fabricAvailability(): Promise<FabricAvailability> {
  checked ??= check().then((a) => {
    if (!a.ok) {
      console.log(`parity: real Fabric not available (${a.reason}); embedded only`);
    } else {
      const t = Object.entries(a.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ');
      console.log(`parity: real Fabric network ${a.startedHere ? 'brought up here' : 'already running'}${t ? ` (${t})` : ''}`);
    }
    return a;
  });
  return checked;
}

/**
 * For a hook or test that needs the real network: returns when it runs;
 * otherwise fails (CUSTOMS_LEDGER_REQUIRE_FABRIC=1) or skips `ctx`, saying why.
 */
export async function needFabric(ctx: Mocha.Context, what: string): Promise<void> {
  const available = await fabricAvailability();
  if (available.ok) {
    return;
  }
  if (fabricRequired) {
    throw new Error(`CUSTOMS_LEDGER_REQUIRE_FABRIC=1 but real Fabric is not available: ${available.reason}`);
  }
  console.log(`    skipped ${what}: ${available.reason}`);
  ctx.skip();
}

/** Brings the network down if this run brought it up. */
export async function restoreFabric(): Promise<void> {
  if (startedHere) {
    startedHere = false;
    await network('down', 120_000);
    console.log('parity: brought the Fabric network down again');
  }
}
