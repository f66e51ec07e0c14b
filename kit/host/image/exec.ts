// Running a host tool on the hot path of every container start (losetup,
// flock), without a shell. zx runs each command through bash, which costs a
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

/** Run `cmd args...`; never throws. `stdin`: an fd to give the tool as its fd 0. */
export function exec(cmd: string, args: string[], opts: { stdin?: number } = {}): Promise<ExecResult> {
  const traced = traceCommand([cmd, ...args].join(' '));
  return new Promise<ExecResult>((resolve) => {
    const p = spawn(cmd, args, { stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'] });
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
