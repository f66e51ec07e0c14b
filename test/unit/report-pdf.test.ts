// Finding a browser for the report's PDF, and naming the right package per distribution.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserInstall, findChromium, noBrowserHint, osIds } from '../../kit/tools/report/pdf.ts';

const UBUNTU = 'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n';
const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
const MINT = 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n';
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\n';

describe('the PDF browser', () => {
  it('reads ID and ID_LIKE of /etc/os-release', () => {
    expect(osIds(UBUNTU)).toEqual(['ubuntu', 'debian']);
    expect(osIds(MINT)).toEqual(['linuxmint', 'ubuntu', 'debian']);
    expect(osIds('')).toEqual([]);
  });

  it('names the package each distribution has', () => {
    expect(browserInstall(osIds(DEBIAN))).toMatchObject({ pkg: 'chromium', command: 'sudo apt-get install chromium' });
    expect(browserInstall(osIds(UBUNTU)).pkg).toBe('chromium-browser');
    expect(browserInstall(osIds(UBUNTU)).command).toContain('sudo snap install chromium');
    expect(browserInstall(osIds(MINT)).pkg).toBe('chromium-browser');
    expect(browserInstall(osIds(FEDORA)).command).toBe('sudo dnf install chromium');
  });

  it('without a browser, says how to print the HTML from any browser', () => {
    expect(noBrowserHint('results/report.html', osIds(UBUNTU))).toMatch(
      /snap install chromium.*open results\/report.html in any browser.*print it to PDF/,
    );
  });

  it('finds chromium-browser, the snap or Chrome on PATH; CW_CHROMIUM wins', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-browser-'));
    try {
      const fake = (name: string) => {
        fs.writeFileSync(path.join(bin, name), '#!/bin/sh\n', { mode: 0o755 });
        return path.join(bin, name);
      };
      const save = process.env.PATH;
      process.env.PATH = bin;
      try {
        const chrome = fake('google-chrome-stable');
        // the machine's own browsers (/usr/bin, /snap/bin) are left out of the search here
        expect(findChromium({}, [])).toBe(chrome);
        const ubuntu = fake('chromium-browser');
        expect(findChromium({}, [])).toBe(ubuntu);
        const debian = fake('chromium');
        expect(findChromium({}, [])).toBe(debian);
        const snap = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-snap-'));
        fs.rmSync(debian);
        fs.rmSync(ubuntu);
        fs.writeFileSync(path.join(snap, 'chromium'), '#!/bin/sh\n', { mode: 0o755 });
        expect(findChromium({}, [snap])).toBe(path.join(snap, 'chromium'));
        fs.rmSync(snap, { recursive: true, force: true });
        expect(findChromium({ CW_CHROMIUM: chrome })).toBe(chrome);
        expect(findChromium({ CW_CHROMIUM: path.join(bin, 'missing') })).toBeUndefined();
      } finally {
        process.env.PATH = save;
      }
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
