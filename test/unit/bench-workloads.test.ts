import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSysbench } from '../../kit/bench/parse.ts';
import { amountFor, cleanupArgv, measuredArgv, metricOf, prepareArgv, timedArgv, variants, WORKLOADS } from '../../kit/bench/workloads.ts';

const fixture = (name: string) => parseSysbench(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/sysbench', name), 'utf8'));
const files = { totalSize: '64M', files: 4 };

describe('the workload definitions', () => {
  const vs = variants(files);

  it('cover the five workloads of the lab, fileio in four modes with and without O_DIRECT', () => {
    expect(new Set(vs.map((v) => v.workload))).toEqual(new Set(WORKLOADS));
    const fileio = vs.filter((v) => v.args[0] === 'fileio');
    expect(fileio.map((v) => v.id).sort()).toEqual(
      ['seqrd', 'rndrd', 'seqrd-direct', 'rndrd-direct'].map((m) => `fileio-read/${m}`).concat(['seqwr', 'rndwr', 'seqwr-direct', 'rndwr-direct'].map((m) => `fileio-write/${m}`)).sort(),
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
    expect(measuredArgv(cpu, 500, 2.4)).toEqual(['sysbench', 'cpu', '--cpu-max-prime=20000', '--threads=1', '--events=500', '--time=3', 'run']);
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
