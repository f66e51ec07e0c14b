// Every site/ path that a step, solution or check file (or the kit, or the
// README) names exists: header comments once pointed to site/namespaces.md,
// which lives in site/theory/.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';

function files(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(projectRoot, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(rel, ext));
    else if (ext.test(e.name)) out.push(rel);
  }
  return out;
}

/** `site/theory/veth.md`, `site/guide/troubleshooting.md#clone`, `site/steps/` (placeholders like NN-name skipped) */
const SITE_PATH = /\bsite\/[A-Za-z0-9_./-]*[A-Za-z0-9_/]/g;

export function sitePaths(text: string): string[] {
  return [...text.matchAll(SITE_PATH)].map((m) => m[0]).filter((p) => !/NN|\bN\b/.test(p));
}

/** What the site's build writes (git-ignored, absent in a fresh clone): named by the kit, not pages. */
const BUILD_OUTPUT = /^site\/\.vitepress\/(dist|cache|\.temp)\b/;

const sources = [
  ...files('steps', /\.ts$/),
  ...files('solutions', /\.ts$/),
  ...files('checks', /\.ts$/),
  ...files('kit', /\.ts$/),
  'README.md',
];

describe('site paths named in the code', () => {
  it('finds the paths it should (the pattern itself works)', () => {
    expect(sitePaths('// The theory: site/namespaces.md; the task: site/steps/01-pid.md.')).toEqual([
      'site/namespaces.md',
      'site/steps/01-pid.md',
    ]);
  });

  it('steps/, solutions/, checks/, kit/ and the README name only site/ paths that exist', () => {
    const missing = sources.flatMap((file) =>
      sitePaths(fs.readFileSync(path.join(projectRoot, file), 'utf8'))
        .filter(
          (p) => !BUILD_OUTPUT.test(p) && !fs.existsSync(path.join(projectRoot, p)) && !fs.existsSync(path.join(projectRoot, `${p}.md`)),
        )
        .map((p) => `${file}: ${p}`),
    );
    expect(missing).toEqual([]);
    expect(sources.filter((f) => /^(steps|solutions|checks)\//.test(f)).length).toBeGreaterThanOrEqual(15);
  });
});
