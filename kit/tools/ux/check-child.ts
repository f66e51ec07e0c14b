// Running a check in a child process: `node bin/kit.mjs check N --json` (the
// compiled kit, as `npm run check` runs it). A fresh process each time, because the ESM loader caches
// modules: a re-import in this process would keep the step file as it was at
// the first check, and a file that does not compile must not take the watcher
// down with it.

import { spawn } from 'node:child_process';
import path from 'node:path';
import type { CheckResult } from '../check/types.ts';
import { kitLauncher, projectRoot } from '../../core/paths.ts';

export interface CheckChildResult {
  /** the results, when the child printed valid JSON */
  results?: CheckResult[];
  code: number | null;
  signal: NodeJS.Signals | null;
  /** what the child said on stderr (its errors, for a person) */
  stderr: string;
}

export interface CheckChild {
  readonly pid: number | undefined;
  readonly done: Promise<CheckChildResult>;
  /** ask it to stop (SIGTERM; SIGKILL after `graceMs`) */
  stop(graceMs?: number): void;
}

/** argv for running a kit command in a fresh Node (the compiled kit, rebuilt first if kit/ changed), from the project root. */
export const kitCommand = (...args: string[]): string[] => [kitLauncher, ...args];

export function runCheckChild(
  step: number,
  stepsDir: string,
  opts: { onLine?: (line: string) => void; extraArgs?: string[] } = {},
): CheckChild {
  const child = spawn(process.execPath, kitCommand('check', String(step), '--json', '--steps-dir', stepsDir, ...(opts.extraArgs ?? [])), {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    partial += s;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) opts.onLine?.(l);
  });
  const done = new Promise<CheckChildResult>((resolve) => {
    child.on('error', (err) => resolve({ code: null, signal: null, stderr: `${stderr}${err.message}\n` }));
    child.on('close', (code, signal) => resolve({ results: parseResults(stdout), code, signal, stderr }));
  });
  return {
    pid: child.pid,
    done,
    stop(graceMs = 3000) {
      child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), graceMs).unref();
    },
  };
}

function parseResults(stdout: string): CheckResult[] | undefined {
  try {
    const data: unknown = JSON.parse(stdout);
    return Array.isArray(data) ? (data as CheckResult[]) : undefined;
  } catch {
    return undefined;
  }
}
