// Running a command inside cg2vm (../shared/tools/cg2vm): a throwaway qemu VM
// with a pure cgroup v2 hierarchy, the host's root read-only, --rw DIR for
// results. Used to test the cgroup v2 code for real on a v1/hybrid host.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../kit/paths.ts';

export const CG2VM = process.env.CG2VM ?? path.resolve(projectRoot, '../shared/tools/cg2vm');

export const hasCg2vm = (): boolean => fs.existsSync(CG2VM) && process.getuid?.() === 0;

export interface VmResult {
  code: number | null;
  output: string;
  /** software emulation (TCG) because KVM was unusable */
  tcg: boolean;
  ms: number;
}

export interface VmRun {
  argv: string[];
  /** directories the VM writes back to the host */
  rw?: string[];
  /** cg2vm's own timeout (seconds) */
  timeoutSec: number;
  env?: Record<string, string>;
}

/**
 * Run argv in the VM. Where /dev/kvm exists but QEMU cannot use it (nested
 * virtualisation refusing an MSR: qemu aborts and cg2vm exits 125 before the
 * command ran), run again under TCG with /dev/kvm hidden: a private mount
 * namespace with a read-only file over it, so cg2vm's `[ -w /dev/kvm ]` fails.
 */
export async function runInVm(r: VmRun): Promise<VmResult> {
  const args = ['--timeout', String(r.timeoutSec), ...(r.rw ?? []).flatMap((d) => ['--rw', d]), ...Object.entries(r.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]), '--', ...r.argv];
  const first = await run(CG2VM, args);
  if (!(first.code === 125 && /without running the command/.test(first.output) && fs.existsSync('/dev/kvm'))) return { ...first, tcg: false };
  const blank = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cw-nokvm-')), 'kvm');
  fs.writeFileSync(blank, '');
  try {
    const hide = 'mount --make-rprivate / && mount --bind "$0" /dev/kvm && mount -o remount,bind,ro /dev/kvm && exec "$@"';
    return { ...(await run('unshare', ['-m', 'sh', '-c', hide, blank, CG2VM, ...args])), tcg: true };
  } finally {
    fs.rmSync(path.dirname(blank), { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[]): Promise<Omit<VmResult, 'tcg'>> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    c.stdout.on('data', (d: Buffer) => (output += d.toString()));
    c.stderr.on('data', (d: Buffer) => (output += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, output, ms: Math.round(performance.now() - started) }));
  });
}
