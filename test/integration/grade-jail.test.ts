// The grading jail on this machine's real cgroups: one submission's many busy
// processes must not take the CPU from a neighbour's few. Both jails' loops are
// pinned to one CPU; with a cpu group per jail each jail gets about half of
// it, without one the lone loop gets about 1/(N+1).

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectLayout } from '../../kit/host/cgroup/detect.ts';
import { cgroupJailFactory, type Jail } from '../../kit/tools/grade/jail.ts';
import { Ledger } from '../../kit/core/ledger.ts';
import { cpuSecondsOf } from '../../kit/host/proc.ts';

const hasV1Cpu = (() => {
  try {
    return process.getuid?.() === 0 && detectLayout().v1.cpu !== undefined;
  } catch {
    return false;
  }
})();

const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-grade-jail-'));
const ledger = new Ledger(runs, `jail-test-${process.pid}`);
const jails: Jail[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const j of jails) await j.remove();
  fs.rmSync(runs, { recursive: true, force: true });
});

/** `loops` busy loops pinned to CPU 0, started once the shell has joined `jail`. */
function busyIn(jail: Jail, loops: number): ChildProcess {
  const body = Array.from({ length: loops }, () => 'taskset -c 0 sh -c "while :; do :; done" &').join(' ');
  const c = spawn('sh', ['-c', `read go; ${body} wait`], { stdio: ['pipe', 'ignore', 'ignore'] });
  children.push(c);
  for (const f of jail.procsFiles) fs.writeFileSync(f, String(c.pid));
  c.stdin?.write('go\n');
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!hasV1Cpu)('grading jails (cgroup v1 cpu hierarchy)', () => {
  it('share a contended CPU evenly: 1 busy loop next to a jail with 8 gets about half, not 1/9', async () => {
    const make = cgroupJailFactory(ledger);
    const bomb = await make(`cw-grade-jailtest-a-${process.pid}`, { memoryBytes: 256 * 2 ** 20, pids: 64 });
    const lone = await make(`cw-grade-jailtest-b-${process.pid}`, { memoryBytes: 256 * 2 ** 20, pids: 64 });
    jails.push(bomb, lone);
    expect(bomb.procsFiles.some((f) => f.includes('/cpu'))).toBe(true);
    busyIn(bomb, 8);
    busyIn(lone, 1);
    await sleep(500);
    const before = cpuSecondsOf(lone.pids());
    const t0 = performance.now();
    await sleep(2500);
    const after = cpuSecondsOf(lone.pids());
    const wall = (performance.now() - t0) / 1000;
    let used = 0;
    for (const [pid, sec] of after) used += sec - (before.get(pid) ?? sec);
    const share = used / wall;
    // even: 0.5 of CPU 0; per task (no cpu group): 1/9 = 0.11
    expect(share).toBeGreaterThan(0.3);
  });
});
