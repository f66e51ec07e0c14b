// The kit's one command runner. Two entries, both traced:
// - `$`: zx's `$`, the one `$` the student API hands out (student.ts) and the
//   kit's own host commands use;
// - `run(cmd, args)`: a host tool on the hot path of every container start
//   (losetup, flock), without a shell. zx runs each command through bash,
//   which costs a few milliseconds at rest and tens on a loaded machine; that
//   is fine for the one-off commands (mkfs.ext4, fallocate, e2fsck), not for
//   the two or three that every run makes. Arguments go to execve as they
//   are: no quoting.
// zx's log hook (its documented `$.log`) puts
// every command run during a container's life into that run's trace
// (tracer.ts): its command line, its exit status, and the step file's line
// that ran it when a step did. zx's own logging is kept as it was.
//
// zx takes 100 ms (on a busy machine, a second) to load, and step 1 runs no
// command at all: this `$` loads it the first time it is used (zx's ESM entry
// wraps the same CommonJS module, so `import 'zx'` elsewhere shares its state).

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { LogEntry } from 'zx';
import { traceCommand } from './tracer.ts';

type Zx = typeof import('zx');
type Dollar = Zx['$'];

const require = createRequire(import.meta.url);
const running = new Map<string, (status: number | string | null) => void>();
let muted = 0;
let loaded: Dollar | undefined;

function zx$(): Dollar {
  if (loaded) return loaded;
  // bash with a socket on stdin (Node's pipes are sockets) and no shell level
  // believes sshd started it and reads ~/.bashrc before each command; where
  // that file is heavy (pyenv init, nvm) every command costs seconds. The
  // sudo re-run and the grader's child both start without SHLVL.
  if (!(Number(process.env.SHLVL) >= 1)) process.env.SHLVL = '1';
  const zx = require('zx') as Zx;
  const zxLog = zx.$.log;
  zx.$.log = (entry: LogEntry) => {
    // 'cmd' is logged synchronously inside the `$` call, so the caller's line is on the stack
    if (entry.kind === 'cmd' && muted === 0) {
      const done = traceCommand(entry.cmd);
      if (done) running.set(entry.id, done);
    } else if (entry.kind === 'end') {
      const done = running.get(entry.id);
      running.delete(entry.id);
      done?.(entry.exitCode ?? entry.signal ?? (entry.error ? 'not started' : null));
    }
    zxLog(entry);
  };
  loaded = zx.$;
  return loaded;
}

/** Load zx now rather than at the first command (a process started ahead of its work: watch mode's check child). */
export function preloadShell(): void {
  zx$();
}

/**
 * zx's ProcessOutput class if zx is loaded, else undefined: a failed command
 * can only be a ProcessOutput once some `$` has run, so whoever tells one
 * apart (host/host-command.ts) does not load zx on every start for it.
 */
export function loadedProcessOutput(): Zx['ProcessOutput'] | undefined {
  return loaded ? (require('zx') as Zx).ProcessOutput : undefined;
}

/** zx's `$` (tagged template, options call, `$.sync`, `$.verbose` ...), loaded on first use. */
export const $: Dollar = new Proxy(function dollar() {} as unknown as Dollar, {
  apply: (_target, thisArg, args: unknown[]) => Reflect.apply(zx$(), thisArg, args),
  get: (_target, key) => Reflect.get(zx$(), key),
  set: (_target, key, value) => Reflect.set(zx$(), key, value),
});

/**
 * `$({ quiet: true, nothrow: true })` for the kit's own commands, whose
 * output and status the caller reads. Made on each call: a module-level
 * `$(...)` would load zx when the module is imported.
 */
export const quiet$: Dollar = new Proxy(function quiet() {} as unknown as Dollar, {
  apply: (_target, thisArg, args: unknown[]) => Reflect.apply(zx$()({ quiet: true, nothrow: true }), thisArg, args),
});

/** Run zx commands that the caller records itself, in its own words (the `ip -batch` lines). */
export function untraced<T>(fn: () => T): T {
  muted++;
  try {
    return fn();
  } finally {
    muted--;
  }
}

export interface RunResult {
  /** exit code, or null if the tool could not be started or was killed */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `cmd args...` without a shell; never throws. `stdin`: an fd to give the tool as its fd 0. */
export interface ToolRunOptions {
  /** an fd to give the tool as its fd 0 */
  stdin?: number;
  /** text to write to the tool's fd 0 (a pipe), instead of `stdin` */
  input?: string;
  /** false: the caller puts the command into the run's trace itself, in its own words (`ip -batch` lines) */
  trace?: boolean;
}

export function run(cmd: string, args: string[], opts: ToolRunOptions = {}): Promise<RunResult> {
  const traced = opts.trace === false ? undefined : traceCommand([cmd, ...args].join(' '));
  return new Promise<RunResult>((resolve) => {
    const p = spawn(cmd, args, { stdio: [opts.input !== undefined ? 'pipe' : (opts.stdin ?? 'ignore'), 'pipe', 'pipe'] });
    if (opts.input !== undefined) {
      p.stdin?.on('error', () => undefined); // the tool may exit before reading it all (EPIPE); its status says why
      p.stdin?.end(opts.input);
    }
    let stdout = '';
    let stderr = '';
    p.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', (err) => resolve({ code: null, stdout, stderr: err.message }));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  }).then((r) => {
    traced?.(r.code);
    return r;
  });
}
