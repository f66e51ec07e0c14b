// Running one step's check for one student: a child process
//   node WS/.build/kit/tools/cli/main.js check N --json --steps-dir WS/steps
// in the sandbox (sandbox.ts), in a cgroup of its own (cgroup.ts), with a
// time limit. Whatever the student's code does (hang, crash, fork bomb,
// memory hog), this returns a CheckResult for the step; it never throws for
// the student's sake. Afterwards the cgroup is emptied and removed, and what
// the workspace's ledgers still list is reclaimed (as `npm run clean` would).
// node:child_process rather than zx: we need a process group of our own, a
// capped stdout and SIGKILL of the group, which is the point here.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CheckResult } from '../check/types.ts';
import type { Ledger } from '../../core/ledger.ts';
import { processStartTime } from '../../host/proc.ts';
import { blanketResult, type StepCatalog } from './catalog.ts';
import type { JailFactory, JailLimits } from './jail.ts';
import { formatSize } from '../../core/size.ts';
import { lastJsonArray, trustedResult } from './parse-result.ts';
import { reclaimWorkspaceLedgers } from './reclaim.ts';
import { sandboxArgv } from './sandbox.ts';
import { underTmp, type Workspace } from './workspace.ts';
import { projectRoot } from '../../core/paths.ts';

export interface StepRunOptions {
  ws: Workspace;
  cat: StepCatalog;
  timeoutMs: number;
  limits: JailLimits;
  jails: JailFactory;
  /** the grader's own ledger: the child process is recorded there */
  ledger: Ledger;
  /** tmpfs size for the sandbox's /tmp */
  tmpSize?: string;
  /** abort (Ctrl-C of the grader): kill the child now */
  signal?: AbortSignal;
  /** `check --grading` (the default): step 5 without its benchmark (see CheckContext.grading) */
  grading?: boolean;
}

export interface StepOutcome {
  result: CheckResult;
  /** for the instructor: why the step ended the way it did, when unusual */
  note?: string;
  stderrTail: string;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  timedOut: boolean;
  oom: boolean;
  reclaimErrors: string[];
}

const MAX_STDOUT = 8 * 1024 * 1024;
const STDERR_TAIL = 64 * 1024;
/** the check's own time limit is this much shorter, so that it can report before we kill it */
const GRACE_MS = 5000;

export async function runStep(o: StepRunOptions): Promise<StepOutcome> {
  const started = Date.now();
  const step = o.cat.step;
  const jail = await o.jails(`cw-grade-${crypto.randomBytes(4).toString('hex')}-s${step}`, o.limits);
  const inner = Math.max(5, Math.floor((o.timeoutMs - GRACE_MS) / 1000));
  const command = [
    process.execPath,
    o.ws.cli,
    'check',
    String(step),
    '--json',
    '--yes',
    '--steps-dir',
    o.ws.stepsDir,
    '--timeout',
    String(inner),
    ...(o.grading === false ? [] : ['--grading']),
  ];
  const tmpDir = path.join(o.ws.stateDir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true, mode: 0o1777 });
  // A kit (or workspace) that lives under /tmp would be hidden by the
  // sandbox's fresh /tmp: then the child keeps the host's /tmp, writable
  // (checks put files there; /tmp is then not isolated between students),
  // and the kit and the workspace are made read-only on their own, all but
  // the workspace's state.
  const keepHostTmp = underTmp(o.ws.dir) || underTmp(projectRoot);
  const sb = sandboxArgv({
    procsFiles: jail.procsFiles,
    writable: keepHostTmp ? ['/tmp', o.ws.stateDir] : [o.ws.stateDir],
    readOnly: keepHostTmp ? [projectRoot, o.ws.dir] : [],
    tmpSize: o.tmpSize ?? '256m',
    keepHostTmp,
    argv: command,
  });

  let stdout = '';
  let stdoutBytes = 0;
  let stderr = '';
  let timedOut = false;
  let flooded = false;
  const child = spawn(sb.argv[0], sb.argv.slice(1), {
    cwd: o.ws.dir,
    // a process group of its own, so that one kill reaches everything it started
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...childEnv(o.ws.stateDir, tmpDir), ...sb.env },
  });
  const pid = child.pid;
  const entry = pid ? o.ledger.record({ kind: 'process', pid, startTime: processStartTime(pid) }) : undefined;
  const killGroup = () => {
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // group gone
    }
  };
  child.stdout.on('data', (c: Buffer) => {
    stdoutBytes += c.length;
    if (stdoutBytes > MAX_STDOUT) {
      if (!flooded) {
        flooded = true;
        killGroup();
        void jail.killAll();
      }
      return;
    }
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-STDERR_TAIL);
  });
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
    void jail.killAll();
  }, o.timeoutMs);
  const onAbort = () => {
    killGroup();
    void jail.killAll();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (err) => {
      stderr += `\n${err.message}`;
      resolve({ code: null, signal: null });
    });
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  o.signal?.removeEventListener('abort', onAbort);

  // whatever the student's code left running (daemons, a fork bomb's survivors)
  killGroup();
  const oom = jail.oomKilled();
  const forkLimit = jail.pidsLimitHit();
  await jail.remove();
  if (entry !== undefined) o.ledger.forget(entry);
  const reclaimErrors = await reclaimWorkspaceLedgers(path.join(o.ws.stateDir, 'runs'));

  const durationMs = Date.now() - started;
  const verdict = judge({ stdout, stderr, exit, timedOut, flooded, oom, forkLimit, o, durationMs });
  return { ...verdict, stderrTail: stderr, exit, timedOut, oom, reclaimErrors };
}

/** The grading child's environment: only what the check needs, nothing of the instructor's session. */
export function childEnv(stateDir: string, tmpDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    // bash (zx's shell) with a socket as stdin, which Node's pipes are, and a
    // shell level below 2 thinks sshd started it and sources ~/.bashrc: where
    // that file is heavy (pyenv init, nvm), every host command of the check
    // cost seconds, 4x the check itself. A grading child is not a login, so
    // it gets the level a command typed in a terminal would have.
    SHLVL: '1',
    CI: 'true',
    NO_COLOR: '1',
    CW_STATE_DIR: stateDir,
    // The checks' temporary files (a check's own /home image among them)
    // go to the workspace, whose path is the same inside the sandbox and on
    // the host: the ledger reclaim after a killed child then finds a loop
    // device's backing file under the name it recorded. On the sandbox's
    // private /tmp, the host would see another path and leave it attached.
    TMPDIR: tmpDir,
  };
}

interface JudgeInput {
  stdout: string;
  stderr: string;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  timedOut: boolean;
  flooded: boolean;
  oom: boolean;
  forkLimit: boolean;
  o: StepRunOptions;
  durationMs: number;
}

function judge(j: JudgeInput): { result: CheckResult; note?: string } {
  const { cat, ws, timeoutMs, limits } = j.o;
  const blanket = (message: string) => ({
    result: blanketResult(cat, 'error', message, ws.stepsDir, j.durationMs),
    note: `step ${cat.step}: ${message}`,
  });
  if (j.timedOut)
    return blanket(
      `the step did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped (an endless loop or a wait that never ends?)`,
    );
  if (j.flooded) return blanket(`the step printed more than ${formatSize(MAX_STDOUT)} and was stopped`);
  // hitting the grader's own walls is misbehaviour, whatever the check saw meanwhile
  if (j.oom) return blanket(`the step used more than ${formatSize(limits.memoryBytes)} of memory and was killed (a memory hog?)`);
  if (j.forkLimit) return blanket(`the step tried to run more than ${limits.pids} processes at once and was stopped (a fork bomb?)`);
  const parsed = trustedResult(lastJsonArray(j.stdout), cat, ws.stepsDir, j.durationMs);
  if (typeof parsed !== 'string') return { result: parsed };
  if (j.exit.signal) return blanket(`the checker was killed by ${j.exit.signal} (did the step's code kill it?)`);
  const said = lastKitError(j.stderr);
  if (said) return blanket(said);
  return blanket(`${parsed} (exit code ${j.exit.code}; did the step's code end the process?)`);
}

/** The kit's own error line ("cw error ...") from the child's stderr, if any. */
function lastKitError(stderr: string): string | undefined {
  const lines = stderr.split('\n').filter((l) => l.startsWith('cw error '));
  const last = lines[lines.length - 1];
  return last ? last.slice('cw error '.length).slice(0, 500) : undefined;
}
