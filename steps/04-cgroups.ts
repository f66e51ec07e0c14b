// Step 4: cgroups: limit and account for the container's resources.
//
// Namespaces decide what a container can *see*; cgroups decide how much it
// can *use*. Each run gets a cgroup of its own with a memory limit, a CPU
// quota and a pids limit; the container's first process joins it while it
// still waits on its sync pipe, so everything it ever runs is inside; at the
// end the kit reports what the container used, empties the cgroup and
// removes it. The machine may have cgroup v2, v1 or both (hybrid): the kit's
// driver finds the hierarchies, and you write the files of the right version.
// The theory: site/theory/cgroups.md; the task: site/steps/04-cgroups.md.

import fs from 'node:fs';
import path from 'node:path';
import { cancelPause, cgroupOptions, cpuQuota, createCgroup, limitHomeIo, pauseLater, reportUsage, weightToShares, type Cgroup, type CgroupOptions } from '../kit/cgroup/index.ts';
import { todo } from '../kit/todo.ts';
import type { RunContext, StepDefinition } from '../kit/types.ts';

const step: StepDefinition = {
  id: 4,
  name: 'cgroups',
  title: 'cgroups: memory, CPU and pids limits, and accounting',
  page: '/steps/04-cgroups',

  async prepare(ctx) {
    // --memory 256M --cpus 0.5 --pids 64 (the defaults), checked and in bytes,
    // CPUs and processes; the CFS quota of cpuFraction CPUs per 100 ms period
    const options = cgroupOptions(ctx.options);
    const { memoryBytes, cpuFraction, pids } = options;
    const { quotaUs, periodUs } = cpuQuota(cpuFraction);

    todo("cgroup", "Create this run's cgroup with createCgroup(ctx.ledger, name), with a name that carries the run id (ctx.runId) so that two containers never share one, and keep it in ctx.facts.cgroup.");
    const cg = ctx.facts.cgroup as Cgroup;

    // cg.driver is 'v2' on a unified machine, 'v1' on v1 and hybrid ones.
    todo("limits", "Set the memory limit (memoryBytes), the CPU quota (quotaUs per periodUs) and the pids limit (pids) with cg.write(controller, file, value), in the files of this machine's cgroup version.");

    // Past its limit a process would otherwise be swapped out, not stopped.
    cg.forbidSwap();
    extras(ctx, cg, options);
  },

  async setup(ctx, child) {
    // The child is paused: it has not run a single instruction of its command.
    const cg = ctx.facts.cgroup as Cgroup;
    todo("join", "Move the child into the cgroup now: write its pid (child.pid, a host pid) to the cgroup.procs file of every directory in cg.paths (one per hierarchy on v1, a single one on v2).");

    // Extra: --pause-after N freezes the whole container N seconds in (the freezer).
    pauseLater(ctx, cg);
  },

  async teardown(ctx) {
    // The container's first process has exited; others may still be inside.
    cancelPause(ctx);
    const cg = ctx.facts.cgroup as Cgroup | undefined;
    if (!cg) return;
    todo("account", "Before the cgroup goes, read what the container used (cg.usage(): CPU time, peak memory, OOM kills), keep it in ctx.facts.usage and report it with reportUsage(ctx, usage).");

    todo("remove", "Kill whatever is still in the cgroup and wait until it is empty (cg.killAll()), then remove it from every hierarchy (cg.remove()).");
  },
};

/**
 * Extras, not checked (see the page): --cpu-weight N, the container's share
 * of a CPU under contention (v2 cpu.weight, 1..10000, default 100; v1
 * cpu.shares, default 1024); --io-bps RATE, a limit on the /home loop device.
 */
function extras(ctx: RunContext, cg: Cgroup, { cpuWeight, ioBps }: CgroupOptions): void {
  if (cpuWeight !== undefined) {
    if (cg.driver === 'v2') cg.write('cpu', 'cpu.weight', String(cpuWeight));
    else cg.write('cpu', 'cpu.shares', String(weightToShares(cpuWeight)));
  }
  if (ioBps !== undefined) limitHomeIo(ctx, cg, ioBps);
}

export default step;
