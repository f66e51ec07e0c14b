// Builds the site once for the site tests, and reuses that build while its
// inputs (site/, checks/) are unchanged: site.test.ts and links.test.ts share it.

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { rootDir, siteDir } from '../../kit/tools/ux/step-pages.ts';

// Each set of inputs gets its own output folder (git-ignored, under VitePress's cache
// folder), and builds are serialised with a lock: another test run serving its own
// build, or building at the same time, never sees files change under it.
const CACHE = path.join(siteDir, '.vitepress', 'cache');
const BUILDS = path.join(CACHE, 'test-dist');
const LOCK = path.join(CACHE, 'test-build.lock');
const SKIP = new Set([path.join(siteDir, '.vitepress', 'dist'), CACHE, path.join(siteDir, '.vitepress', '.temp')]);
const STALE_LOCK_MS = 5 * 60_000;
const OLD_BUILD_MS = 30 * 60_000;

function walk(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (SKIP.has(p)) continue;
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
}

/** A hash of everything the build reads that can change between runs. */
export function inputsHash(): string {
  const files: string[] = [];
  walk(siteDir, files);
  walk(path.join(rootDir, 'checks'), files);
  // the step pages' parser the site's config imports from the kit
  files.push(path.join(rootDir, 'kit', 'tools', 'ux', 'step-pages.ts'));
  const h = crypto.createHash('sha256');
  for (const f of files.sort()) {
    h.update(path.relative(rootDir, f));
    h.update(fs.readFileSync(f));
  }
  return h.digest('hex').slice(0, 16);
}

const complete = (dir: string) => fs.existsSync(path.join(dir, '.complete'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(CACHE, { recursive: true });
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another site build holds ${LOCK}`);
      else await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Removes other builds nobody has used for a while. */
function pruneOldBuilds(keep: string): void {
  for (const name of fs.existsSync(BUILDS) ? fs.readdirSync(BUILDS) : []) {
    const dir = path.join(BUILDS, name);
    if (dir === keep) continue;
    const age = Date.now() - fs.statSync(dir).mtimeMs;
    if (age > OLD_BUILD_MS) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds site/ (once per set of inputs) and returns the folder holding the build. */
export async function ensureSiteBuilt(): Promise<string> {
  const out = path.join(BUILDS, inputsHash());
  if (complete(out)) {
    const now = new Date();
    fs.utimesSync(out, now, now); // in use: not pruned by another run
    return out;
  }
  return withLock(async () => {
    if (complete(out)) return out;
    pruneOldBuilds(out);
    fs.rmSync(out, { recursive: true, force: true });
    const vitepress = path.join(rootDir, 'node_modules', '.bin', 'vitepress');
    try {
      await promisify(execFile)(vitepress, ['build', 'site', '--outDir', out], {
        cwd: rootDir,
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      const tail = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
      throw new Error(`vitepress build site failed:\n${tail || e.message}`);
    }
    fs.writeFileSync(path.join(out, '.complete'), new Date().toISOString());
    return out;
  });
}

/** Every built page, as its URL path: '/', '/theory/namespaces.html', '/steps/' ... */
export function builtPages(dir: string): string[] {
  const files: string[] = [];
  walk(dir, files);
  return files
    .filter((f) => f.endsWith('.html') && path.basename(f) !== '404.html')
    .map((f) => `/${path.relative(dir, f).split(path.sep).join('/')}`)
    .map((u) => (u.endsWith('/index.html') ? u.slice(0, -'index.html'.length) : u))
    .sort();
}

/** '/guide/design#the-c-shim' -> the built file for '/guide/design', or undefined. */
export function builtFileFor(page: string, dir: string): string | undefined {
  const p = page.split('#')[0].replace(/\.html$/, '');
  const candidates = p.endsWith('/') ? [`${p}index.html`] : [`${p}.html`, `${p}/index.html`];
  return candidates.map((c) => path.join(dir, c)).find((f) => fs.existsSync(f));
}

/** The element ids of a built page (heading anchors, assertion rows ...). */
export function idsIn(file: string): Set<string> {
  const html = fs.readFileSync(file, 'utf8');
  return new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => decodeHtml(m[1])));
}

function decodeHtml(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
