// The five sysbench workloads of the lab, and the command lines that run them.
// Pure data and functions: the runner decides where a command runs.
//
// Every measured run does a fixed amount of work (calibrated on the host's
// warm-up), so the three environments do exactly the same thing; a time cap
// keeps a very slow environment from running for ever. sysbench 1.0's
// `--time` only takes whole seconds, which is why the amount, not the time,
// is what we fix.

import type { SysbenchReport } from './parse.ts';

export type WorkloadId = 'cpu' | 'fileio-read' | 'fileio-write' | 'memory' | 'threads';
export type MetricId = 'eventsPerSec' | 'readMiBps' | 'writtenMiBps' | 'memoryMiBps';
export type FileMode = 'seqrd' | 'rndrd' | 'seqwr' | 'rndwr';

export const WORKLOADS: readonly WorkloadId[] = ['cpu', 'fileio-read', 'fileio-write', 'memory', 'threads'];

export const WORKLOAD_TITLES: Record<WorkloadId, string> = {
  cpu: 'CPU',
  'fileio-read': 'File I/O read',
  'fileio-write': 'File I/O write',
  memory: 'Memory access',
  threads: 'Thread execution',
};

export const METRICS: Record<MetricId, { label: string; unit: string }> = {
  eventsPerSec: { label: 'events per second', unit: 'events/s' },
  readMiBps: { label: 'read throughput', unit: 'MiB/s' },
  writtenMiBps: { label: 'write throughput', unit: 'MiB/s' },
  memoryMiBps: { label: 'memory throughput', unit: 'MiB/s' },
};

/** One sysbench command line measured in every environment. */
export interface Variant {
  /** stable id, e.g. 'cpu', 'fileio-read/rndrd-direct' */
  id: string;
  workload: WorkloadId;
  /** short human label, e.g. 'random read, O_DIRECT' */
  label: string;
  /** what it measures, one sentence (shown in the report) */
  measures: string;
  /** sysbench arguments without the amount of work and without `run` */
  args: string[];
  /** how the amount of work is fixed: `--events` or, for memory (which ignores --events), `--memory-total-size` */
  amount: 'events' | 'memory-size';
  metric: MetricId;
  /** fileio variants need the files made by `prepare` in the working directory */
  needsFiles: boolean;
}

/** The test files of fileio: same size in every environment. */
export interface FileSet {
  /** sysbench size syntax, e.g. '64M' */
  totalSize: string;
  files: number;
}

/**
 * Which sysbench command measures what: written by the student in step 5.
 * Each returns a command line starting with 'sysbench', without the amount
 * of work, the time limit and the final `run` (the kit adds those).
 */
export interface SysbenchCommands {
  cpu(): string[];
  fileio(files: FileSet, mode: FileMode, direct: boolean): string[];
  memory(): string[];
  threads(): string[];
}

const fileArgs = (fs: FileSet): string[] => [`--file-total-size=${fs.totalSize}`, `--file-num=${fs.files}`];

const FILE_MODES: Record<FileMode, { label: string; measures: string }> = {
  seqrd: { label: 'sequential read', measures: 'reading the prepared files front to back in 16 KiB blocks' },
  rndrd: { label: 'random read', measures: 'reading 16 KiB blocks at random offsets of the prepared files' },
  seqwr: { label: 'sequential write', measures: 'rewriting the files front to back, with an fsync() every 100 writes' },
  rndwr: { label: 'random write', measures: 'writing 16 KiB blocks at random offsets, with an fsync() every 100 writes' },
};

/** The value of `--name=value` in a command line (sysbench's own defaults when absent). */
export function flagValue(args: string[], name: string): string | undefined {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

/** 'sysbench cpu ...' -> ['cpu', ...]: the runner puts the program name back. */
const withoutProgram = (argv: string[]): string[] => (argv[0] === 'sysbench' || argv[0]?.endsWith('/sysbench') ? argv.slice(1) : argv);

function fileVariant(
  workload: 'fileio-read' | 'fileio-write',
  mode: FileMode,
  direct: boolean,
  fs: FileSet,
  commands: SysbenchCommands,
): Variant {
  const m = FILE_MODES[mode];
  return {
    id: `${workload}/${mode}${direct ? '-direct' : ''}`,
    workload,
    label: `${m.label}, ${direct ? 'O_DIRECT' : 'page cache'}`,
    measures: `${m.measures}, ${direct ? 'opened with O_DIRECT (bypassing the page cache of the filesystem the files are on)' : 'through the page cache'}`,
    args: withoutProgram(commands.fileio(fs, mode, direct)),
    amount: 'events',
    metric: workload === 'fileio-read' ? 'readMiBps' : 'writtenMiBps',
    needsFiles: true,
  };
}

/** All variants, in the order they are measured (reads before writes, so that reads see the prepared files intact). */
export function variants(fs: FileSet, commands: SysbenchCommands): Variant[] {
  const cpu = withoutProgram(commands.cpu());
  const memory = withoutProgram(commands.memory());
  const threads = withoutProgram(commands.threads());
  const n = (args: string[], name: string, dflt: string) => flagValue(args, name) ?? dflt;
  const out: Variant[] = [
    {
      id: 'cpu',
      workload: 'cpu',
      label: `primes up to ${n(cpu, 'cpu-max-prime', '10000')}, ${n(cpu, 'threads', '1')} thread(s)`,
      measures: 'pure computation: trial division of every number up to the limit; no system calls in the loop',
      args: cpu,
      amount: 'events',
      metric: 'eventsPerSec',
      needsFiles: false,
    },
  ];
  for (const direct of [false, true]) {
    for (const mode of ['seqrd', 'rndrd'] as const) out.push(fileVariant('fileio-read', mode, direct, fs, commands));
  }
  // random writes before sequential ones: seqwr is sysbench's "creation"
  // test, it truncates the files and leaves them as short as its run was,
  // and rndwr refuses files smaller than prepared
  for (const mode of ['rndwr', 'seqwr'] as const) {
    for (const direct of [false, true]) out.push(fileVariant('fileio-write', mode, direct, fs, commands));
  }
  out.push(
    {
      id: 'memory',
      workload: 'memory',
      label: `${n(memory, 'memory-oper', 'write')}s of ${n(memory, 'memory-block-size', '1K')} blocks, ${n(memory, 'threads', '1')} thread(s)`,
      measures: 'writing a buffer over and over: memory (cache) bandwidth, no system calls',
      args: memory,
      amount: 'memory-size',
      metric: 'memoryMiBps',
      needsFiles: false,
    },
    {
      id: 'threads',
      workload: 'threads',
      label: `${n(threads, 'threads', '1')} threads, ${n(threads, 'thread-locks', '8')} mutexes`,
      measures: 'scheduler and futex work: threads taking mutexes and calling sched_yield()',
      args: threads,
      amount: 'events',
      metric: 'eventsPerSec',
      needsFiles: false,
    },
  );
  return out;
}

export const prepareArgv = (fs: FileSet): string[] => ['sysbench', 'fileio', ...fileArgs(fs), 'prepare'];
export const cleanupArgv = (fs: FileSet): string[] => ['sysbench', 'fileio', ...fileArgs(fs), 'cleanup'];

/** A time-bounded run (warm-up and calibration): `--time` is whole seconds in sysbench 1.0. */
export function timedArgv(v: Variant, seconds: number): string[] {
  const s = Math.max(1, Math.round(seconds));
  const size = v.amount === 'memory-size' ? ['--memory-total-size=1T'] : [];
  return ['sysbench', ...v.args, ...size, `--time=${s}`, 'run'];
}

/** A measured run: a fixed amount of work, capped in time. */
export function measuredArgv(v: Variant, amount: number, capSeconds: number): string[] {
  const cap = `--time=${Math.max(1, Math.ceil(capSeconds))}`;
  const work = v.amount === 'events' ? [`--events=${amount}`] : [`--memory-total-size=${amount}M`];
  return ['sysbench', ...v.args, ...work, cap, 'run'];
}

/**
 * A small fixed amount for a quick calibration (the check's), when a whole
 * second of warm-up per workload is too long: enough work to measure a rate.
 */
export function calibrationAmount(v: Variant): number {
  if (v.amount === 'memory-size') return 512;
  if (v.workload === 'cpu') return 200;
  if (v.workload === 'threads') return 100;
  // O_DIRECT goes to the device (a few thousand requests a second); buffered reads come from memory
  if (v.id.endsWith('-direct')) return 1000;
  return v.workload === 'fileio-write' ? 5000 : 20000;
}

/** The amount of work that takes about `seconds` at the rate of a warm-up run. */
export function amountFor(v: Variant, warmup: SysbenchReport, seconds: number): number | undefined {
  if (v.amount === 'memory-size') {
    const rate = warmup.memory?.MiBps;
    return rate ? Math.max(16, Math.round(rate * seconds)) : undefined;
  }
  const rate = warmup.eventsPerSec;
  return rate ? Math.max(50, Math.round(rate * seconds)) : undefined;
}

/** The number a variant is judged by (higher is better for all of them). */
export function metricOf(v: Variant, r: SysbenchReport): number | undefined {
  switch (v.metric) {
    case 'eventsPerSec':
      return r.eventsPerSec;
    case 'readMiBps':
      return r.fileio?.readMiBps;
    case 'writtenMiBps':
      return r.fileio?.writtenMiBps;
    case 'memoryMiBps':
      return r.memory?.MiBps;
  }
}
