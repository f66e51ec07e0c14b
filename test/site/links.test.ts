// Every site page the kit points people to exists, anchor included: the pages
// in the checks' assertion specs, the `page:` of the kit's errors, and every
// internal link between the site's own pages (VitePress checks that linked
// pages exist, not that their anchors do).

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AssertionSpec } from '../../kit/tools/check/types.ts';
import { rootDir } from '../../kit/tools/ux/step-pages.ts';
import { builtFileFor, builtPages, ensureSiteBuilt, idsIn } from './build.ts';

interface PageRef {
  page: string;
  from: string;
}

const SOURCE_DIRS = ['kit', 'checks', 'steps', 'solutions'];
// `page: '/x#y'`, `page = '/x'`, `PAGE = '/x'` (a literal with no interpolation)
const PAGE_LITERAL = /\bpage\w*\s*[:=]\s*(['"`])(\/[^'"`$\s]*)\1/gi;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function sourcePageRefs(): PageRef[] {
  const refs: PageRef[] = [];
  for (const file of SOURCE_DIRS.flatMap((d) => tsFiles(path.join(rootDir, d)))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(PAGE_LITERAL)) {
      const line = text.slice(0, m.index).split('\n').length;
      refs.push({ page: m[2], from: `${path.relative(rootDir, file)}:${line}` });
    }
  }
  return refs;
}

async function assertionPageRefs(): Promise<PageRef[]> {
  const dir = path.join(rootDir, 'checks');
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => /^\d\d-[\w-]+\.ts$/.test(f))
        .sort()
    : [];
  const refs: PageRef[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { assertions?: AssertionSpec[] };
    for (const a of mod.assertions ?? []) refs.push({ page: a.page, from: `checks/${f} assertion ${a.id}` });
  }
  return refs;
}

/** Problems with one reference; undefined when it resolves. 'pending' when its step page is not written yet. */
function resolve(ref: PageRef, dist: string): string | 'pending' | undefined {
  const file = builtFileFor(ref.page, dist);
  if (!file) return /^\/steps\/\d\d-/.test(ref.page) ? 'pending' : `${ref.from}: no page ${ref.page}`;
  const anchor = ref.page.split('#')[1];
  if (anchor && !idsIn(file).has(decodeURIComponent(anchor))) return `${ref.from}: ${ref.page}: the page has no #${anchor}`;
  return undefined;
}

function check(refs: PageRef[], dist: string): void {
  const problems: string[] = [];
  const pending = new Set<string>();
  for (const ref of refs) {
    const r = resolve(ref, dist);
    if (r === 'pending') pending.add(ref.page.split('#')[0]);
    else if (r) problems.push(r);
  }
  if (pending.size) console.info(`step pages not written yet (their links are checked once they are): ${[...pending].sort().join(', ')}`);
  expect(problems).toEqual([]);
}

describe('links into the site', () => {
  let dist = '';
  beforeAll(async () => {
    dist = await ensureSiteBuilt();
  }, 240_000);

  it('every page and anchor named by a check assertion exists', async () => {
    const refs = await assertionPageRefs();
    expect(refs.length).toBeGreaterThan(0);
    check(refs, dist);
  });

  it('every page and anchor the kit names in its messages exists', () => {
    const refs = sourcePageRefs();
    expect(refs.length).toBeGreaterThan(0);
    check(refs, dist);
  });

  it("every link between the site's own pages lands on an existing anchor", () => {
    const refs: PageRef[] = [];
    for (const page of builtPages(dist)) {
      const file = builtFileFor(page, dist) ?? '';
      const html = fs.readFileSync(file, 'utf8');
      // only the page's content: the layout's own links (skip-to-content and the like) are VitePress's
      const main = html.slice(html.indexOf('<main'), html.lastIndexOf('</main>'));
      for (const m of main.matchAll(/href="(\/[^"#]*)?#([^"]+)"/g)) {
        const target = m[1] ?? page;
        refs.push({ page: `${target}#${m[2]}`, from: path.relative(dist, file) });
      }
    }
    check(refs, dist);
  });
});
