// The modules a set of entry files reaches through relative imports
// (`import ... from './x.ts'`, `export ... from`, `import('./x.ts')`), read as
// text: what the student edition's kit/ must hold for its commands to load.

import fs from 'node:fs';
import path from 'node:path';

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;

/** Relative specifiers imported by a module's source. */
export function relativeImports(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => m[2]);
}

/**
 * Files (relative to root, with '/') reached from `entries`, not entering any
 * path that `never` matches (a file, or a folder ending in '/').
 */
export function importClosure(root: string, entries: string[], never: readonly string[]): string[] {
  const blocked = (rel: string) => never.some((n) => (n.endsWith('/') ? rel.startsWith(n) : rel === n));
  const seen = new Set<string>();
  const queue = entries.filter((e) => !blocked(e));
  while (queue.length) {
    const rel = queue.pop() as string;
    if (seen.has(rel)) continue;
    const file = path.join(root, rel);
    if (!fs.existsSync(file)) continue;
    seen.add(rel);
    if (!/\.(ts|mjs|js)$/.test(rel)) continue;
    for (const spec of relativeImports(fs.readFileSync(file, 'utf8'))) {
      const target = path
        .relative(root, path.resolve(path.dirname(file), spec))
        .split(path.sep)
        .join('/');
      if (!target.startsWith('..') && !blocked(target) && !seen.has(target)) queue.push(target);
    }
  }
  return [...seen].sort();
}
