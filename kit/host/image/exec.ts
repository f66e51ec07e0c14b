// Running a host tool on the hot path of every container start (losetup,
// flock, step 3's `ip -batch`), without a shell. zx runs each command through bash, which costs a
// few milliseconds at rest and tens on a loaded machine; that is fine for
// the one-off commands (mkfs.ext4, fallocate, e2fsck), not for the two or
// three that every run makes. Arguments go to execve as they are: no quoting.

import { spawn } from 'node:child_process';
import { traceCommand } from '../../core/tracer.ts';

export interface ExecResult {
  /** exit code, or null if the tool could not be started or was killed */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** an fd to give the tool as its fd 0 */
  stdin?: number;
  /** text to write to the tool's fd 0 (a pipe), instead of `stdin` */
  input?: string;
  /** false: the caller puts the command into the run's trace itself, in its own words (`ip -batch` lines) */
  trace?: boolean;
}

/** Run `cmd args...`; never throws. */
export function exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const traced = opts.trace === false ? undefined : traceCommand([cmd, ...args].join(' '));
  return new Promise<ExecResult>((resolve) => {
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
