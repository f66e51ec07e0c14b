// The course site in a real browser: build it, serve the build on 127.0.0.1,
// open every page in Debian's Chromium (never a downloaded browser) and check
// what a student would notice: the title, console errors, failed requests,
// diagrams that do not render, a search that finds nothing. Screenshots of a
// few key pages go to test-artifacts/site/ (git-ignored) for a human to look at.
//
// Chromium aborts in-flight requests (ERR_NETWORK_CHANGED) whenever the host's
// network interfaces change, and other tests on the same machine add and remove
// veth pairs all the time. So, as root, the static server and Chromium share a
// network namespace of their own, where nothing ever changes: the workshop's
// own medicine. Without root, both run on the host and a visit that saw a
// network change is made again.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontmatter, rootDir, siteDir } from '../../kit/tools/ux/step-pages.ts';
import { ensureSiteBuilt } from './build.ts';
import { serveStatic } from './serve.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(rootDir, 'test-artifacts', 'site');
const EXCLUDED = new Set(['FORMAT.md', 'README.md']);

interface SourcePage {
  /** URL path of the built page */
  url: string;
  file: string;
  /** the title the page must show: its h1 (or the hero name on the home page) */
  title: string;
  home: boolean;
  /** how many <Diagram> the Markdown uses */
  diagrams: number;
}

/** The site's pages, from the Markdown sources (known before the build, so each page is its own test). */
function sourcePages(): SourcePage[] {
  const out: SourcePage[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'public') walk(p);
      else if (e.isFile() && e.name.endsWith('.md') && !EXCLUDED.has(e.name)) {
        const rel = path.relative(siteDir, p).split(path.sep).join('/');
        const url =
          rel === 'index.md'
            ? '/'
            : rel.endsWith('/index.md')
              ? `/${rel.slice(0, -'index.md'.length)}`
              : `/${rel.replace(/\.md$/, '.html')}`;
        const md = fs.readFileSync(p, 'utf8');
        const { data, body } = frontmatter(md);
        const h1 = /^# (.+?)(?:\s*\{#[\w-]+\})?\s*$/m.exec(body)?.[1];
        const home = data.layout === 'home';
        out.push({
          url,
          file: rel,
          title: home ? 'container-workshop' : (h1 ?? data.title ?? ''),
          home,
          diagrams: (md.match(/<Diagram\s/g) ?? []).length,
        });
      }
    }
  };
  walk(siteDir);
  return out.sort((a, b) => a.url.localeCompare(b.url));
}

const pages = sourcePages();
const chromiumMissing = !fs.existsSync(CHROMIUM);

interface Visit {
  page: Page;
  consoleErrors: string[];
  failedRequests: string[];
}

interface Served {
  url: string;
  /** what playwright launches: Chromium itself, or a wrapper that enters the server's network namespace */
  executable: string;
  stop(): Promise<void>;
}

async function serveOnHost(dir: string): Promise<Served> {
  const server = await serveStatic(dir);
  return { url: server.url, executable: CHROMIUM, stop: () => server.close() };
}

/** The server in a new network namespace (lo only), and a Chromium wrapper that joins it. */
async function serveInOwnNetns(dir: string, scratch: string): Promise<Served | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const child: ChildProcessWithoutNullStreams = spawn(
    'unshare',
    [
      '--net',
      '--',
      'sh',
      '-c',
      'ip link set lo up && exec "$0" "$@"',
      process.execPath,
      '--import',
      'tsx',
      path.join(rootDir, 'test', 'site', 'serve-cli.ts'),
      dir,
    ],
    { cwd: rootDir, stdio: 'pipe' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string | undefined>((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve(undefined), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  const stop = async () => {
    child.stdin.end();
    const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 3000);
    if (child.exitCode === null && child.signalCode === null) await exited;
    clearTimeout(timer);
  };
  if (!url || !child.pid) {
    await stop();
    return undefined;
  }
  const wrapper = path.join(scratch, 'chromium-in-netns');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec nsenter --net=/proc/${child.pid}/ns/net ${CHROMIUM} "$@"\n`, { mode: 0o755 });
  return { url, executable: wrapper, stop };
}

describe.skipIf(chromiumMissing)('the course site in Chromium', () => {
  let server: Served | undefined;
  let context: BrowserContext | undefined;
  let scratch: string | undefined;
  const diagramsSeen = new Set<string>();

  beforeAll(async () => {
    const dist = await ensureSiteBuilt();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-site-chromium-'));
    server = (await serveInOwnNetns(dist, scratch)) ?? (await serveOnHost(dist));
    // a fresh profile every run
    context = await chromium.launchPersistentContext(path.join(scratch, 'profile'), {
      executablePath: server.executable,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
      timeout: 30_000,
    });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await server?.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  async function openOnce(url: string): Promise<Visit> {
    if (!context || !server) throw new Error('browser not started');
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const failedRequests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
    page.on('requestfailed', (r) => failedRequests.push(`${r.url()} (${r.failure()?.errorText ?? 'failed'})`));
    page.on('response', (r) => {
      if (r.status() >= 400) failedRequests.push(`${r.url()} (HTTP ${r.status()})`);
    });
    await page.goto(`${server.url}${url}`, { waitUntil: 'load', timeout: 20_000 });
    // hydrated by Vue, and every image (the diagrams) settled
    await page.waitForFunction(
      () => {
        const app = document.querySelector('#app');
        return app !== null && '__vue_app__' in app;
      },
      undefined,
      { timeout: 10_000 },
    );
    await page.waitForFunction(() => [...document.images].every((i) => i.complete), undefined, { timeout: 10_000 });
    return { page, consoleErrors, failedRequests };
  }

  /**
   * Opens a page. Chromium aborts its in-flight requests with ERR_NETWORK_CHANGED
   * whenever the host's interfaces change, which other tests on this machine do
   * all the time (veth pairs, network namespaces): such a visit is made again.
   */
  async function visit(url: string): Promise<Visit> {
    for (let attempt = 1; ; attempt++) {
      const v = await openOnce(url);
      const networkChanged = [...v.consoleErrors, ...v.failedRequests].some((e) => e.includes('ERR_NETWORK_CHANGED'));
      if (!networkChanged || attempt === 5) return v;
      await v.page.close();
    }
  }

  // pages are independent: open a few at a time (vitest's maxConcurrency), each with its own expect
  it.concurrent.for(pages)('$url renders', async (src, { expect }) => {
    const { page, consoleErrors, failedRequests } = await visit(src.url);
    try {
      if (src.home) {
        await expect.poll(() => page.locator('.VPHero .name').innerText()).toContain(src.title);
      } else {
        const h1 = (await page.locator('.vp-doc h1').first().innerText()).replace(/\u200b/g, '');
        expect(h1).toContain(src.title);
        expect(await page.title()).toContain(src.title);
      }

      // diagrams: every one the page uses is loaded and has a size
      const diagrams = await page.locator('figure.diagram img').evaluateAll((imgs) =>
        (imgs as HTMLImageElement[]).map((img) => {
          const r = img.getBoundingClientRect();
          return { src: img.getAttribute('src') ?? '', ok: img.complete && img.naturalWidth > 0 && r.width > 0 && r.height > 0 };
        }),
      );
      expect(diagrams.length, `${src.file} uses ${src.diagrams} <Diagram>`).toBe(src.diagrams);
      for (const d of diagrams) {
        expect(d.ok, `diagram ${d.src} did not render`).toBe(true);
        diagramsSeen.add(path.basename(d.src));
      }

      expect(consoleErrors.join('\n'), 'console errors').toBe('');
      expect(failedRequests.join('\n'), 'failed requests').toBe('');
    } finally {
      await page.close();
    }
  });

  it('shows every diagram in site/public/diagrams on some page', () => {
    const files = fs.readdirSync(path.join(siteDir, 'public', 'diagrams')).filter((f) => f.endsWith('.svg'));
    expect(files.filter((f) => !diagramsSeen.has(f))).toEqual([]);
  });

  it('finds pages with the local search', async () => {
    const { page, consoleErrors, failedRequests } = await visit('/');
    try {
      await page.locator('.DocSearch-Button').first().click();
      const input = page.locator('.VPLocalSearchBox .search-input');
      await input.fill('pivot_root');
      const first = page.locator('.VPLocalSearchBox a.result').first();
      await first.waitFor({ timeout: 10_000 });
      const hrefs = await page.locator('.VPLocalSearchBox a.result').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      expect(hrefs.some((h) => h.includes('pivot-root'))).toBe(true);
      expect(consoleErrors).toEqual([]);
      expect(failedRequests).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('saves screenshots of key pages into test-artifacts/site', async () => {
    const shots: { url: string; name: string; full?: boolean; element?: string }[] = [
      { url: '/', name: 'home' },
      { url: '/theory/namespaces.html', name: 'namespaces', full: true },
      { url: '/theory/cgroups.html', name: 'cgroups-diagram', element: 'figure.diagram' },
      { url: '/guide/design.html', name: 'design-lifecycle', element: 'figure.diagram' },
      { url: '/steps/01-pid.html', name: 'step-01', full: true },
      { url: '/steps/01-pid.html', name: 'step-01-how-checked', element: '.how-checked' },
    ];
    for (const s of shots) {
      const { page } = await visit(s.url);
      try {
        const file = path.join(ARTIFACTS, `${s.name}.png`);
        // the fixed navigation bar would cover the top of an element scrolled into view
        if (s.element) await page.addStyleTag({ content: '.VPNav, .VPLocalNav { visibility: hidden !important; }' });
        if (s.element) await page.locator(s.element).first().screenshot({ path: file });
        else await page.screenshot({ path: file, fullPage: s.full === true });
        expect(fs.statSync(file).size).toBeGreaterThan(10_000);
      } finally {
        await page.close();
      }
    }
  });
});
