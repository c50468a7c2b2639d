// Removes compiled test files whose TypeScript source is gone, so a renamed or
// deleted test never runs from a stale test/dist. Leaves everything else.
import { readdirSync, rmSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'test', 'dist');

function walk(dir) {
  // Entries are read once, as they were: a .js.map removed below is not looked at again.
  for (const entry of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
    const name = entry.name;
    const path = join(dir, name);
    if (entry.isDirectory()) {
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
