// Turns sysbench's human-readable report into numbers. sysbench has no
// machine-readable output, and its wording changed between 0.4/0.5 ("Test
// execution summary", "Mb/sec") and 1.0 ("General statistics", "MiB/s"), so
// every field is looked for under each of its known spellings and is simply
// absent when no spelling matches.

export interface SysbenchReport {
  /** e.g. '1.0.20', from the banner */
  version?: string;
  threads?: number;
  /** wall time of the measured part, seconds ("total time") */
  totalTimeS?: number;
  /** events (CPU: primes checked, fileio: I/O requests, memory: blocks, threads: loops) */
  events?: number;
  /** events / total time, or the "events per second" line where printed */
  eventsPerSec?: number;
  latencyMs?: { min?: number; avg?: number; max?: number; p95?: number; sum?: number };
  fileio?: {
    readsPerSec?: number;
    writesPerSec?: number;
    fsyncsPerSec?: number;
    readMiBps?: number;
    writtenMiBps?: number;
    /** 'directio' when opened with O_DIRECT */
    extraFlags?: string;
  };
  memory?: { opsPerSec?: number; transferredMiB?: number; MiBps?: number };
  /** a FATAL line, if sysbench printed one */
  fatal?: string;
}

const NUM = String.raw`([0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)`;

function num(text: string, ...patterns: RegExp[]): number | undefined {
  for (const p of patterns) {
    const m = p.exec(text);
    if (m?.[1] !== undefined) {
      const v = Number(m[1]);
      if (Number.isFinite(v)) return v;
    }
  }
  return undefined;
}

const re = (source: string, flags = 'im'): RegExp => new RegExp(source.replaceAll('NUM', NUM), flags);

/** Sizes in sysbench's output: 0.4 wrote 'Mb' and 'Kb' for binary units, 1.0 writes 'MiB'. */
export function toMiB(value: number, unit: string): number {
  const u = unit.toLowerCase().replace('i', '');
  if (u.startsWith('g')) return value * 1024;
  if (u.startsWith('m')) return value;
  if (u.startsWith('k')) return value / 1024;
  return value / (1024 * 1024); // bytes
}

export function parseSysbench(output: string): SysbenchReport {
  const r: SysbenchReport = {};
  const version = /^sysbench\s+([0-9][0-9.]*[0-9a-z-]*)/im.exec(output);
  if (version) r.version = version[1].replace(/:$/, '');
  const threads = num(output, re(String.raw`^\s*Number of threads:\s*NUM`));
  if (threads !== undefined) r.threads = threads;

  const totalTimeS = num(output, re(String.raw`^\s*total time:\s*NUMs`));
  if (totalTimeS !== undefined) r.totalTimeS = totalTimeS;
  const events = num(output, re(String.raw`^\s*total number of events:\s*NUM`));
  if (events !== undefined) r.events = events;
  const eps = num(output, re(String.raw`^\s*events per second:\s*NUM`));
  if (eps !== undefined) r.eventsPerSec = eps;
  else if (events !== undefined && totalTimeS) r.eventsPerSec = events / totalTimeS;

  const latency = parseLatency(output);
  if (latency) r.latencyMs = latency;
  const fileio = parseFileio(output, totalTimeS);
  if (fileio) r.fileio = fileio;
  const memory = parseMemory(output, totalTimeS);
  if (memory) r.memory = memory;

  const fatal = /^FATAL:\s*(.*)$/m.exec(output);
  if (fatal) r.fatal = fatal[1].trim();
  return r;
}

function parseLatency(output: string): SysbenchReport['latencyMs'] {
  // 1.0: a "Latency (ms):" block of bare numbers; 0.4/0.5: "per-request
  // statistics:" with an 'ms' suffix on each value.
  const block = /(?:Latency \(ms\):|per-request statistics:)([\s\S]*?)(?:\n\s*\n|$)/i.exec(output)?.[1];
  if (!block) return undefined;
  const field = (name: string) => num(block, re(String.raw`^\s*${name}:\s*NUM\s*(?:ms)?\s*$`));
  const out: NonNullable<SysbenchReport['latencyMs']> = {};
  const min = field('min');
  const avg = field('avg');
  const max = field('max');
  const p95 = field(String.raw`(?:95th percentile|approx\.\s+95 percentile)`);
  const sum = field('sum');
  if (min !== undefined) out.min = min;
  if (avg !== undefined) out.avg = avg;
  if (max !== undefined) out.max = max;
  if (p95 !== undefined) out.p95 = p95;
  if (sum !== undefined) out.sum = sum;
  return Object.keys(out).length ? out : undefined;
}

function parseFileio(output: string, totalTimeS: number | undefined): SysbenchReport['fileio'] {
  const f: NonNullable<SysbenchReport['fileio']> = {};
  const set = <K extends keyof typeof f>(k: K, v: (typeof f)[K] | undefined) => {
    if (v !== undefined) f[k] = v;
  };
  set('readsPerSec', num(output, re(String.raw`^\s*reads/s:\s*NUM`)));
  set('writesPerSec', num(output, re(String.raw`^\s*writes/s:\s*NUM`)));
  set('fsyncsPerSec', num(output, re(String.raw`^\s*fsyncs/s:\s*NUM`)));
  set('readMiBps', num(output, re(String.raw`^\s*read,\s*MiB/s:\s*NUM`)));
  set('writtenMiBps', num(output, re(String.raw`^\s*written,\s*MiB/s:\s*NUM`)));
  const flags = /^Extra file open flags:\s*(.*)$/m.exec(output);
  if (flags) {
    const v = flags[1].trim();
    if (v && v !== '(none)' && v !== '0') f.extraFlags = v;
  }

  // 0.4/0.5: "Read 93.75Mb  Written 62.5Mb  Total transferred 156.25Mb  (1.6145Mb/sec)"
  const m = re(String.raw`^Read\s+NUM\s*([KMG]?i?b)\s+Written\s+NUM\s*([KMG]?i?b)`).exec(output);
  if (m && totalTimeS) {
    if (f.readMiBps === undefined) f.readMiBps = toMiB(Number(m[1]), m[2]) / totalTimeS;
    if (f.writtenMiBps === undefined) f.writtenMiBps = toMiB(Number(m[3]), m[4]) / totalTimeS;
  }
  const ops = re(String.raw`^Operations performed:\s*NUM\s+Read,\s*NUM\s+Write,\s*NUM\s+Other`).exec(output);
  if (ops && totalTimeS) {
    if (f.readsPerSec === undefined) f.readsPerSec = Number(ops[1]) / totalTimeS;
    if (f.writesPerSec === undefined) f.writesPerSec = Number(ops[2]) / totalTimeS;
  }
  return Object.keys(f).length ? f : undefined;
}

function parseMemory(output: string, totalTimeS: number | undefined): SysbenchReport['memory'] {
  const m: NonNullable<SysbenchReport['memory']> = {};
  // 1.0 "Total operations: 11999742 (5997161.22 per second)"; 0.4 "Operations performed: 104857600 (2247436.96 ops/sec)"
  const ops = re(String.raw`^\s*(?:Total operations|Operations performed):\s*NUM\s*\(\s*NUM\s*(?:per second|ops/sec)\)`).exec(output);
  if (ops) m.opsPerSec = Number(ops[2]);
  // 1.0 "11718.50 MiB transferred (5856.60 MiB/sec)"; 0.4 "102400.00 MB transferred (2194.76 MB/sec)"
  const tr = re(String.raw`^\s*NUM\s*([KMG]i?B|B)\s+transferred\s*\(\s*NUM\s*([KMG]i?B|B)/sec\)`).exec(output);
  if (tr) {
    m.transferredMiB = toMiB(Number(tr[1]), tr[2]);
    m.MiBps = toMiB(Number(tr[3]), tr[4]);
  } else if (m.opsPerSec === undefined) {
    return undefined;
  }
  if (m.MiBps === undefined && m.transferredMiB !== undefined && totalTimeS) m.MiBps = m.transferredMiB / totalTimeS;
  return m;
}
