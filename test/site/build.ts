// Builds the site once for the site tests, and reuses that build while its
// inputs (site/, checks/) are unchanged: site.test.ts and links.test.ts share it.

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { rootDir, siteDir } from '../../site/.vitepress/step-pages.ts';

export const distDir = path.join(siteDir, '.vitepress', 'dist');
const STAMP = path.join(distDir, '.build-inputs');
const SKIP = new Set([path.join(siteDir, '.vitepress', 'dist'), path.join(siteDir, '.vitepress', 'cache')]);

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
  const h = crypto.createHash('sha256');
  for (const f of files.sort()) {
    h.update(path.relative(rootDir, f));
    h.update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

/** Builds site/ into site/.vitepress/dist unless an up-to-date build is there. */
export async function ensureSiteBuilt(): Promise<string> {
  const hash = inputsHash();
  const fresh = fs.existsSync(path.join(distDir, 'index.html')) && fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === hash;
  if (fresh) return distDir;
  const vitepress = path.join(rootDir, 'node_modules', '.bin', 'vitepress');
  try {
    await promisify(execFile)(vitepress, ['build', 'site'], { cwd: rootDir, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const tail = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`vitepress build site failed:\n${tail || e.message}`);
  }
  fs.writeFileSync(STAMP, hash);
  return distDir;
}

/** Every built page, as its URL path: '/', '/theory/namespaces.html', '/steps/' ... */
export function builtPages(dir = distDir): string[] {
  const files: string[] = [];
  walk(dir, files);
  return files
    .filter((f) => f.endsWith('.html') && path.basename(f) !== '404.html')
    .map((f) => `/${path.relative(dir, f).split(path.sep).join('/')}`)
    .map((u) => (u.endsWith('/index.html') ? u.slice(0, -'index.html'.length) : u))
    .sort();
}

/** '/guide/design#the-c-shim' -> the built file for '/guide/design', or undefined. */
export function builtFileFor(page: string, dir = distDir): string | undefined {
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
  return s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
