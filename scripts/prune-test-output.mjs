// Removes compiled test files whose TypeScript source is gone, so a renamed or
// deleted test never runs from a stale test/dist. Leaves everything else.
import { readdirSync, rmSync, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'test', 'dist');

function walk(dir) {
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else if (name.endsWith('.js')) {
      const source = join(root, 'test', relative(dist, path)).replace(/\.js$/, '.ts');
      if (!existsSync(source)) {
        for (const suffix of ['.js', '.js.map', '.d.ts']) {
          rmSync(path.replace(/\.js$/, suffix), { force: true });
        }
      }
    }
  }
}
walk(dist);
