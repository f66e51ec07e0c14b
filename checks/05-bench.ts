// Check of step 5: a short benchmark of the student's container against the
// host (and LXC when installed), with randomised file sizes. From the host,
// while each sysbench runs: was it really inside the container (namespaces,
// cgroup), were its files on the loop-backed /home, did each command measure
// what it should, and do the student's readings match sysbench's report?

import path from 'node:path';
import { type AssertionSpec, defineCheck, listStepFiles, loadStepsUpTo, type RunOptions, stateDir } from '../kit/check.ts';
import {
  asBenchStep,
  availableEnvs,
  type BenchEnvironment,
  type BenchResults,
  type BenchRun,
  containerEnvironment,
  type FileSet,
  flagValue,
  formatRatio,
  hostEnvironment,
  lxcEnvironmentIfAvailable,
  measuredRuns,
  NAMESPACES,
  PROFILES,
  runBench,
  tabulate,
  type UnavailableEnvironment,
  variants as allVariants,
  WORKLOADS,
} from '../kit/check-bench.ts';

const page = '/steps/05-bench';

export const assertions: AssertionSpec[] = [
  {
    id: 'commands',
    name: 'each sysbench command measures what it should (test, mode, O_DIRECT, file set)',
    points: 3,
    page: `${page}#which-command-measures-what`,
    hint: 'cpu: `sysbench cpu`; fileio: `sysbench fileio` with --file-total-size and --file-num from `files`, --file-test-mode=mode and --file-extra-flags=direct only when direct; memory: `sysbench memory`; threads: `sysbench threads`.',
  },
  {
    id: 'all-results',
    name: 'every workload gave a number in every environment, every run well-formed',
    points: 2,
    page: `${page}#which-command-measures-what`,
    hint: 'A run failed: its sysbench error is shown. fileio needs its files: run it in the working directory where the kit prepared them (the cwd given to run).',
  },
  {
    id: 'in-container',
    name: "the container's runs were inside the container (pid, mount, net, UTS, IPC namespaces differ from the host's)",
    points: 3,
    page: `${page}#running-it-inside-the-container`,
    hint: "Run sysbench as the command of tools.container(...), not on the host: only then is it a process of the container's namespaces.",
  },
  {
    id: 'cgroup',
    name: "the container's runs were in the container's cgroup, not the host's",
    points: 1,
    page: `${page}#running-it-inside-the-container`,
    hint: "Step 4 puts the container's PID 1 in its own cgroup; sysbench must be that process (exec) or its child.",
  },
  {
    id: 'home',
    name: "the container's file I/O ran on /home, the loop-backed ext4 of step 2",
    points: 2,
    page: `${page}#where-the-files-go`,
    hint: "workDir() must be a folder under /home: the rest of the container's root is a folder of the host's own disk.",
  },
  {
    id: 'read',
    name: "your reading of each report matches sysbench's numbers",
    points: 2,
    page: `${page}#reading-the-numbers`,
    hint: 'cpu: "events per second"; fileio read: "read, MiB/s"; fileio write: "written, MiB/s"; memory: the MiB/sec of "MiB transferred"; threads: total number of events / total time.',
  },
  {
    id: 'plausible',
    name: 'the numbers are plausible (positive; reads only read, writes only write; O_DIRECT when asked)',
    points: 1,
    page: `${page}#reading-the-numbers`,
    hint: 'A read test that writes (or the reverse) means the wrong --file-test-mode; a missing "directio" means the O_DIRECT flag did not reach sysbench.',
  },
  {
    id: 'cpu-ratio',
    benchmark: true,
    name: "CPU speed in the container is the host's, within the noise (or its CPU limit)",
    points: 1,
    page: `${page}#what-to-expect`,
    hint: 'Namespaces cost nothing on a CPU-bound loop: a slower container means a CPU limit below one CPU, or sysbench did not run the same command in both.',
  },
];

export default defineCheck({
  step: 5,
  title: 'Benchmark: sysbench on the host, in our container and in LXC',
  page,
  assertions,
  // sysbench in three environments, several runs each: about 30 s, far more on a busy machine
  timeoutMs: 300_000,
  async run(t) {
    const steps = await loadStepsUpTo(t.stepsDir, 5);
    const bench = asBenchStep(steps.at(-1), 'step 5');
    // randomised: a hard-coded file set would not match
    // (whole MiB per file: O_DIRECT reads whole 16 KiB blocks, so each file must hold a whole number of them)
    const count = t.random.int(2, 5);
    const files: FileSet = { totalSize: `${count * t.random.int(2, 4)}M`, files: count };
    const options: RunOptions = { argv: [], solution: false, stepsDir: t.stepsDir, homeImage: path.join(t.tmp, 'home.img'), quiet: true };
    // what the environments make (the host's work folder, the LXC container) goes in the check's ledger
    const ctx = { ledger: t.ledger, stateDir: stateDir(), runId: t.ledger.runId };

    const container = containerEnvironment({ steps, bench, options, ledger: ctx.ledger, scratchDir: path.join(t.tmp, 'container-out') });
    const envs: BenchEnvironment[] = t.grading
      ? [container]
      : [hostEnvironment({ ledger: ctx.ledger, stateDir: ctx.stateDir, runId: ctx.runId }), container];
    const unavailable: UnavailableEnvironment[] = [];
    if (!t.grading) {
      const lxc = await lxcEnvironmentIfAvailable({ ledger: ctx.ledger, stateDir: ctx.stateDir, runId: ctx.runId });
      if ('run' in lxc) envs.push(lxc);
      else unavailable.push(lxc);
    }

    const r = await runBench({
      environments: envs,
      unavailable,
      optional: ['lxc'],
      profile: { ...(t.grading ? PROFILES.grade : PROFILES.check), files },
      commands: bench.sysbench,
      read: (w, out) => bench.read(w, out),
      ...(t.grading ? { only: GRADING_RUNS } : {}),
    });
    // Grading mode (what the grader needs, in seconds): every command the
    // student wrote is judged as written (all eleven), and one variant of each
    // kind runs once, in the container only; that run is the evidence that
    // the commands ran inside their container (namespaces, cgroup, /home) and
    // that their parser reads sysbench's report. The CPU ratio (a benchmark) is skipped.
    const judged = t.grading
      ? {
          ...r,
          variants: allVariants(r.profile.files, bench.sysbench).map((v) => ({
            id: v.id,
            workload: v.workload,
            label: v.label,
            measures: v.measures,
            metric: v.metric,
            args: v.args,
          })),
          runs: r.runs.map((x) => ({ ...x, warmup: false, rep: 1 })),
        }
      : r;
    judge(
      t,
      judged,
      listStepFiles(t.stepsDir).some((s) => s.id === 4),
      t.grading ? GRADING_RUNS : undefined,
    );
  },
});

type Expect = Parameters<Parameters<typeof defineCheck>[0]['run']>[0]['expect'];

/**
 * What grading mode runs: one of each workload, each parser branch (cpu,
 * fileio read, fileio write, memory, threads), O_DIRECT once and the page cache once.
 */
const GRADING_RUNS = ['cpu', 'fileio-read/rndrd-direct', 'fileio-write/rndwr', 'memory', 'threads'];

function judge(t: { expect: Expect }, r: BenchResults, hasCgroupStep: boolean, ranOnly?: string[]): void {
  const files = r.profile.files;
  const container = r.runs.filter((x) => x.env === 'container' && !x.warmup);
  // where a run happened is judged on the runs that produced a number (a failed one is all-results' business)
  const good = container.filter((x) => x.value !== undefined);

  // commands: what the student's functions returned, and what really ran in the container
  const wrong: string[] = [];
  for (const v of r.variants) {
    const problem = commandProblem(v.id, v.args, files);
    if (problem) wrong.push(`${v.id}: ${problem} (got: sysbench ${v.args.join(' ')})`);
  }
  const ranOther = container.find((x) => x.cmdline && x.cmdline.slice(1).join(' ') !== x.argv.slice(1).join(' '));
  if (ranOther)
    wrong.push(`${ranOther.variant}: the container ran "${ranOther.cmdline?.join(' ')}" instead of "${ranOther.argv.join(' ')}"`);
  t.expect('commands', wrong.length === 0, {
    expected: `the five workloads; fileio on ${files.files} files of ${files.totalSize}`,
    seen: wrong[0] ?? 'as expected',
  });

  // all results, well-formed
  const envs = availableEnvs(r);
  const missing: string[] = [];
  for (const v of r.variants) {
    // grading mode ran one variant of each kind; the others' commands are still judged above
    if (ranOnly && !ranOnly.includes(v.id)) continue;
    for (const env of envs) {
      const runs = measuredRuns(r, v.id, env);
      const bad = runs.find((x) => x.error || !(x.value && x.value > 0));
      if (runs.length === 0) missing.push(`${v.id} on ${env}: no run`);
      else if (bad) missing.push(`${v.id} on ${env}: ${bad.error ?? 'no number'}`);
    }
  }
  const workloads = new Set(r.variants.map((v) => v.workload));
  t.expect('all-results', missing.length === 0 && WORKLOADS.every((w) => workloads.has(w)) && envs.includes('container'), {
    expected: `${WORKLOADS.join(', ')} in ${envs.join(', ')}`,
    seen: missing[0] ?? (envs.includes('container') ? 'all there' : 'no container results'),
  });

  // inside the container: namespaces seen from the host while sysbench ran
  const hostNs = r.host.nsIds;
  const outside = good.find(
    (x) => !x.nsIds || NAMESPACES.filter((n) => n !== 'user' && n !== 'cgroup').some((n) => !x.nsIds?.[n] || x.nsIds[n] === hostNs[n]),
  );
  t.expect('in-container', good.length > 0 && !outside, {
    expected: "pid, mnt, net, uts, ipc namespaces other than the host's",
    seen: good.length === 0 ? 'no container run gave a result' : outside ? describeOutside(outside, hostNs) : 'all runs inside',
  });

  // cgroup: differs from the host's when step 4 is part of the container
  const sameCgroup = good.find((x) => x.cgroup === undefined || x.cgroup === r.host.cgroup);
  t.expect('cgroup', good.length > 0 && (!hasCgroupStep || !sameCgroup), {
    expected: hasCgroupStep ? 'a cgroup of its own (step 4)' : 'no step 4 yet: not compared',
    seen: sameCgroup
      ? `${sameCgroup.variant}: ${sameCgroup.cgroup === undefined ? 'no sysbench process seen' : "the host's cgroup"}`
      : hasCgroupStep
        ? 'its own cgroup'
        : 'not compared',
  });

  // files on /home
  const fileRuns = good.filter((x) => x.variant.startsWith('fileio'));
  const offHome = fileRuns.find(
    (x) => !x.cwdFs || x.cwdFs.mountPoint !== '/home' || x.cwdFs.fstype !== 'ext4' || !x.cwdFs.source?.startsWith('/dev/loop'),
  );
  t.expect('home', fileRuns.length > 0 && !offHome, {
    expected: 'working directory on ext4 from /dev/loopN mounted on /home',
    seen:
      fileRuns.length === 0
        ? 'no fileio runs'
        : offHome
          ? offHome.cwdFs
            ? `${offHome.cwdFs.fstype} from ${offHome.cwdFs.source} on ${offHome.cwdFs.mountPoint}`
            : 'no sysbench process seen in the container'
          : 'all on /home',
  });

  // the student's reading vs the kit's parser
  const measured = r.runs.filter((x) => !x.warmup && x.value !== undefined);
  const misread = measured.find((x) => typeof x.read !== 'number' || Math.abs(x.read - (x.value as number)) > 0.005 * (x.value as number));
  t.expect('read', measured.length > 0 && !misread, {
    expected: misread ? `${misread.variant}: ${misread.value}` : "the numbers of sysbench's report",
    seen: misread ? `${misread.variant}: ${String(misread.read)}` : measured.length ? 'all match' : 'no runs',
  });

  // plausible numbers
  const implausible = measured.find((x) => plausibility(x));
  t.expect('plausible', measured.length > 0 && !implausible, {
    expected: 'reads read, writes write, O_DIRECT where asked',
    seen: implausible ? `${implausible.variant} on ${implausible.env}: ${plausibility(implausible)}` : 'plausible',
  });

  // CPU ratio: between what its CPU quota allows and the host's own speed,
  // give or take the noise. (Short runs can beat the quota: a fresh cgroup
  // starts a period with its whole quota, so a run of a tenth of a second
  // may never be throttled. Hence a band, not a point.)
  const cpu = tabulate(r)
    .find((x) => x.variant === 'cpu')
    ?.cells.find((c) => c.env === 'container');
  const limit = container.find((x) => x.variant === 'cpu' && x.limits?.cpus !== undefined)?.limits?.cpus;
  const low = Math.min(1, limit ?? 1);
  const v = cpu?.verdict;
  const tolerance = v ? Math.max(3 * v.noise, 0.15) : 0;
  const inBand = !!v && v.ratio >= low * (1 - tolerance) && v.ratio <= 1 + tolerance;
  t.expect('cpu-ratio', inBand, {
    expected: `${low < 1 ? `${formatRatio(low)} (its CPU limit) to ` : ''}${formatRatio(1)} of the host, ± ${Math.round(tolerance * 100)} %`,
    seen: v ? `${formatRatio(v.ratio)} (${cpu?.summary?.n ?? 0} runs)` : 'no CPU numbers',
  });
}

function commandProblem(id: string, args: string[], files: FileSet): string | undefined {
  const [test] = args;
  if (id === 'cpu' || id === 'memory' || id === 'threads') return test === id ? undefined : `runs the ${test ?? 'no'} test`;
  const [, modeDirect] = id.split('/');
  const direct = modeDirect.endsWith('-direct');
  const mode = modeDirect.replace('-direct', '');
  if (test !== 'fileio') return `runs the ${test ?? 'no'} test`;
  if (flagValue(args, 'file-test-mode') !== mode)
    return `--file-test-mode is ${flagValue(args, 'file-test-mode') ?? 'missing'}, not ${mode}`;
  if (flagValue(args, 'file-total-size') !== files.totalSize)
    return `--file-total-size is ${flagValue(args, 'file-total-size') ?? 'missing'}, not files.totalSize (${files.totalSize})`;
  if (flagValue(args, 'file-num') !== String(files.files))
    return `--file-num is ${flagValue(args, 'file-num') ?? 'missing'}, not files.files (${files.files})`;
  const hasDirect = (flagValue(args, 'file-extra-flags') ?? '').split(',').includes('direct');
  if (hasDirect !== direct) return direct ? 'no --file-extra-flags=direct' : 'O_DIRECT where the page cache was asked for';
  return undefined;
}

function plausibility(x: BenchRun): string | undefined {
  const r = x.report;
  if (!(r.totalTimeS && r.totalTimeS > 0) || !(r.events && r.events > 0)) return 'no events or no time';
  if (x.variant.startsWith('fileio-read') && (r.fileio?.writtenMiBps ?? 0) > 0) return 'a read test that wrote';
  if (x.variant.startsWith('fileio-write') && (r.fileio?.readMiBps ?? 0) > 0) return 'a write test that read';
  if (x.variant.startsWith('fileio') && x.variant.endsWith('-direct') !== (r.fileio?.extraFlags === 'directio'))
    return `extra open flags: ${r.fileio?.extraFlags ?? '(none)'}`;
  return undefined;
}

function describeOutside(x: BenchRun, host: BenchResults['host']['nsIds']): string {
  if (!x.nsIds) return `${x.variant}: no sysbench process was seen inside the container (did it run on the host?)`;
  const same = NAMESPACES.filter((n) => n !== 'user' && n !== 'cgroup' && x.nsIds?.[n] === host[n]);
  return `${x.variant}: sysbench shared the host's ${same.join(', ')} namespace(s)`;
}
