// `npm run exec` and `npm run ps` on real containers: ps lists a running
// container (and only once its command runs); exec's process is, seen from
// the host, in the container's PID, net and mount namespaces and its cgroups;
// into a step-6 container it is the container's root (the base uid outside).

import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostCgroupsOf } from '../../kit/host/cgroup/index.ts';
import { eventually } from '../../kit/host/namespaces.ts';
import { ids, procStatus } from '../../kit/host/proc-status.ts';
import { runningContainers } from '../../kit/host/containers.ts';
import { startExec } from '../../kit/tools/exec.ts';
import { startContainer, type RunningContainer } from '../../kit/host/run.ts';
import type { RunOptions } from '../../kit/core/types.ts';
import { runsDir, solutionsDir } from '../../kit/core/paths.ts';
import { namespaceId } from '../../kit/host/proc.ts';
import { loadStepsUpTo } from '../../kit/core/steps.ts';

const childrenOf = (pid: number): number[] => {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

async function withContainer(step: number, options: Partial<RunOptions>, fn: (c: RunningContainer) => Promise<void>): Promise<void> {
  const steps = await loadStepsUpTo(solutionsDir, step);
  const devnull = fs.openSync('/dev/null', 'r+');
  const c = await startContainer({
    steps,
    options: { argv: ['sleep', '120'], solution: true, stepsDir: solutionsDir, ...options },
    stdio: [devnull, devnull, devnull],
  });
  fs.closeSync(devnull);
  try {
    await fn(c);
  } finally {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      // gone
    }
    await c.exited;
    await c.teardown();
  }
}

describe('exec and ps', () => {
  it('joins a step-4 container: its pid, net and mount namespaces and its cgroups', async () => {
    await withContainer(4, {}, async (c) => {
      const run = runningContainers(runsDir()).find((r) => r.runId === c.ctx.runId);
      expect(run?.container.pid).toBe(c.pid);
      expect(run?.container.step).toBe(4);
      for (const ns of ['pid', 'net', 'mnt', 'uts', 'ipc'] as const) expect(run?.namespaces[ns]).toBe(namespaceId(c.pid, ns));
      expect(run?.namespaces.user).toBeUndefined();

      const p = await startExec(run!, { argv: ['sleep', '60'] });
      try {
        // the command is the kit's child's only child (nsenter --fork)
        const ok = await eventually(() => childrenOf(p.pid).length === 1, 5000);
        expect(ok).toBe(true);
        const inner = childrenOf(p.pid)[0];
        for (const ns of ['pid', 'net', 'mnt', 'uts', 'ipc'] as const) expect(namespaceId(inner, ns), ns).toBe(namespaceId(c.pid, ns));
        expect(namespaceId(inner, 'pid')).not.toBe(namespaceId('self', 'pid'));
        const want = hostCgroupsOf(c.pid)!;
        const seen = hostCgroupsOf(inner)!;
        expect(seen.paths).toEqual(want.paths);
        expect(want.paths.memory).toMatch(new RegExp(`cw-${c.ctx.runId}`));
        // its root is the container's: the rootfs, not the host's /
        expect(fs.readlinkSync(`/proc/${inner}/root`)).toBe('/');
        expect(fs.existsSync(`/proc/${inner}/root/linuxrc`)).toBe(true);
      } finally {
        process.kill(p.pid, 'SIGKILL');
        await p.exited;
      }
    });
    expect(runningContainers(runsDir()).length).toBe(0);
  });

  it('joins a step-6 container as its root: the base uid outside, user namespace last', async () => {
    const base = 100000 + 7 * 65536;
    await withContainer(6, { uidBase: base }, async (c) => {
      const run = runningContainers(runsDir()).find((r) => r.runId === c.ctx.runId)!;
      expect(run.namespaces.user).toBe(namespaceId(c.pid, 'user'));
      const p = await startExec(run, { argv: ['sleep', '60'] });
      try {
        await eventually(() => childrenOf(p.pid).length === 1, 5000);
        const inner = childrenOf(p.pid)[0];
        expect(namespaceId(inner, 'user')).toBe(namespaceId(c.pid, 'user'));
        expect(namespaceId(inner, 'mnt')).toBe(namespaceId(c.pid, 'mnt'));
        expect(ids(procStatus(inner).Uid)).toEqual([base, base, base, base]);
        expect(procStatus(inner).Groups ?? '').toBe('');
      } finally {
        process.kill(p.pid, 'SIGKILL');
        await p.exited;
      }
    });
  });

  it("keeps a step-7 container's limits: capability sets and no_new_privs", async () => {
    await withContainer(7, {}, async (c) => {
      const run = runningContainers(runsDir()).find((r) => r.runId === c.ctx.runId)!;
      const p = await startExec(run, { argv: ['sleep', '60'] });
      try {
        await eventually(() => childrenOf(p.pid).length === 1, 5000);
        const inner = procStatus(childrenOf(p.pid)[0]);
        const outer = procStatus(c.pid);
        for (const f of ['CapBnd', 'CapEff', 'CapPrm', 'CapInh', 'CapAmb', 'NoNewPrivs']) expect(inner[f], f).toBe(outer[f]);
        expect(outer.CapBnd).not.toMatch(/^0*1ffffffffff$/);
      } finally {
        process.kill(p.pid, 'SIGKILL');
        await p.exited;
      }
    });
  });
});
