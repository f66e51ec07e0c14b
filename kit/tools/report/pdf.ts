// The report as PDF through a Chromium-family browser, headless: it prints
// the self-contained HTML page exactly as a browser shows it. Found wherever
// distributions put it: Debian's chromium, Ubuntu's chromium-browser or the
// snap, Google Chrome (or CW_CHROMIUM). Optional: without one, the report is
// Markdown and HTML, and the message says how to print the HTML from any browser.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { $ } from '../../core/shell.ts';
import type { Ledger } from '../../core/ledger.ts';
import { which, type Requirement } from '../../host/preflight.ts';

/** Executable names, in order of preference, looked up in PATH (and /snap/bin). */
export const BROWSERS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
const EXTRA_DIRS = ['/snap/bin', '/usr/bin', '/opt/google/chrome'];

export function findChromium(env: NodeJS.ProcessEnv = process.env, extraDirs: string[] = EXTRA_DIRS): string | undefined {
  const fromEnv = env.CW_CHROMIUM;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : undefined;
  for (const name of BROWSERS) {
    const found = which(name) ?? extraDirs.map((d) => path.join(d, name)).find((p) => isExecutable(p));
    if (found) return found;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** ID and ID_LIKE of /etc/os-release. */
export function osIds(text = readOsRelease()): string[] {
  const get = (k: string) => new RegExp(`^${k}=("?)([^"\\n]*)\\1$`, 'm').exec(text)?.[2] ?? '';
  return [get('ID'), ...get('ID_LIKE').split(/\s+/)].filter(Boolean).map((s) => s.toLowerCase());
}

function readOsRelease(): string {
  try {
    return fs.readFileSync('/etc/os-release', 'utf8');
  } catch {
    return '';
  }
}

/** How to install a browser for the PDF on this distribution. */
export function browserInstall(ids = osIds()): { pkg: string; command: string } {
  if (ids.includes('ubuntu'))
    return {
      pkg: 'chromium-browser',
      command: 'sudo snap install chromium   (or: sudo apt-get install chromium-browser, which installs the snap)',
    };
  if (ids.includes('debian')) return { pkg: 'chromium', command: 'sudo apt-get install chromium' };
  if (ids.some((i) => ['fedora', 'rhel', 'centos'].includes(i))) return { pkg: 'chromium', command: 'sudo dnf install chromium' };
  if (ids.includes('arch')) return { pkg: 'chromium', command: 'sudo pacman -S chromium' };
  if (ids.some((i) => ['opensuse', 'suse'].includes(i))) return { pkg: 'chromium', command: 'sudo zypper install chromium' };
  return { pkg: 'chromium', command: "install Chromium or Google Chrome with your distribution's package manager" };
}

/** What to say when there is no browser: how to get one, and how to print without one. */
export function noBrowserHint(htmlFile: string, ids = osIds()): string {
  return `${browserInstall(ids).command}, then npm run report again; or open ${htmlFile} in any browser (on any machine) and print it to PDF (Ctrl-P, "Save as PDF") as results/report.pdf`;
}

/** For `npm run preflight -- --pdf`. */
export const PDF_REQUIREMENT: Requirement = {
  what: "Chromium (or Chrome) for the report's PDF",
  present: () => findChromium() !== undefined,
  pkg: browserInstall().pkg,
};

/** Print `html` to `pdf`. Returns an error message, or undefined on success. */
export async function printPdf(html: string, pdf: string, ledger: Ledger, chromium = findChromium()): Promise<string | undefined> {
  if (!chromium) return `no Chromium or Chrome (looked for ${BROWSERS.join(', ')} in PATH and ${EXTRA_DIRS.join(', ')})`;
  // a throwaway profile: Chromium writes one even headless, and root's must not be touched
  const profile = path.join(os.tmpdir(), `cw-chromium-${process.pid}-${Date.now().toString(36)}`);
  const entry = ledger.record({ kind: 'path', path: profile });
  try {
    fs.rmSync(pdf, { force: true });
    const r = await $({
      quiet: true,
      nothrow: true,
      timeout: '90s',
    })`${chromium} --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --user-data-dir=${profile} --no-pdf-header-footer --print-to-pdf=${pdf} ${pathToFileURL(html).href}`;
    if (!fs.existsSync(pdf) || fs.statSync(pdf).size === 0) {
      const why = `${r.stderr}`
        .split('\n')
        .filter((l) => l.trim() && !/dbus|Fontconfig|ERROR:.*(bus|gpu)/i.test(l))
        .slice(-2)
        .join(' ');
      return `${path.basename(chromium)} exited with ${r.exitCode ?? 'a signal'} without a PDF${why ? `: ${why}` : ''}`;
    }
    return undefined;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
    ledger.forget(entry);
  }
}
