/** The customs-ledger CLI as its own process, as an operator runs it: exit code and output. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const CLI = resolve(__dirname, '../../../gateway/dist/cli/main.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], timeoutMs = 300_000): Promise<CliRun> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1;
      done({ code, stdout, stderr });
    });
  });
}

/** A digest of every file under `dir` (names and bytes), to tell that nothing there changed. */
export async function folderDigest(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      hash.update(`${p.slice(dir.length)}\0`);
      if (e.isDirectory()) {
        await walk(p);
      } else {
        hash.update(await readFile(p));
      }
    }
  };
  await walk(dir);
  return hash.digest('hex');
}
