import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import reference from '../../solutions/05-bench.ts';
import type { EnvName } from '../../kit/tools/bench/environment.ts';
import { renderMarkdown } from '../../kit/tools/bench/markdown.ts';
import { observations } from '../../kit/tools/bench/observations.ts';
import { RESULTS_SCHEMA, tabulate, type BenchResults, type BenchRun } from '../../kit/tools/bench/results.ts';
import { axisRange, renderSvg } from '../../kit/tools/bench/svg.ts';
import { variants } from '../../kit/tools/bench/workloads.ts';
import { readResults, writeResults } from '../../kit/tools/bench/write.ts';
import { PROFILES } from '../../kit/tools/bench/runner.ts';

/** Synthetic results: per variant and env, the measured values (warm-ups added). */
function fakeResults(
  values: Partial<Record<string, Partial<Record<EnvName, number[]>>>>,
  envs: EnvName[] = ['host', 'container', 'lxc'],
): BenchResults {
  const vs = variants(PROFILES.quick.files, reference.sysbench);
  const runs: BenchRun[] = [];
  for (const v of vs) {
    for (const env of envs) {
      const xs = values[v.id]?.[env] ?? [100, 101, 99];
      runs.push({
        variant: v.id,
        env,
        rep: 0,
        warmup: true,
        argv: ['sysbench'],
        startedAt: '',
        wallS: 1,
        exitCode: 0,
        value: xs[0],
        report: {},
        stdout: '',
      });
      xs.forEach((x, i) =>
        runs.push({
          variant: v.id,
          env,
          rep: i + 1,
          warmup: false,
          argv: ['sysbench'],
          amount: 500,
          startedAt: '',
          wallS: 0.3,
          exitCode: 0,
          value: x,
          report: { totalTimeS: 500 / x },
          stdout: '',
        }),
      );
    }
  }
  return {
    schema: RESULTS_SCHEMA,
    mode: 'quick',
    profile: PROFILES.quick,
    startedAt: '2025-01-01T00:00:00Z',
    finishedAt: '2025-01-01T00:01:00Z',
    durationS: 60,
    machine: { cpus: 2, cpuModel: 'Test CPU', kernel: '6.1.0', memoryMiB: 2048, sysbench: '1.0.20' },
    host: { nsIds: {}, cgroup: '0::/\n' },
    environments: envs.map((name) => ({ name, available: true, description: `${name} env` })),
    variants: vs.map((v) => ({ id: v.id, workload: v.workload, label: v.label, measures: v.measures, metric: v.metric, args: v.args })),
    runs,
  };
}

describe('tabulate', () => {
  it('summarizes measured runs only and compares with the host', () => {
    const r = fakeResults({ cpu: { host: [100, 101, 99], container: [99, 100, 101], lxc: [50, 51, 49] } });
    const cpu = tabulate(r).find((row) => row.variant === 'cpu')!;
    expect(cpu.cells.map((c) => c.env)).toEqual(['host', 'container', 'lxc']);
    expect(cpu.cells[0].summary?.n).toBe(3);
    expect(cpu.cells[0].verdict).toBeUndefined();
    expect(cpu.cells[1].verdict?.kind).toBe('same');
    expect(cpu.cells[2].verdict?.kind).toBe('slower');
    expect(cpu.totalTimeS.host).toBeCloseTo(5, 5);
  });

  it('counts failed runs and leaves them out', () => {
    const r = fakeResults({});
    const bad = r.runs.find((x) => x.variant === 'memory' && x.env === 'container' && !x.warmup)!;
    delete bad.value;
    bad.error = 'FATAL: boom';
    const mem = tabulate(r).find((row) => row.variant === 'memory')!;
    const c = mem.cells.find((x) => x.env === 'container')!;
    expect(c.failures).toBe(1);
    expect(c.summary?.n).toBe(2);
  });
});

describe('observations', () => {
  it("explains O_DIRECT reads that are faster in the container by the loop device's second cache", () => {
    const r = fakeResults({
      'fileio-read/rndrd-direct': { host: [200, 205, 195], container: [2000, 2050, 1950] },
      'fileio-read/seqrd-direct': { host: [220, 225, 215], container: [2400, 2450, 2350] },
    });
    const text = observations(r, tabulate(r)).join('\n');
    expect(text).toMatch(/O_DIRECT reads: our container/);
    expect(text).toMatch(/loop device reads its backing file through the host's page cache/);
  });

  it('does not claim a CPU difference inside the noise', () => {
    const r = fakeResults({ cpu: { host: [90, 100, 110], container: [87, 97, 107], lxc: [95, 100, 105] } });
    const cpu = observations(r, tabulate(r)).filter((o) => o.startsWith('CPU'));
    expect(cpu).toHaveLength(2);
    for (const o of cpu) {
      expect(o).toMatch(/the same as the host|not distinguishable from the host/);
      expect(o).not.toMatch(/slower/);
    }
  });

  it('points at a CPU limit when the container is clearly slower', () => {
    const r = fakeResults({ cpu: { host: [100, 101, 99], container: [50, 51, 49] } });
    expect(observations(r, tabulate(r)).join('\n')).toMatch(/cpu\.max or cpu\.cfs_quota_us/);
  });

  it('explains a slower CPU by the cgroup quota seen during the runs', () => {
    const r = fakeResults({ cpu: { host: [100, 101, 99], container: [50, 51, 49] } });
    for (const run of r.runs.filter((x) => x.env === 'container')) run.limits = { cpus: 0.5, memoryBytes: 256 * 2 ** 20, pidsMax: 64 };
    const text = observations(r, tabulate(r)).join('\n');
    expect(text).toMatch(/quota of 0.5 CPU .*just what the quota allows/);
    expect(renderMarkdown(r, tabulate(r))).toMatch(/cgroup limits seen while it ran: 0.5 CPU, 256 MiB of memory, 64 processes/);
  });

  it('does not say "only" when our container and LXC differ in almost every workload', () => {
    const ids = variants(PROFILES.quick.files, reference.sysbench).map((v) => v.id);
    // LXC twice as fast as our container everywhere but the CPU test: the old text said "differ clearly only in" and listed all the others
    const values = Object.fromEntries(
      ids.map((id) => [
        id,
        id === 'cpu' ? { container: [100, 101, 99], lxc: [100, 101, 99] } : { container: [100, 101, 99], lxc: [200, 202, 198] },
      ]),
    );
    const line = observations(fakeResults(values), tabulate(fakeResults(values))).find((o) => o.startsWith('Our container vs LXC'))!;
    expect(line).not.toMatch(/only in fileio/);
    expect(line).toContain(`differ clearly in ${ids.length - 1} of the ${ids.length} workloads, and are alike only in cpu;`);
    const all = Object.fromEntries(ids.map((id) => [id, { container: [100, 101, 99], lxc: [200, 202, 198] }]));
    expect(observations(fakeResults(all), tabulate(fakeResults(all))).join('\n')).toContain(
      `differ clearly in all ${ids.length} workloads`,
    );
    const one = { memory: { container: [100, 101, 99], lxc: [200, 202, 198] } };
    expect(observations(fakeResults(one), tabulate(fakeResults(one))).join('\n')).toContain('differ clearly only in memory;');
  });

  it('does not blame the memory limit for slow page-cache reads of files that fit in it', () => {
    const slowReads = {
      'fileio-read/seqrd': { host: [1000, 1010, 990], container: [500, 505, 495] },
      'fileio-read/rndrd': { host: [1000, 1010, 990], container: [500, 505, 495] },
    };
    const limited = (totalSize: string) => {
      const r = fakeResults(slowReads);
      r.profile = { ...r.profile, files: { totalSize, files: 4 } };
      for (const run of r.runs.filter((x) => x.env === 'container')) run.limits = { cpus: 0.5, memoryBytes: 256 * 2 ** 20, pidsMax: 64 };
      return observations(r, tabulate(r)).find((o) => o.startsWith('File reads through the page cache in'))!;
    };
    // 24 MiB of files under a 256 MiB limit: the old text said the limit caps the cache and files are read again
    const small = limited('24M');
    expect(small).not.toMatch(/caps its page cache/);
    expect(small).toMatch(/memory limit \(256 MiB\) is not the cause: the 24 MiB of test files fit/);
    expect(small).toMatch(/CPU quota \(0.5 CPU\) throttles/);
    expect(limited('512M')).toMatch(/memory cgroup limit \(256 MiB\) also caps its page cache, and the 512 MiB of test files do not fit/);
  });

  it('says which environment was not measured and how to install it', () => {
    const r = fakeResults({}, ['host', 'container']);
    r.environments.push({ name: 'lxc', available: false, note: 'LXC is not installed', install: 'sudo apt-get install lxc' });
    const text = observations(r, tabulate(r)).join('\n');
    expect(text).toMatch(/LXC was not measured: LXC is not installed \(install: sudo apt-get install lxc\)/);
  });
});

describe('renderMarkdown', () => {
  it('has one row per variant, ratio columns for the non-host environments, and the CPU total time', () => {
    const r = fakeResults({ cpu: { host: [100, 101, 99], container: [200, 201, 199] } });
    const md = renderMarkdown(r, tabulate(r), { chart: 'bench.svg' });
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Workload'));
    expect(rows).toHaveLength(variants(PROFILES.quick.files, reference.sysbench).length);
    expect(md).toMatch(/\| Workload \| What \| host \| our container \| LXC \| our container \/ host \| LXC \/ host \|/);
    expect(md).toMatch(/\*\*2\.00× \(faster; noise ±/);
    expect(md).toMatch(/CPU total time for the same 500 events/);
    expect(md).toMatch(/!\[Speed relative to the host\]\(bench\.svg\)/);
    expect(md).toMatch(/## Observations/);
  });
});

describe('renderSvg', () => {
  it('is a standalone SVG with a bar per environment and row, escaped text', () => {
    const r = fakeResults({ cpu: { host: [100, 101, 99], container: [50, 51, 49] } });
    const svg = renderSvg(tabulate(r), { subtitle: 'a <b> & c' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('a &lt;b&gt; &amp; c');
    expect(svg).not.toMatch(/<script|href=/);
    const bars = svg.match(/<rect [^>]*fill="#(2b7bb9|d9822b)" fill-opacity/g) ?? [];
    expect(bars).toHaveLength(2 * variants(PROFILES.quick.files, reference.sysbench).length);
  });

  it('chooses a log axis of powers of two that covers every ratio', () => {
    expect(axisRange([1, 1.1, 0.9])).toEqual({ min: 0.5, max: 2 });
    expect(axisRange([10, 0.1])).toEqual({ min: 0.0625, max: 16 });
  });
});

describe('writeResults / readResults', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('writes json, md and svg and reads the json back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-out-'));
    dirs.push(dir);
    const r = fakeResults({});
    const files = writeResults(r, dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['bench.json', 'bench.md', 'bench.svg']);
    expect(readResults(dir)).toEqual(r);
    expect(fs.readFileSync(files.md, 'utf8')).toContain('bench.svg');
  });

  it('says what to do when there are no results or they are from another version', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-out-'));
    dirs.push(dir);
    expect(() => readResults(dir)).toThrow(/No benchmark results yet/);
    fs.writeFileSync(path.join(dir, 'bench.json'), JSON.stringify({ schema: 0 }));
    expect(() => readResults(dir)).toThrow(/another version/);
  });
});

describe('kept runs (npm run bench -- --label NAME)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('keep a labelled run next to the main one, and the report shows each', async () => {
    const { benchRuns, labelledDir } = await import('../../kit/tools/bench/write.ts');
    const { writeReport } = await import('../../kit/tools/report/command.ts');
    const results = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-kept-'));
    dirs.push(results);
    expect(() => labelledDir('../x', results)).toThrow(/--label "..\/x" is not a usable name/);
    expect(() => labelledDir('', results)).toThrow(/not a usable name/);
    writeResults(fakeResults({}), results);
    writeResults(
      fakeResults({ cpu: { host: [100, 101, 99], container: [50, 51, 49], lxc: [99, 100, 101] } }),
      labelledDir('cpus1', results),
    );
    expect(benchRuns(results)).toEqual([{ dir: results }, { label: 'cpus1', dir: path.join(results, 'bench-cpus1') }]);
    // the main run is untouched by the labelled one
    expect(readResults(results).runs.find((r) => r.variant === 'cpu' && r.env === 'container' && !r.warmup)?.value).toBe(100);

    const r = writeReport({ outDir: results, steps: [], stepsDir: 'steps', fresh: [], checksRun: false, state: results });
    const md = fs.readFileSync(r.md, 'utf8');
    expect(md).toContain('### Kept run `cpus1` (results/bench-cpus1)');
    expect(md).toContain('![Speed relative to the host](bench-cpus1/bench.svg)');
    expect(fs.readFileSync(r.html, 'utf8').match(/<figure role="img"/g)?.length).toBe(2);
  });
});
