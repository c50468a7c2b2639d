/** Temporary directories for tests: made by the suite's hooks, removed after. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh directory under the system's temporary one, for each test of the
 * calling suite (or once for the whole suite), removed after it; its path is
 * read when a test runs.
 */
export function scratchDir(prefix: string, per: 'test' | 'suite' = 'test'): { readonly path: string } {
  const dir = { path: '' };
  const [setUp, tearDown] = per === 'test' ? [beforeEach, afterEach] : [before, after];
  setUp(async () => {
    dir.path = await mkdtemp(join(tmpdir(), prefix));
  });
  tearDown(() => rm(dir.path, { recursive: true, force: true }));
  return dir;
}
