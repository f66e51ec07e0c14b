// Running a check in a child process: `node bin/kit.mjs check N --json` (the
// compiled kit, as `npm run check` runs it). A fresh process each time, because the ESM loader caches
// modules: a re-import in this process would keep the step file as it was at
// the first check, and a file that does not compile must not take the watcher
// down with it.
//
// A child can also be started ahead (`check N --warm`): it loads the kit and
// check N, then waits for a step number on its stdin. The watcher keeps one
// ready, so that a save pays for the check itself, not for Node's and the
// kit's start (issue 17: a verdict within 0.5 s of a save).

import { spawn } from 'node:child_process';
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

export interface CheckChildOptions {
  /** each line the child writes on stderr (its progress) */
  onLine?: (line: string) => void;
}

/** A check child started ahead, waiting for its step. */
export interface WarmCheckChild {
  /** check `step` (steps 1..step) now; a warm child checks once */
  go(step: number, opts?: CheckChildOptions): CheckChild;
  /** not needed after all: it exits (end of its stdin; SIGTERM if it does not); resolves when it has */
  dispose(): Promise<void>;
}

/** argv for running a kit command in a fresh Node (the compiled kit, rebuilt first if kit/ changed), from the project root. */
export const kitCommand = (...args: string[]): string[] => [kitLauncher, ...args];

function startChild(
  args: string[],
  warm: boolean,
): { child: CheckChild; onLine(f: CheckChildOptions['onLine']): void; go(line: string): void } {
  const child = spawn(process.execPath, kitCommand(...args), {
    cwd: projectRoot,
    stdio: 'pipe',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  let onLine: CheckChildOptions['onLine'];
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    partial += s;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) onLine?.(l);
  });
  // a warm child that exited before its step came: the next write would fail with EPIPE
  child.stdin.on('error', () => {});
  if (!warm) child.stdin.end(); // nothing to read: as from /dev/null
  const done = new Promise<CheckChildResult>((resolve) => {
    child.on('error', (err) => resolve({ code: null, signal: null, stderr: `${stderr}${err.message}\n` }));
    child.on('close', (code, signal) => resolve({ results: parseResults(stdout), code, signal, stderr }));
  });
  return {
    child: {
      pid: child.pid,
      done,
      stop(graceMs = 3000) {
        child.kill('SIGTERM');
        setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), graceMs).unref();
      },
    },
    onLine: (f) => (onLine = f),
    go: (line) => child.stdin.end(line),
  };
}

export function runCheckChild(step: number, stepsDir: string, opts: CheckChildOptions & { extraArgs?: string[] } = {}): CheckChild {
  const c = startChild(['check', String(step), '--json', '--steps-dir', stepsDir, ...(opts.extraArgs ?? [])], false);
  c.onLine(opts.onLine);
  return c.child;
}

/** Start a check child ahead for `stepsDir`: it loads the kit and check `likely`, then waits for go(step). */
export function warmCheckChild(stepsDir: string, likely: number): WarmCheckChild {
  const c = startChild(['check', String(likely), '--warm', '--json', '--steps-dir', stepsDir], true);
  let used = false;
  return {
    go(step, opts = {}) {
      used = true;
      c.onLine(opts.onLine);
      c.go(`${step}\n`);
      return c.child;
    },
    dispose() {
      if (!used) {
        used = true;
        c.go('');
        const t = setTimeout(() => c.child.stop(), 2000);
        t.unref();
        void c.child.done.then(() => clearTimeout(t));
      }
      return c.child.done.then(() => undefined);
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
