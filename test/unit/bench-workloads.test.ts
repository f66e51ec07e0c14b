import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import reference from '../../solutions/05-bench.ts';
import { parseSysbench } from '../../kit/tools/bench/parse.ts';
import { dfAvailable } from '../../kit/tools/bench/environment.ts';
import { fitFiles, sizeBytes } from '../../kit/tools/bench/runner.ts';
import {
  amountFor,
  cleanupArgv,
  measuredArgv,
  metricOf,
  prepareArgv,
  timedArgv,
  variants,
  WORKLOADS,
} from '../../kit/tools/bench/workloads.ts';

const fixture = (name: string) => parseSysbench(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/sysbench', name), 'utf8'));
const files = { totalSize: '64M', files: 4 };

describe('the workload definitions', () => {
  const vs = variants(files, reference.sysbench);

  it('cover the five workloads of the lab, fileio in four modes with and without O_DIRECT', () => {
    expect(new Set(vs.map((v) => v.workload))).toEqual(new Set(WORKLOADS));
    const fileio = vs.filter((v) => v.args[0] === 'fileio');
    expect(fileio.map((v) => v.id).sort()).toEqual(
      ['seqrd', 'rndrd', 'seqrd-direct', 'rndrd-direct']
        .map((m) => `fileio-read/${m}`)
        .concat(['seqwr', 'rndwr', 'seqwr-direct', 'rndwr-direct'].map((m) => `fileio-write/${m}`))
        .sort(),
    );
    expect(fileio.filter((v) => v.args.includes('--file-extra-flags=direct'))).toHaveLength(4);
    expect(new Set(vs.map((v) => v.id)).size).toBe(vs.length);
  });

  it('measures reads before writes', () => {
    const ids = vs.map((v) => v.workload);
    expect(ids.lastIndexOf('fileio-read')).toBeLessThan(ids.indexOf('fileio-write'));
  });

  it('uses the same file set in prepare, run and cleanup', () => {
    expect(prepareArgv(files)).toEqual(['sysbench', 'fileio', '--file-total-size=64M', '--file-num=4', 'prepare']);
    expect(cleanupArgv(files)).toEqual(['sysbench', 'fileio', '--file-total-size=64M', '--file-num=4', 'cleanup']);
    for (const v of vs.filter((x) => x.needsFiles)) expect(v.args.slice(1, 3)).toEqual(['--file-total-size=64M', '--file-num=4']);
  });

  it('fixes the amount of work with --events, or --memory-total-size for memory (which ignores --events)', () => {
    const cpu = vs.find((v) => v.id === 'cpu')!;
    expect(measuredArgv(cpu, 500, 2.4)).toEqual([
      'sysbench',
      'cpu',
      '--cpu-max-prime=20000',
      '--threads=1',
      '--events=500',
      '--time=3',
      'run',
    ]);
    const mem = vs.find((v) => v.id === 'memory')!;
    expect(measuredArgv(mem, 4000, 1)).toContain('--memory-total-size=4000M');
    expect(timedArgv(mem, 1)).toContain('--memory-total-size=1T');
    expect(timedArgv(cpu, 0.2)).toContain('--time=1');
  });

  it('calibrates the amount from a warm-up run', () => {
    const cpu = vs.find((v) => v.id === 'cpu')!;
    expect(amountFor(cpu, fixture('cpu-time.txt'), 0.5)).toBe(Math.round(fixture('cpu-time.txt').eventsPerSec! * 0.5));
    const mem = vs.find((v) => v.id === 'memory')!;
    expect(amountFor(mem, fixture('memory-1M-write-sized.txt'), 0.3)).toBe(Math.round(26613.08 * 0.3));
    expect(amountFor(cpu, {}, 0.5)).toBeUndefined();
  });

  it('picks the right number out of each report', () => {
    const byId = (id: string) => vs.find((v) => v.id === id)!;
    expect(metricOf(byId('cpu'), fixture('cpu-events.txt'))).toBe(1554.35);
    expect(metricOf(byId('fileio-read/rndrd-direct'), fixture('fileio-rndrd-direct.txt'))).toBe(237.43);
    expect(metricOf(byId('fileio-write/seqwr-direct'), fixture('fileio-seqwr-direct.txt'))).toBe(203.31);
    expect(metricOf(byId('memory'), fixture('memory-1M-write-sized.txt'))).toBe(26613.08);
    expect(metricOf(byId('fileio-read/rndrd'), fixture('fileio-rndrd-unprepared.txt'))).toBeUndefined();
  });
});

describe('the reference reading of the numbers (solutions/05-bench.ts read)', () => {
  const raw = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../fixtures/sysbench', name), 'utf8');
  const vs = variants(files, reference.sysbench);

  it.each([
    ['cpu', 'cpu-events.txt'],
    ['fileio-read/rndrd', 'fileio-rndrd.txt'],
    ['fileio-read/seqrd-direct', 'fileio-seqrd-direct.txt'],
    ['fileio-write/rndwr', 'fileio-rndwr.txt'],
    ['fileio-write/seqwr-direct', 'fileio-seqwr-direct.txt'],
    ['memory', 'memory-1M-write-sized.txt'],
    ['threads', 'threads.txt'],
  ])("%s agrees with the kit's parser on %s", (id, file) => {
    const v = vs.find((x) => x.id === id)!;
    const kit = metricOf(v, parseSysbench(raw(file)));
    const theirs = reference.read(v.workload, raw(file));
    expect(kit).toBeGreaterThan(0);
    expect(theirs).toBeCloseTo(kit!, 6);
  });

  it('finds nothing in a failed run', () => {
    expect(reference.read('fileio-read', raw('fileio-rndrd-unprepared.txt'))).toBeUndefined();
  });
});

describe('sizing the files to the smallest free space', () => {
  const env = (free: number | undefined) =>
    ({ freeBytes: async () => free }) as unknown as import('../../kit/tools/bench/environment.ts').BenchEnvironment;

  it('keeps the size when it fits in half of every free space', async () => {
    expect(await fitFiles({ totalSize: '64M', files: 4 }, [env(10 * 2 ** 30), env(undefined)])).toEqual({ totalSize: '64M', files: 4 });
  });

  it('shrinks to half of the smallest free space, in whole MiB per file', async () => {
    expect(await fitFiles({ totalSize: '256M', files: 4 }, [env(10 * 2 ** 30), env(54 * 2 ** 20)])).toEqual({ totalSize: '24M', files: 4 });
    expect(await fitFiles({ totalSize: '256M', files: 5 }, [env(54 * 2 ** 20)])).toEqual({ totalSize: '25M', files: 5 });
    expect(await fitFiles({ totalSize: '256M', files: 4 }, [env(2 ** 20)])).toEqual({ totalSize: '4M', files: 4 });
  });

  it('reads sizes and df output', () => {
    expect(sizeBytes('64M')).toBe(64 * 2 ** 20);
    expect(sizeBytes('1G')).toBe(2 ** 30);
    const df =
      'Filesystem           1K-blocks      Used Available Use% Mounted on\n/dev/loop0               57288        24     52676   0% /home\n';
    expect(dfAvailable(df)).toBe(52676 * 1024);
    expect(dfAvailable('df: .: No such file or directory')).toBeUndefined();
  });
});
