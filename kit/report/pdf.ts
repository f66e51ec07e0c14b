// The report as PDF through Debian's Chromium, headless: it prints the
// self-contained HTML page exactly as a browser shows it. Optional: without
// Chromium the report is Markdown and HTML only.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { $ } from 'zx';
import type { Ledger } from '../ledger.ts';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | undefined {
  const fromEnv = process.env.CW_CHROMIUM;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((c) => fs.existsSync(c));
}

export const CHROMIUM_HINT = 'sudo apt-get install chromium   (then npm run report again for the PDF)';

/** Print `html` to `pdf`. Returns an error message, or undefined on success. */
export async function printPdf(html: string, pdf: string, ledger: Ledger, chromium = findChromium()): Promise<string | undefined> {
  if (!chromium) return `no Chromium (${CANDIDATES.join(', ')})`;
  // a throwaway profile: Chromium writes one even headless, and root's must not be touched
  const profile = path.join(os.tmpdir(), `cw-chromium-${process.pid}-${Date.now().toString(36)}`);
  const entry = ledger.record({ kind: 'path', path: profile });
  try {
    fs.rmSync(pdf, { force: true });
    const r = await $({ quiet: true, nothrow: true, timeout: '90s' })`${chromium} --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --user-data-dir=${profile} --no-pdf-header-footer --print-to-pdf=${pdf} ${pathToFileURL(html).href}`;
    if (!fs.existsSync(pdf) || fs.statSync(pdf).size === 0) {
      const why = `${r.stderr}`.split('\n').filter((l) => l.trim() && !/dbus|Fontconfig|ERROR:.*(bus|gpu)/i.test(l)).slice(-2).join(' ');
      return `Chromium exited with ${r.exitCode ?? 'a signal'} without a PDF${why ? `: ${why}` : ''}`;
    }
    return undefined;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
    ledger.forget(entry);
  }
}
