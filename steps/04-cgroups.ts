// Step 4: cgroups: limit and account for the container's resources.
//
// Namespaces decide what a container can *see*; cgroups decide how much it
// can *use*. Each run gets a cgroup of its own with a memory limit, a CPU
// quota and a pids limit; the container's first process joins it while it
// still waits on its sync pipe, so everything it ever runs is inside; at the
// end you read what the container used, empty the cgroup and remove it.
// A cgroup is a directory in the cgroup filesystem, and all of this is
// mkdir, writing files, reading files and rmdir. The machine may have cgroup
// v2, v1 or both (hybrid): the kit tells you where the hierarchies are
// mounted and which version's files they have; the same code must work on all.
// The theory: site/theory/cgroups.md; the task: site/steps/04-cgroups.md.

import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  cancelPause,
  CGROUP_OPTIONS,
  cgroupHierarchies,
  cgroupOptions,
  cpuQuota,
  forbidSwap,
  limitHomeIo,
  need,
  pauseLater,
  reportUsage,
  todo,
  weightToShares,
  type CgroupController,
  type CgroupFacts,
  type CgroupOptions,
  type CgroupUsage,
  type RunCgroup,
  type RunContext,
  type StepDefinition,
} from '../kit/student.ts';

/** The number after `key` in a file of "key value" lines (cpu.stat, memory.events, memory.oom_control). */
function keyed(file: string, key: string): number | undefined {
  const line = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

/** A file holding one number, or undefined when this kernel does not have it. */
function number(file: string): number | undefined {
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : undefined;
}

const step: StepDefinition = {
  id: 4,
  name: 'cgroups',
  title: 'cgroups: memory, CPU and pids limits, and accounting',
  page: '/steps/04-cgroups',
  // --memory, --cpus, --pids and the extras: read by cgroupOptions and the extras, declared next to them
  options: CGROUP_OPTIONS,

  async prepare(ctx) {
    // --memory 256M --cpus 0.5 --pids 64 (the defaults), checked and in bytes,
    // CPUs and processes; the CFS quota of cpuFraction CPUs per 100 ms period
    const options = cgroupOptions(ctx.options);
    const { memoryBytes, cpuFraction, pids } = options;
    const { quotaUs, periodUs } = cpuQuota(cpuFraction);
    // version 'v2' or 'v1' (hybrid machines too); parents: per controller,
    // the kit's folder in the hierarchy that controller is mounted in
    const { version, parents } = cgroupHierarchies();

    todo("cgroup", "Make this run's cgroup: a directory named after the run (ctx.runId) in the folder parents[controller] of each controller of parents (the same folder for all on v2, several on v1), recorded in ctx.ledger before any is made. Keep the version, each controller's directory, the directories and the ledger entry in ctx.facts.cgroup.");

    todo("limits", "Write the memory limit (memoryBytes), the CPU quota (quotaUs per periodUs) and the pids limit (pids) into the control files of this machine's version, each in its controller's directory.");

    // Past its limit a process would otherwise be swapped out, not stopped.
    forbidSwap(need(ctx, 'cgroup'));
    extras(ctx, need(ctx, 'cgroup'), options);
  },

  async setup(ctx, child) {
    // The child is paused: it has not run a single instruction of its command.
    const cg = need(ctx, 'cgroup');
    todo("join", "Move the child (child.pid, a host pid) into the cgroup now, in every hierarchy: one directory on v2, several on v1.");

    // Extra: --pause-after N freezes the whole container N seconds in (the freezer).
    pauseLater(ctx, cg);
  },

  async teardown(ctx) {
    // The container's first process has exited; others may still be inside.
    cancelPause(ctx);
    const cg = ctx.facts.cgroup;
    if (!cg) return;
    const { version, dirs } = cg;
    todo("account", "Before the cgroup goes, read from its files what the container used: CPU time in microseconds, peak memory in bytes (undefined where the kernel does not keep it), and how many processes the OOM killer killed. Keep it in ctx.facts.usage, a CgroupUsage.");
    // one line on the terminal: "the container used: CPU time ..., peak memory ..., N OOM kills"
    reportUsage(ctx, ctx.facts.usage);

    todo("remove", "Kill whatever is still inside and wait until the cgroup is empty, then remove every directory of it, and take it off the ledger.");
  },
};

/**
 * Extras, not checked (see the page): --cpu-weight N, the container's share
 * of a CPU under contention (v2 cpu.weight, 1..10000, default 100; v1
 * cpu.shares, default 1024); --io-bps RATE, a limit on the /home loop device.
 */
function extras(ctx: RunContext, cg: CgroupFacts, { cpuWeight, ioBps }: CgroupOptions): void {
  if (cpuWeight !== undefined) {
    if (cg.version === 'v2') fs.writeFileSync(path.join(cg.dirs.cpu!, 'cpu.weight'), String(cpuWeight));
    else fs.writeFileSync(path.join(cg.dirs.cpu!, 'cpu.shares'), String(weightToShares(cpuWeight)));
  }
  if (ioBps !== undefined) limitHomeIo(ctx, cg, ioBps);
}

export default step;
