// The kit as a student runs it, as a child process we can signal: the same
// command line `npm run step ...` runs (node --import tsx kit/tools/cli/main.ts),
// started directly so that a signal reaches the kit and not npm. It gets a
// process group of its own (setsid), so that after a SIGKILL we can wait for
// every process it started (its zx children, the container) to be gone.

import { spawn } from 'node:child_process';
import { projectRoot } from '../../kit/core/paths.ts';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface KitProcess {
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** resolves true once stdout has a line `ready`, false if the kit exits first */
  readonly ready: Promise<boolean>;
  readonly exit: Promise<Exit>;
  signal(sig: NodeJS.Signals): void;
  /** wait until no process of the kit's group is left; false on timeout */
  groupGone(timeoutMs?: number): Promise<boolean>;
}

/** Ceiling for any one kit process: it is SIGKILLed (with its group) after this. */
const HARD_LIMIT_MS = 60_000;

/**
 * Every run id that some kit command of this test process said it reclaimed
 * ("reclaiming run ID"): with runs in parallel, any command's start-up may be
 * the one that reclaims another lane's orphan.
 */
export const reclaimedByAnyCommand = new Set<string>();
const noteReclaims = (stderr: string): void => {
  for (const m of stderr.matchAll(/reclaiming run (\w+)/g)) reclaimedByAnyCommand.add(m[1]);
};

export function startKit(args: string[], env: NodeJS.ProcessEnv, opts: { limitMs?: number } = {}): KitProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'kit/tools/cli/main.ts', ...args], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the kit');
  let out = '';
  let err = '';
  let readyResolve: (v: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((r) => (readyResolve = r));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (/^ready$/m.test(out)) readyResolve(true);
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const limit = setTimeout(() => killGroup(pid, 'SIGKILL'), opts.limitMs ?? HARD_LIMIT_MS);
  const exit = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      noteReclaims(err);
      readyResolve(false);
      resolve({ code, signal });
    });
  });
  return {
    pid,
    stdout: () => out,
    stderr: () => err,
    ready,
    exit,
    signal(sig) {
      try {
        process.kill(pid, sig);
      } catch {
        // gone already
      }
    },
    async groupGone(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (groupAlive(pid)) {
        if (Date.now() > deadline) {
          killGroup(pid, 'SIGKILL');
          return false;
        }
        await sleep(20);
      }
      return true;
    },
  };
}

/** Run the kit to the end: exit status and output. */
export async function runKit(
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { limitMs?: number } = {},
): Promise<Exit & { stdout: string; stderr: string }> {
  const k = startKit(args, env, opts);
  const e = await k.exit;
  await k.groupGone();
  return { ...e, stdout: k.stdout(), stderr: k.stderr() };
}

/** `npm run -s NAME -- ARGS` (the way a student types it), to the end. */
export function npmRun(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  limitMs = 60_000,
): Promise<Exit & { stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', name, ...(args.length ? ['--', ...args] : [])], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      noteReclaims(stderr);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // gone
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
