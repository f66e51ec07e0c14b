// Check of step 4: from the host, are the container's processes in a cgroup
// of its own from their first instruction on, and do its random memory, CPU
// and pids limits hold (enforcement, not file contents)? Is the usage
// reported at exit, and is the cgroup gone afterwards, removed by the step?

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type AssertionSpec,
  type CgroupUsage,
  cpuSecondsOf,
  defineCheck,
  detectLayout,
  eventually,
  hostCgroupsOf,
  KIT_PARENT,
  type Ledger,
  limitsIn,
  namespaceId,
  NotDoneError,
  oomKillsIn,
  parseProcCgroup,
  pidsInNamespace,
  processStartTime,
  reclaimedByLedger,
  reclaimers,
} from '../kit/check.ts';

const page = '/steps/04-cgroups';

export const assertions: AssertionSpec[] = [
  {
    id: 'setup',
    name: 'the cgroup is created and its limits written without error',
    points: 1,
    page: `${page}#common-errors`,
    hint: "The error above names the file and what the kernel said; on this machine's version the files are named differently (see the table).",
  },
  {
    id: 'member',
    name: "every process of the container is in the run's own cgroup (memory, cpu, pids), read from /proc/PID/cgroup",
    points: 2,
    page: `${page}#joining-the-cgroup`,
    hint: "In setup, write child.pid to cgroup.procs in every directory of the run's cgroup: on v1 each controller has its own hierarchy, so there are several.",
  },
  {
    id: 'member-at-start',
    name: "the container's first command already runs inside the cgroup",
    points: 2,
    page: `${page}#joining-the-cgroup`,
    hint: 'Join while the child waits on its sync pipe (the setup hook, awaited), not after it runs: whatever it forks before joining stays outside.',
  },
  {
    id: 'memory-oom',
    name: "a process allocating past the memory limit is OOM-killed, and the cgroup's OOM counter says so",
    points: 2,
    page: `${page}#memory`,
    hint: 'Write the --memory value in bytes to memory.max (v2) or memory.limit_in_bytes (v1).',
  },
  {
    id: 'memory-under',
    name: 'a process that stays under the memory limit runs to the end',
    points: 1,
    page: `${page}#memory`,
    hint: 'Use the --memory value itself (in bytes), not a fixed or smaller number.',
  },
  {
    id: 'cpu',
    name: 'a busy loop inside gets about its CPU quota, not a whole CPU',
    points: 2,
    page: `${page}#cpu`,
    hint: 'v2: cpu.max is "QUOTA PERIOD"; v1: cpu.cfs_period_us, then cpu.cfs_quota_us. Both in microseconds: --cpus 0.5 is 50000 per 100000.',
  },
  {
    id: 'pids',
    name: 'forking past the pids limit fails inside',
    points: 2,
    page: `${page}#pids`,
    hint: 'Write the --pids value to pids.max (the same name on v1 and v2).',
  },
  {
    id: 'pids-host',
    name: 'the host can still start processes while the container is at its limit',
    points: 1,
    page: `${page}#pids`,
    hint: "Limit the container's own cgroup, never a shared one or a system-wide setting.",
  },
  {
    id: 'usage',
    name: 'the resource usage (CPU time, peak memory, OOM kills) is read at exit into ctx.facts.usage',
    points: 1,
    page: `${page}#accounting`,
    hint: 'In teardown, before removing the cgroup, read the usage files (v2: cpu.stat, memory.peak, memory.events; v1: cpuacct.usage, memory.max_usage_in_bytes, memory.oom_control) into ctx.facts.usage.',
  },
  {
    id: 'removed',
    name: 'after exit the cgroup is gone from every hierarchy, removed by the step',
    points: 2,
    page: `${page}#removing-it`,
    hint: 'In teardown: empty the cgroup (v2 cgroup.kill; v1 SIGKILL each pid of cgroup.procs until it is empty), rmdir every directory, then forget the ledger entry. If the kit cleaned up after you, it does not count.',
  },
  {
    id: 'no-leftovers',
    name: 'no process of the container is left after exit',
    points: 1,
    page: `${page}#removing-it`,
    hint: 'Kill everything in the cgroup and wait until cgroup.procs is empty before rmdir.',
  },
];

/**
 * The probe, busybox sh as PID 1 of the container. It prints its cgroup
 * before forking anything, keeps one child, then runs three phases; it moves
 * on from the CPU and pids phases when the check sends SIGUSR1 (PID 1 of a
 * namespace gets signals from the host only for the ones it handles: trap).
 * In the pids phase the probe's own loop uses builtins only: no fork is left.
 */
function probeScript(overMiB: number, underMiB: number): string {
  return [
    'c=; while read -r l; do c="$c$l;"; done < /proc/self/cgroup; echo "cgroup0=$c"',
    'sleep 600 & echo "child=$!"',
    "trap 'next=1' USR1",
    'echo phase=memory',
    `dd if=/dev/zero of=/dev/null bs=${overMiB}M count=1 2>/dev/null; echo "big=$?"`,
    `dd if=/dev/zero of=/dev/null bs=${underMiB}M count=1 2>/dev/null; echo "small=$?"`,
    "sh -c 'while :; do :; done' & busy=$!",
    'echo phase=cpu',
    'next=; while [ -z "$next" ]; do sleep 0.05; done',
    'kill $busy; wait $busy',
    'sh -c \'n=0; while [ $n -lt 100 ]; do sleep 61 & echo $! >> /tmp/forked; n=$((n+1)); echo "forked=$n"; done\' 2>/dev/null',
    'echo "forkloop=$?"',
    'echo phase=pids',
    'next=; while [ -z "$next" ]; do :; done',
    'while read -r p; do kill $p; done < /tmp/forked',
    'echo phase=done',
    'exec sleep 600',
  ].join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function prioritise(pid: number): void {
  try {
    os.setPriority(pid, -19);
  } catch {
    // gone
  }
}

/**
 * cpu.weight / cpu.shares at their maximum for the container's cgroup and
 * the kit's parent above it (the parent competes with the rest of the
 * machine as one group). Returns a function that undoes it.
 */
function topWeight(dir: string, v2: boolean): () => void {
  const file = v2 ? 'cpu.weight' : 'cpu.shares';
  const saved: [string, string][] = [];
  const parent = path.dirname(dir);
  for (const d of [dir, ...(path.basename(parent) === KIT_PARENT ? [parent] : [])]) {
    const f = path.join(d, file);
    try {
      // the parent goes back to the default (another check may be raising it too), the run's own cgroup to its value
      saved.push([f, d === parent ? (v2 ? '100' : '1024') : fs.readFileSync(f, 'utf8').trim()]);
      fs.writeFileSync(f, v2 ? '10000' : '262144');
    } catch {
      // no cpu controller there: the CPU assertion will show it
    }
  }
  return () => {
    for (const [f, v] of saved.splice(0).reverse()) {
      try {
        fs.writeFileSync(f, v);
      } catch {
        // removed meanwhile
      }
    }
  };
}

/** An unlimited busy loop on the host, recorded in the check's ledger. */
function startBaseline(ledger: Ledger): { pid: number; stop: () => void } {
  // detached: a session of its own, hence (with sched_autogroup) a scheduling group of its own
  const c = spawn('/bin/sh', ['-c', 'while :; do :; done'], { stdio: 'ignore', detached: true });
  const pid = c.pid ?? -1;
  const id = ledger.record({ kind: 'process', pid, startTime: processStartTime(pid) });
  try {
    fs.writeFileSync(`/proc/${pid}/autogroup`, '-19');
  } catch {
    // no autogroups on this kernel
  }
  return {
    pid,
    stop: () => {
      c.kill('SIGKILL');
      ledger.forget(id);
    },
  };
}

const CONTROLLERS = ['memory', 'cpu', 'pids'];

export default defineCheck({
  step: 4,
  title: 'cgroups: memory, CPU and pids limits, and accounting',
  page,
  assertions,
  async run(t) {
    const layout = detectLayout();
    // the check's own host processes, in the check's ledger: reclaimed even if it is killed
    const ledger = t.ledger;
    const memMiB = t.random.int(40, 80);
    const cpus = [0.2, 0.25, 0.3, 0.35, 0.4][t.random.int(0, 4)];
    const pidsMax = t.random.int(10, 20);
    const overMiB = memMiB + 48;
    const underMiB = Math.floor(memMiB / 4);
    const own = parseProcCgroup(fs.readFileSync('/proc/self/cgroup', 'utf8'));

    const startedAt = performance.now();
    const probe = await t
      .start({
        argv: ['sh', '-c', probeScript(overMiB, underMiB)],
        options: { memory: memMiB * 2 ** 20, cpus, pids: pidsMax, homeImage: path.join(t.tmp, 'home.img'), quiet: true },
      })
      .catch((err: unknown) => {
        if (!(err instanceof NotDoneError))
          t.expect('setup', false, { expected: 'the container starts', seen: err instanceof Error ? err.message : String(err) });
        throw err;
      });
    t.expect('setup', true);
    const runId = probe.ctx.runId;
    const pidNs = namespaceId(probe.pid, 'pid');
    const containerPids = () => (pidNs && pidNs !== namespaceId('self', 'pid') ? pidsInNamespace('pid', pidNs) : [probe.pid]);

    // -- membership: every process, and the first command from its start
    await probe.waitFor(/^phase=memory$/m);
    const view = hostCgroupsOf(probe.pid, layout);
    // does this kernel keep a peak (v1 always; v2 from Linux 5.19)?
    const peakFile = view?.dirs.memory
      ? path.join(view.dirs.memory, layout.kind === 'v2' ? 'memory.peak' : 'memory.max_usage_in_bytes')
      : undefined;
    const tracksPeak = peakFile !== undefined && fs.existsSync(peakFile);
    /** a cgroup of this run: not the check's own, named after the run id */
    const isRunCgroup = (c: string, p: string | undefined) =>
      p !== undefined && p !== (layout.kind === 'v2' ? own.unified : own.v1[c]) && p.includes(runId);
    const wrong: string[] = [];
    for (const pid of containerPids()) {
      const v = hostCgroupsOf(pid, layout);
      for (const c of CONTROLLERS) {
        const p = v?.paths[c];
        if (!isRunCgroup(c, p) || p !== view?.paths[c]) wrong.push(`pid ${pid} ${c}:${p ?? '?'}`);
      }
    }
    t.expect('member', wrong.length === 0, {
      expected: `every process in a cgroup named after run ${runId} (memory, cpu, pids)`,
      seen: wrong.length ? wrong.join(', ') : CONTROLLERS.map((c) => `${c}:${view?.paths[c]}`).join(' '),
    });
    const first = hostCgroupsOf(0, layout, parseProcCgroup((probe.values().cgroup0 ?? '').replaceAll(';', '\n')));
    const late = CONTROLLERS.filter((c) => !isRunCgroup(c, first?.paths[c]) || first?.paths[c] !== view?.paths[c]);
    t.expect('member-at-start', view !== undefined && late.length === 0, {
      expected: `its first /proc/self/cgroup already shows the run's cgroup (named after run ${runId})`,
      seen: late.length ? `at first: ${late.map((c) => `${c}:${first?.paths[c] ?? '?'}`).join(' ')}` : 'in it from the start',
    });

    // -- memory: past the limit OOM-killed and counted; under it, fine
    await probe.waitFor(/^phase=cpu$/m, 30_000);
    const seen = probe.values();
    const ooms = view ? oomKillsIn(view) : undefined;
    const limits = view ? limitsIn(view) : 'not in a cgroup';
    t.expect('memory-oom', seen.big === '137' && (ooms ?? 0) >= 1, {
      expected: `dd with a ${overMiB} MiB buffer under a ${memMiB} MiB limit killed (exit 137), oom_kill >= 1`,
      seen: `dd exit ${seen.big}, oom_kill ${ooms ?? '?'} (${limits})`,
    });
    t.expect('memory-under', seen.small === '0', { expected: `dd with a ${underMiB} MiB buffer exits 0`, seen: `exit ${seen.small}` });

    // -- CPU: CPU time of the container's processes over a wall interval,
    // next to an unlimited busy loop on the host: on a busy machine even an
    // unlimited loop may get little, and then a missing quota would not show.
    // Both get top priority, so that the machine's other work cannot starve
    // them: the quota is a ceiling that no priority lifts. (With group
    // scheduling the container's cgroup competes as one entity: give it the
    // top weight too, if it is the run's own.)
    const bound = cpus * 1.25 + 0.05;
    const baseline = startBaseline(ledger);
    for (const pid of [...containerPids(), baseline.pid]) prioritise(pid);
    const restoreWeights =
      view?.dirs.cpu && isRunCgroup('cpu', view.paths.cpu) ? topWeight(view.dirs.cpu, layout.kind === 'v2') : () => undefined;
    t.defer(restoreWeights);
    let cpu = { share: 0, base: 0, wall: 0, used: 0 };
    await sleep(300);
    for (let window = 0; window < 6; window++) {
      const pids = [...containerPids()];
      const before = cpuSecondsOf([...pids, baseline.pid]);
      const t0 = performance.now();
      await sleep(1200);
      const after = cpuSecondsOf([...containerPids(), baseline.pid]);
      const wall = (performance.now() - t0) / 1000;
      let used = 0;
      for (const [pid, sec] of after) if (pid !== baseline.pid) used += sec - (before.get(pid) ?? sec);
      const base = ((after.get(baseline.pid) ?? 0) - (before.get(baseline.pid) ?? 0)) / wall;
      if (window === 0 || base > cpu.base) cpu = { share: used / wall, base, wall, used };
      if (base >= bound + 0.15) break; // conclusive: an unlimited loop got clearly more
    }
    baseline.stop();
    restoreWeights();
    const conclusive = cpu.base >= bound + 0.15;
    // the quota is a ceiling: a busy machine may give the loop less, never (much) more
    t.expect('cpu', conclusive && cpu.share <= bound && cpu.share >= cpus * 0.3, {
      expected: `about ${cpus} of a CPU (at most ${bound.toFixed(2)}), while an unlimited loop on the host gets more`,
      seen: conclusive
        ? `${cpu.share.toFixed(2)} of a CPU over ${cpu.wall.toFixed(1)} s, an unlimited host loop ${cpu.base.toFixed(2)} (${limits})`
        : `the machine is too busy to tell: an unlimited loop on the host got only ${cpu.base.toFixed(2)} of a CPU, the container ${cpu.share.toFixed(2)}; run the check again when it is quieter`,
      inconclusive: !conclusive,
    });
    const used = cpu.used;
    process.kill(probe.pid, 'SIGUSR1');

    // -- pids: the fork loop stops at the limit; the host does not
    await probe.waitFor(/^phase=pids$/m, 30_000);
    const pv = probe.values();
    const forked = Number(pv.forked ?? 0);
    const alive = containerPids().length;
    t.expect('pids', pv.forkloop !== '0' && forked < 100 && forked + 3 <= pidsMax && alive <= pidsMax, {
      expected: `fork fails once ${pidsMax} processes are alive inside`,
      seen: `${forked} more forked before ${pv.forkloop === '0' ? 'the loop ended' : 'fork failed'}, ${alive} alive inside`,
    });
    const host = spawnSync('/bin/true', { timeout: 5000 });
    t.expect('pids-host', host.status === 0, {
      expected: 'a host process starts and exits 0',
      seen: host.error ? host.error.message : `exit ${host.status}`,
    });
    process.kill(probe.pid, 'SIGUSR1');
    await probe.waitFor(/^phase=done$/m, 30_000);

    // -- after exit: usage read, cgroup removed by the step, nothing left
    const runPaths = probe.ctx.ledger.entries().flatMap((e) => (e.kind === 'cgroup' ? e.paths : []));
    const insideBefore = new Set(containerPids().map((p) => `${p}:${processStartTime(p)}`));
    await probe.stop();
    let teardownError = '';
    try {
      await probe.teardown();
    } catch (err) {
      teardownError = err instanceof Error ? err.message : String(err);
    }
    const usage = probe.ctx.facts.usage;
    // at most every CPU of the machine for the container's whole life: a CPU time in nanoseconds is 1000 times that
    const maxUsec = ((performance.now() - startedAt) / 1000) * os.availableParallelism() * 1e6;
    const peakOk = (p: number | undefined) =>
      tracksPeak ? p !== undefined && p >= underMiB * 2 ** 20 * 0.5 && p <= (memMiB + 8) * 2 ** 20 : true;
    t.expect(
      'usage',
      usage !== undefined &&
        usage.oomKills >= 1 &&
        usage.cpuUsec >= used * 0.8e6 &&
        usage.cpuUsec <= maxUsec &&
        peakOk(usage.memoryPeakBytes),
      {
        expected: `ctx.facts.usage with oomKills >= 1, ${Math.round(used * 0.8e6)} <= cpuUsec <= ${Math.round(maxUsec)}${tracksPeak ? `, memoryPeakBytes between ${underMiB / 2} MiB and ${memMiB + 8} MiB` : ''}`,
        seen: usage ? JSON.stringify(usage) : teardownError || 'nothing in ctx.facts.usage',
      },
    );
    const left = runPaths.filter((p) => fs.existsSync(p));
    const byKit = reclaimedByLedger(runPaths);
    // what the step left (and took off its ledger) is removed here: it counts against it
    if (left.length) await reclaimers.cgroup?.({ id: 0, kind: 'cgroup', paths: left });
    t.expect('removed', runPaths.length > 0 && left.length === 0 && byKit.length === 0, {
      expected: "every directory of the run's cgroup removed in the step's teardown",
      seen:
        runPaths.length === 0
          ? "no cgroup was recorded in the run's ledger"
          : left.length
            ? `still there: ${left.join(' ')}`
            : byKit.length
              ? `removed by the kit's cleanup, not the step: ${byKit.join(' ')}`
              : 'removed',
    });
    const stillAlive = () =>
      [...insideBefore].filter((k) => {
        const [pid, start] = k.split(':');
        return processStartTime(Number(pid)) === start;
      });
    const clean = await eventually(() => stillAlive().length === 0, 2000);
    t.expect('no-leftovers', clean, {
      expected: 'no process',
      seen: clean
        ? 'none'
        : `pids ${stillAlive()
            .map((k) => k.split(':')[0])
            .join(' ')}`,
    });
    if (teardownError) throw new Error(teardownError);
  },
});
