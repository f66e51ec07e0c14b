// Runs the benchmark: sets the environments up, prepares fileio's files in
// each, warms up and calibrates, runs the interleaved schedule, and always
// cleans up. Knows nothing about how an environment runs a command.

import os from 'node:os';
import fs from 'node:fs';
import { KitError } from '../../core/errors.ts';
import { namespaceId } from '../../host/proc.ts';
import type { BenchEnvironment, EnvName, EnvRunResult, UnavailableEnvironment } from './environment.ts';
import { parseSysbench } from './parse.ts';
import { NAMESPACES, type NamespaceIds } from './probe.ts';
import { RESULTS_SCHEMA, type BenchProfile, type BenchResults, type BenchRun, type EnvironmentRecord } from './results.ts';
import { interleave } from './schedule.ts';
import {
  amountFor,
  calibrationAmount,
  cleanupArgv,
  measuredArgv,
  metricOf,
  prepareArgv,
  timedArgv,
  variants as allVariants,
  type FileSet,
  type SysbenchCommands,
  type Variant,
  type WorkloadId,
} from './workloads.ts';
import { NotDoneError } from '../../core/errors.ts';

export const PROFILES: Record<'quick' | 'check' | 'grade' | 'full', BenchProfile> = {
  // 11 variants x 3 environments x (1 warm-up + 3 runs) of ~0.3 s: about a minute here
  quick: { mode: 'quick', reps: 3, targetS: 0.3, warmupS: 1, capFactor: 8, files: { totalSize: '64M', files: 4 } },
  // the check of step 5: every workload in every environment, as short as sysbench allows
  // (the CPU ratio is judged, so CPU gets more runs: its median must survive a busy moment)
  check: { mode: 'quick', reps: 3, repsFor: { cpu: 7 }, targetS: 0.12, warmupS: 0, capFactor: 15, files: { totalSize: '16M', files: 2 } },
  // the check's grading mode (what the grader runs): one small run of each variant, in the
  // container only; its commands and the student's reading are judged, no speed is compared
  grade: { mode: 'quick', reps: 0, targetS: 0.05, warmupS: 0, capFactor: 40, files: { totalSize: '8M', files: 2 } },
  // long enough runs for stable numbers, enough repetitions for a spread
  full: { mode: 'full', reps: 5, targetS: 2, warmupS: 2, capFactor: 4, files: { totalSize: '256M', files: 4 } },
};

export interface ProgressEvent {
  done: number;
  total: number;
  /** what runs now, e.g. 'fileio-read/rndrd · container · run 2/3' */
  label: string;
}

export interface BenchOptions {
  environments: BenchEnvironment[];
  /** environments that cannot run here (recorded with their note) */
  unavailable?: UnavailableEnvironment[];
  /** environments whose failing setup is a note, not an error (LXC) */
  optional?: EnvName[];
  profile: BenchProfile;
  /** which sysbench command measures what (step 5) */
  commands: SysbenchCommands;
  /** the step's own reading of the numbers, recorded next to the kit's */
  read?: (workload: WorkloadId, stdout: string) => number | undefined;
  /** only these variant ids (default: all) */
  only?: string[];
  onProgress?(e: ProgressEvent): void;
  /** something the user should know (an optional environment skipped) */
  onNote?(message: string): void;
  /** Ctrl-C: stop between two runs, then clean up */
  signal?: AbortSignal;
}

const iso = () => new Date().toISOString();

export async function runBench(opts: BenchOptions): Promise<BenchResults> {
  const startedAt = iso();
  const t0 = performance.now();
  let profile = opts.profile;
  const selected = (files: FileSet) => allVariants(files, opts.commands).filter((v) => !opts.only || opts.only.includes(v.id));
  let vs = selected(profile.files);
  const records: EnvironmentRecord[] = (opts.unavailable ?? []).map((u) => ({
    name: u.name,
    available: false,
    note: u.note,
    ...(u.install ? { install: u.install } : {}),
  }));
  const ready: BenchEnvironment[] = [];
  const runs: BenchRun[] = [];

  try {
    for (const env of opts.environments) {
      try {
        await env.setup();
        ready.push(env);
        records.push({ name: env.name, available: true, description: env.description, workDir: env.workDir });
      } catch (err) {
        await env.teardown().catch(() => undefined);
        if (!opts.optional?.includes(env.name)) throw err;
        const note = `${env.name} could not be set up: ${err instanceof Error ? err.message : String(err)}`;
        opts.onNote?.(note);
        records.push({ name: env.name, available: false, note });
      }
    }

    if (vs.some((v) => v.needsFiles)) {
      const files = await fitFiles(profile.files, ready);
      if (files.totalSize !== profile.files.totalSize) {
        opts.onNote?.(
          `fileio uses ${files.totalSize} of files instead of ${profile.files.totalSize}: that is what fits in every environment (a bigger /home: --home-size)`,
        );
        profile = { ...profile, files };
        vs = selected(files);
      }
      for (const env of ready) {
        const rec = records.find((r) => r.name === env.name) as EnvironmentRecord;
        const s = performance.now();
        const out = await env.run(prepareArgv(profile.files), { cwd: env.workDir });
        rec.prepare = { wallS: (performance.now() - s) / 1000, exitCode: out.exitCode, ...(out.exitCode ? { error: firstLine(out) } : {}) };
      }
    }

    const repsOf = (variant: string): number => profile.repsFor?.[variant] ?? profile.reps;
    const schedule = interleave(
      vs.map((v) => v.id),
      ready.map((e) => e.name),
      repsOf,
    );
    const amounts = new Map<string, number>();
    let done = 0;
    for (const item of schedule) {
      if (opts.signal?.aborted)
        throw new KitError('The benchmark was interrupted; everything it set up has been removed.', { exitCode: 130 });
      const v = vs.find((x) => x.id === item.variant) as Variant;
      const env = ready.find((e) => e.name === item.env) as BenchEnvironment;
      opts.onProgress?.({
        done,
        total: schedule.length,
        label: `${v.id} · ${env.name} · ${item.warmup ? 'warm-up' : `run ${item.rep}/${repsOf(v.id)}`}`,
      });
      const calibrating = item.warmup && env === ready[0];
      const amount = amounts.get(v.id);
      const prepared = records.find((r) => r.name === env.name)?.prepare;
      let run: BenchRun;
      if (v.needsFiles && prepared && prepared.exitCode !== 0) {
        run = skipped(item, v, `fileio prepare failed: ${prepared.error}`);
      } else if (calibrating) {
        // warmupS 0: calibrate on a small fixed amount instead of a whole second (sysbench's shortest --time)
        const argv =
          profile.warmupS >= 1 ? timedArgv(v, profile.warmupS) : measuredArgv(v, calibrationAmount(v), profile.targetS * profile.capFactor);
        run = await execute(env, item, v, argv, undefined, opts.read);
        const a = amountFor(v, run.report, profile.targetS);
        if (a !== undefined) amounts.set(v.id, a);
      } else if (amount === undefined) {
        run = skipped(item, v, 'no amount of work: the calibration run on the first environment failed');
      } else {
        run = await execute(env, item, v, measuredArgv(v, amount, profile.targetS * profile.capFactor), amount, opts.read);
      }
      runs.push(run);
      done++;
    }
    opts.onProgress?.({ done, total: schedule.length, label: 'done' });

    if (vs.some((v) => v.needsFiles)) {
      for (const env of ready) await env.run(cleanupArgv(profile.files), { cwd: env.workDir }).catch(() => undefined);
    }
  } finally {
    for (const env of [...ready].reverse()) {
      const rec = records.find((r) => r.name === env.name);
      if (rec) rec.facts = env.facts();
      await env.teardown();
    }
  }

  const sysbench = runs.find((r) => r.report.version)?.report.version;
  return {
    schema: RESULTS_SCHEMA,
    mode: profile.mode,
    profile,
    startedAt,
    finishedAt: iso(),
    durationS: (performance.now() - t0) / 1000,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      kernel: os.release(),
      memoryMiB: Math.round(os.totalmem() / 2 ** 20),
      ...(sysbench ? { sysbench } : {}),
    },
    host: { nsIds: selfNamespaces(), cgroup: fs.readFileSync('/proc/self/cgroup', 'utf8') },
    environments: sortEnvs(records),
    variants: vs.map((v) => ({ id: v.id, workload: v.workload, label: v.label, measures: v.measures, metric: v.metric, args: v.args })),
    runs,
  };
}

async function execute(
  env: BenchEnvironment,
  item: { rep: number; warmup: boolean },
  v: Variant,
  argv: string[],
  amount: number | undefined,
  read: BenchOptions['read'],
): Promise<BenchRun> {
  const startedAt = iso();
  const s = performance.now();
  let out: EnvRunResult;
  try {
    out = await runOnce(env, argv);
  } catch (err) {
    // a TODO of the step is not a failed run: it ends the benchmark as "not attempted"
    if (err instanceof NotDoneError) throw err;
    return { ...skipped({ ...item, env: env.name }, v, err instanceof Error ? err.message : String(err)), argv, startedAt };
  }
  const wallS = (performance.now() - s) / 1000;
  const report = parseSysbench(out.stdout);
  const value = metricOf(v, report);
  const run: BenchRun = {
    variant: v.id,
    env: env.name,
    rep: item.rep,
    warmup: item.warmup,
    argv,
    ...(amount !== undefined ? { amount } : {}),
    startedAt,
    wallS,
    exitCode: out.exitCode,
    report,
    ...(out.nsIds ? { nsIds: out.nsIds } : {}),
    ...(out.cgroup !== undefined ? { cgroup: out.cgroup } : {}),
    ...(out.cwdFs ? { cwdFs: out.cwdFs } : {}),
    ...(out.pid !== undefined ? { pid: out.pid } : {}),
    ...(out.cmdline ? { cmdline: out.cmdline } : {}),
    ...(out.limits ? { limits: out.limits } : {}),
    stdout: out.stdout,
  };
  if (read) {
    const theirs = read(v.workload, out.stdout);
    run.read = typeof theirs === 'number' && Number.isFinite(theirs) ? theirs : null;
  }
  if (out.exitCode !== 0 || value === undefined || !(value > 0)) {
    run.error = report.fatal ?? firstLine(out) ?? `exit code ${out.exitCode}, no ${v.metric} in the output`;
  } else {
    run.value = value;
  }
  return run;
}

/**
 * One run; an environment that fails to *start* (an exception, not a failing
 * sysbench) gets one more try: on a busy machine a container's setup can
 * trip over a transient condition, and one lost run should not cost a cell.
 */
async function runOnce(env: BenchEnvironment, argv: string[]): Promise<EnvRunResult> {
  try {
    return await env.run(argv, { cwd: env.workDir });
  } catch (err) {
    if (err instanceof NotDoneError) throw err;
    await new Promise((r) => setTimeout(r, 200));
    return env.run(argv, { cwd: env.workDir });
  }
}

function skipped(item: { rep: number; warmup: boolean; env?: EnvName }, v: Variant, error: string): BenchRun {
  return {
    variant: v.id,
    env: item.env ?? 'host',
    rep: item.rep,
    warmup: item.warmup,
    argv: [],
    startedAt: iso(),
    wallS: 0,
    exitCode: -1,
    report: {},
    error,
    stdout: '',
  };
}

function firstLine(out: { stdout: string; stderr: string; exitCode: number }): string {
  const lines = `${out.stderr}\n${out.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /fatal|error|cannot|not found|denied/i.test(l)) ?? lines.at(-1) ?? `exit code ${out.exitCode}`;
}

function selfNamespaces(): NamespaceIds {
  const ns: NamespaceIds = {};
  for (const n of NAMESPACES) {
    const id = namespaceId('self', n);
    if (id) ns[n] = id;
  }
  return ns;
}

const SIZE = /^(\d+)([KMG]?)$/i;
const UNIT: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };

export function sizeBytes(size: string): number {
  const m = SIZE.exec(size.trim());
  if (!m) throw new Error(`not a sysbench size: ${size}`);
  return Number(m[1]) * UNIT[m[2].toUpperCase()];
}

/**
 * The files must fit in every environment; the container's /home is small
 * (64 MiB by default). Use at most half of the smallest free space, and whole
 * MiB per file: sysbench splits the total evenly, and O_DIRECT needs every
 * file to be a whole number of its 16 KiB blocks.
 */
export async function fitFiles(files: FileSet, envs: BenchEnvironment[]): Promise<FileSet> {
  const frees: number[] = [];
  for (const e of envs) {
    const free = await e.freeBytes?.();
    if (free !== undefined) frees.push(free);
  }
  const room = frees.length ? Math.min(...frees) / 2 : Infinity;
  const wanted = sizeBytes(files.totalSize);
  if (wanted <= room) return files;
  const perFile = Math.max(1, Math.floor(room / 2 ** 20 / files.files));
  return { ...files, totalSize: `${perFile * files.files}M` };
}

const ORDER: EnvName[] = ['host', 'container', 'lxc'];
const sortEnvs = (r: EnvironmentRecord[]): EnvironmentRecord[] => [...r].sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
