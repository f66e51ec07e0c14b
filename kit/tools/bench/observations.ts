// Sentences drawn from the numbers, for bench.md and the report. Each one
// states what was measured, then the usual reason; a student edits them.
// Nothing is claimed that the verdicts (noise-aware) do not support.

import { formatSize, parseSize } from '../../core/size.ts';
import type { EnvName } from './environment.ts';
import { availableEnvs, type BenchResults, type Cell, type Row } from './results.ts';
import { ENV_LABELS } from './svg.ts';
import { formatRatio, type Verdict } from './stats.ts';

const pct = (x: number): string => `${Math.round(x * 100)} %`;
const cell = (row: Row | undefined, env: EnvName): Cell | undefined => row?.cells.find((c) => c.env === env);
const verdictOf = (row: Row | undefined, env: EnvName): Verdict | undefined => cell(row, env)?.verdict;

/** Above this, "the same" would overstate what the runs show. */
const LOUD = 0.15;

const isSame = (v: Verdict): boolean => v.kind === 'same' && Math.max(2 * v.noise, 0.02) <= LOUD;

function phrase(v: Verdict): string {
  const band = Math.max(2 * v.noise, 0.02);
  switch (v.kind) {
    case 'same':
      return band > LOUD
        ? `not distinguishable from the host at this noise (${formatRatio(v.ratio)}, but the runs vary by ±${pct(band)})`
        : `the same as the host (${formatRatio(v.ratio)}, within the noise of ±${pct(band)})`;
    case 'faster':
      return `faster than the host (${formatRatio(v.ratio)})`;
    case 'slower':
      return `slower than the host (${formatRatio(v.ratio)})`;
    case 'unclear':
      return `${formatRatio(v.ratio)} of the host, but its runs overlap the host's: no clear difference`;
    case 'too-few-runs':
      return `${formatRatio(v.ratio)} of the host (one run each, so the noise is unknown)`;
  }
}

export function observations(results: BenchResults, rows: Row[]): string[] {
  const envs = availableEnvs(results).filter((e) => e !== 'host');
  const row = (id: string) => rows.find((r) => r.variant === id);
  const out: string[] = [];

  for (const env of envs) {
    const v = verdictOf(row('cpu'), env);
    if (!v) continue;
    const who = ENV_LABELS[env];
    const cpus = cpuLimit(results, env);
    if (cpus !== undefined && cpus < 1) {
      const band = Math.max(2 * v.noise, 0.1);
      const near = Math.abs(v.ratio / cpus - 1) <= band;
      const fit = !near
        ? `, where the quota alone predicts ${formatRatio(cpus)}`
        : band <= LOUD
          ? ', just what the quota allows'
          : ', consistent with the quota within the (large) noise';
      out.push(
        `CPU: ${who} ran at ${formatRatio(v.ratio)} of the host's speed under a cgroup CPU quota of ${cpus} CPU (cpu.max or cpu.cfs_quota_us)${fit}: a single-threaded loop gets ${Math.round(cpus * 100)} ms of every 100 ms period and then waits. Namespaces themselves cost nothing here; to see that, run the benchmark with the quota lifted (e.g. --cpus 1).`,
      );
      continue;
    }
    if (v.kind === 'slower') {
      out.push(
        `CPU: ${who} is ${phrase(v)}. A CPU-bound loop makes no system calls, so namespaces cannot slow it down; look for a CPU limit on its cgroup (cpu.max or cpu.cfs_quota_us) below one CPU, or another load on the machine during its runs.`,
      );
    } else {
      out.push(
        `CPU: ${who} is ${phrase(v)}. A process in namespaces is an ordinary process of the same kernel on the same CPU; a loop that makes no system calls never even asks the kernel which namespace it is in.`,
      );
    }
  }

  for (const env of envs) {
    const who = ENV_LABELS[env];
    // sequential and random reads, each named, so that two verdicts never read as one
    const reads = (ids: [string, string]) =>
      (['sequential', 'random'] as const)
        .map((label, i) => ({ label, v: verdictOf(row(ids[i]), env) }))
        .filter((x): x is { label: 'sequential' | 'random'; v: Verdict } => !!x.v);
    const both = (xs: { label: string; v: Verdict }[]) => xs.map((x) => `${x.label} reads are ${phrase(x.v)}`).join('; ');
    const cached = reads(['fileio-read/seqrd', 'fileio-read/rndrd']);
    if (cached.length && cached.every((x) => isSame(x.v))) {
      out.push(
        `File reads through the page cache: ${who} reads as fast as the host (${cached.map((x) => `${x.label} ${formatRatio(x.v.ratio)}`).join(', ')}): the files were just written, so both read them from memory, and the filesystem underneath hardly matters.`,
      );
    } else if (cached.length) {
      const slow = cached.some((x) => x.v.kind === 'slower' || x.v.kind === 'unclear');
      out.push(`File reads through the page cache in ${who}: ${both(cached)}.${slow ? cachedReadNote(results, env) : ''}`);
    }

    const direct = reads(['fileio-read/seqrd-direct', 'fileio-read/rndrd-direct']);
    if (direct.length) {
      const faster = direct.filter((x) => x.v.kind === 'faster');
      if (env === 'container' && faster.length) {
        out.push(
          `O_DIRECT reads: our container reads ${faster.map((x) => `${formatRatio(x.v.ratio)} (${x.label})`).join(' and ')} as fast as the host. O_DIRECT only skips the cache of the filesystem the file is on: /home is ext4 on a loop device, and the loop device reads its backing file through the host's page cache, where the image already is. The host's O_DIRECT reads really go to the disk. Two caches, and "direct" bypasses only one of them.`,
        );
      } else {
        out.push(`O_DIRECT reads in ${who}: ${both(direct)}.`);
      }
    }

    const writes = ['fileio-write/seqwr', 'fileio-write/rndwr', 'fileio-write/seqwr-direct', 'fileio-write/rndwr-direct']
      .map((id) => ({ id, v: verdictOf(row(id), env) }))
      .filter((x): x is { id: string; v: Verdict } => !!x.v);
    if (writes.length) {
      const list = writes
        .map((w) => `${w.id.split('/')[1]} ${formatRatio(w.v.ratio)}${w.v.kind === 'same' || w.v.kind === 'unclear' ? ' (≈)' : ''}`)
        .join(', ');
      const note =
        env === 'container'
          ? ' Writes end in fsync(): on the loop device, ext4 flushes to the loop, which writes into the backing file, whose own flush reaches the disk; how much that costs depends on whether the loop uses direct I/O on its backing file.'
          : env === 'lxc'
            ? " LXC's files live in its rootfs, a folder of the host's own filesystem: the same path to the disk as the host."
            : '';
      out.push(`File writes: ${who} relative to the host: ${list}.${note}`);
    }
  }

  for (const env of envs) {
    const cpus = cpuLimit(results, env);
    for (const id of ['memory', 'threads']) {
      const v = verdictOf(row(id), env);
      if (!v) continue;
      const what = id === 'memory' ? 'Memory' : 'Threads';
      const who = ENV_LABELS[env];
      // one memory thread needs one CPU; the threads test's four want every CPU there is
      const needs = id === 'memory' ? 1 : results.machine.cpus;
      if ((v.kind === 'slower' || v.kind === 'unclear') && cpus !== undefined && cpus < needs) {
        const why =
          id === 'memory'
            ? `writing memory is CPU work too, and the cgroup's CPU quota (${cpus} CPU) throttles it like any other`
            : `its threads share a CPU quota of ${cpus} CPU where the host gives them all ${results.machine.cpus} CPUs`;
        out.push(`${what}: ${who} is ${phrase(v)}: ${why}; namespaces play no part in it.`);
        continue;
      }
      const why =
        id === 'memory'
          ? "memory is accessed without the kernel's help once mapped"
          : 'the scheduler and futexes are the same kernel code for every process; only a CPU or pids limit could differ';
      out.push(`${what}: ${who} is ${phrase(v)}; ${why}.`);
    }
  }

  if (envs.includes('container') && envs.includes('lxc')) {
    const both = rows.filter((r) => cell(r, 'container')?.verdict && cell(r, 'lxc')?.verdict);
    const differ = both.filter((r) => {
      const a = cell(r, 'container')?.verdict as Verdict;
      const b = cell(r, 'lxc')?.verdict as Verdict;
      return Math.abs(Math.log(a.ratio / b.ratio)) > Math.log(1 + Math.max(2 * Math.hypot(a.noise, b.noise), 0.05));
    });
    const alike = both.filter((r) => !differ.includes(r));
    const names = (rs: Row[]) => rs.map((r) => r.variant).join(', ');
    const why =
      'both are namespaces and cgroups of the same kernel, so differences come from where the files are (a loop device vs a folder) and from limits, not from the isolation itself.';
    out.push(
      differ.length === 0
        ? 'Our container vs LXC: no clear difference anywhere; both are namespaces and cgroups of the same kernel.'
        : differ.length === both.length
          ? `Our container vs LXC: they differ clearly in all ${both.length} workloads; ${why}`
          : differ.length * 2 > both.length
            ? `Our container vs LXC: they differ clearly in ${differ.length} of the ${both.length} workloads, and are alike only in ${names(alike)}; ${why}`
            : `Our container vs LXC: they differ clearly only in ${names(differ)}; ${why}`,
    );
  }

  const noisy = rows
    .flatMap((r) => r.cells.filter((c) => c.summary && c.summary.n > 1).map((c) => ({ r, c })))
    .sort((a, b) => (b.c.summary?.cv ?? 0) - (a.c.summary?.cv ?? 0))[0];
  if (noisy?.c.summary && noisy.c.summary.cv > 0.05) {
    out.push(
      `Noise: the least stable measurement was ${noisy.r.variant} on ${ENV_LABELS[noisy.c.env]} (coefficient of variation ${pct(noisy.c.summary.cv)}); differences smaller than about twice that are not evidence of anything${results.mode === 'quick' ? '; the full mode (longer, more runs) narrows it' : ''}.`,
    );
  }

  const failed = rows.flatMap((r) =>
    r.cells.filter((c) => c.failures > 0).map((c) => `${r.variant} on ${ENV_LABELS[c.env]} (${c.failures})`),
  );
  if (failed.length) out.push(`Failed runs, left out of the numbers: ${failed.join(', ')}; see results/bench.json for their output.`);
  for (const e of results.environments.filter((x) => !x.available)) {
    out.push(`${ENV_LABELS[e.name]} was not measured: ${e.note}${e.install ? ` (install: ${e.install})` : ''}.`);
  }
  return out;
}

/** The limits sysbench ran under, as read from the host during the runs. */
function limitsOf(results: BenchResults, env: EnvName, variant?: string) {
  return results.runs.find((r) => r.env === env && !r.warmup && r.limits && (!variant || r.variant === variant))?.limits;
}

const cpuLimit = (results: BenchResults, env: EnvName): number | undefined => limitsOf(results, env, 'cpu')?.cpus;

/**
 * Why page-cache reads may be slower in a cgroup, from the limits seen during
 * the runs, claiming only what they support: a read from the cache is a copy,
 * CPU work that a quota below one CPU throttles; the memory limit matters only
 * when the files do not fit in it with room to spare (the cache of a cgroup's
 * files counts against its limit).
 */
function cachedReadNote(results: BenchResults, env: EnvName): string {
  const limits = limitsOf(results, env);
  const notes: string[] = [];
  const cpus = limits?.cpus;
  if (cpus !== undefined && cpus < 1) {
    notes.push(
      ` Reading from the page cache is a copy for every read, CPU work that the cgroup's CPU quota (${cpus} CPU) throttles like any other.`,
    );
  }
  const bytes = limits?.memoryBytes;
  const files = filesBytes(results);
  if (bytes !== undefined && files !== undefined) {
    notes.push(
      files * 2 > bytes
        ? ` Its memory cgroup limit (${formatSize(bytes)}) also caps its page cache, and the ${formatSize(files)} of test files do not fit in it with room to spare: part of them is read from the device again.`
        : ` Its memory limit (${formatSize(bytes)}) is not the cause: the ${formatSize(files)} of test files fit in its page cache.`,
    );
  }
  return notes.join('');
}

function filesBytes(results: BenchResults): number | undefined {
  try {
    return parseSize(results.profile.files.totalSize);
  } catch {
    return undefined;
  }
}
