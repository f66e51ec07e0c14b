// Build-time data for the step pages: which step pages exist, and the assertion
// specs each check module exports (checks/NN-*.ts -> `assertions`). The
// <HowChecked :step="N"/> component renders them, so a step page's "How it's
// checked" can never drift from the check itself. A check that does not exist
// yet, or does not load, degrades to a note on the page (and a warning here).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { defineLoader } from 'vitepress';
import type { AssertionSpec } from '../../kit/tools/check/types.ts';
import { listStepPages, rootDir } from '../../kit/tools/ux/step-pages.ts';

export interface StepChecks {
  step: number;
  /** e.g. 'checks/01-pid.ts', or null when there is no check file yet */
  checkFile: string | null;
  assertions: AssertionSpec[];
  /** why there are no assertions, when there are none */
  note?: string;
}

export interface ChecksData {
  checks: Record<number, StepChecks>;
  /** step pages that exist: step number -> link and title */
  pages: Record<number, { link: string; title: string }>;
}

declare const data: ChecksData;
export { data };

const MARKER = '@@container-workshop-assertions@@';
const CHECK_FILE = /^(\d\d)-[\w-]+\.ts$/;

interface Dumped {
  file: string;
  assertions: AssertionSpec[];
  error?: string;
}

function dumpAssertions(files: string[]): Dumped[] {
  if (files.length === 0) return [];
  const tsx = path.join(rootDir, 'node_modules', '.bin', 'tsx');
  const script = path.join(rootDir, 'site', '.vitepress', 'dump-assertions.ts');
  try {
    const out = execFileSync(tsx, [script, ...files], {
      cwd: rootDir,
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const at = out.lastIndexOf(MARKER);
    if (at < 0) throw new Error('no output from dump-assertions.ts');
    return JSON.parse(out.slice(at + MARKER.length)) as Dumped[];
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return files.map((file) => ({ file, assertions: [], error: `could not read the checks: ${message}` }));
  }
}

export default defineLoader({
  watch: ['../../checks/*.ts', '../steps/*.md'],
  load(): ChecksData {
    const checksDir = path.join(rootDir, 'checks');
    const files = (fs.existsSync(checksDir) ? fs.readdirSync(checksDir) : [])
      .filter((name) => CHECK_FILE.test(name))
      .sort()
      .map((name) => `checks/${name}`);

    const checks: Record<number, StepChecks> = {};
    for (const dumped of dumpAssertions(files)) {
      const step = Number(path.basename(dumped.file).slice(0, 2));
      if (dumped.error) console.warn(`[site] ${dumped.file}: ${dumped.error}`);
      checks[step] = {
        step,
        checkFile: dumped.file,
        assertions: dumped.assertions,
        ...(dumped.error ? { note: 'The check for this step is being reworked; its list will be back shortly.' } : {}),
      };
    }

    const pages: ChecksData['pages'] = {};
    for (const ref of listStepPages()) {
      pages[ref.step] ??= { link: ref.link, title: ref.title };
      checks[ref.step] ??= { step: ref.step, checkFile: null, assertions: [], note: 'The check for this step is not written yet.' };
    }
    return { checks, pages };
  },
});
