import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSysbench, toMiB } from '../../kit/tools/bench/parse.ts';

const fixture = (name: string): string => fs.readFileSync(path.join(import.meta.dirname, '../fixtures/sysbench', name), 'utf8');

describe('parseSysbench on sysbench 1.0.20 output captured here', () => {
  it('reads the cpu test: events per second, total time, latency', () => {
    const r = parseSysbench(fixture('cpu-events.txt'));
    expect(r.version).toBe('1.0.20');
    expect(r.threads).toBe(1);
    expect(r.eventsPerSec).toBe(1554.35);
    expect(r.totalTimeS).toBe(1.2862);
    expect(r.events).toBe(2000);
    expect(r.latencyMs).toEqual({ min: 0.59, avg: 0.64, max: 3.74, p95: 0.73, sum: 1283.31 });
    expect(r.fileio).toBeUndefined();
    expect(r.memory).toBeUndefined();
  });

  it('computes events per second when sysbench does not print it (threads)', () => {
    const r = parseSysbench(fixture('threads.txt'));
    expect(r.threads).toBe(4);
    expect(r.events).toBe(872);
    expect(r.totalTimeS).toBe(1.0018);
    expect(r.eventsPerSec).toBeCloseTo(872 / 1.0018, 6);
  });

  it('reads memory throughput in MiB/s and operations per second', () => {
    const r = parseSysbench(fixture('memory-write.txt'));
    expect(r.memory?.MiBps).toBeGreaterThan(0);
    expect(r.memory?.opsPerSec).toBeGreaterThan(0);
    expect(r.memory?.transferredMiB).toBeGreaterThan(0);
    const sized = parseSysbench(fixture('memory-1M-write-sized.txt'));
    expect(sized.memory).toEqual({ transferredMiB: 4000, MiBps: 26613.08, opsPerSec: expect.any(Number) });
  });

  it.each(['seqrd', 'rndrd', 'seqwr', 'rndwr'])('reads fileio %s, with and without O_DIRECT', (mode) => {
    for (const direct of [false, true]) {
      const r = parseSysbench(fixture(`fileio-${mode}${direct ? '-direct' : ''}.txt`));
      const rate = mode.endsWith('rd') ? r.fileio?.readMiBps : r.fileio?.writtenMiBps;
      const other = mode.endsWith('rd') ? r.fileio?.writtenMiBps : r.fileio?.readMiBps;
      expect(rate).toBeGreaterThan(0);
      expect(other).toBe(0);
      expect(r.fileio?.extraFlags).toBe(direct ? 'directio' : undefined);
      expect(r.totalTimeS).toBeGreaterThan(0.9);
      expect(r.fatal).toBeUndefined();
    }
  });

  it('exposes the FATAL line of a run without prepared files', () => {
    const r = parseSysbench(fixture('fileio-rndrd-unprepared.txt'));
    expect(r.fatal).toMatch(/Cannot open file 'test_file.0'/);
    expect(r.fileio?.readMiBps).toBeUndefined();
    expect(r.totalTimeS).toBeUndefined();
  });

  it('returns nothing but the version for prepare output, and {} for garbage', () => {
    const p = parseSysbench(fixture('fileio-prepare.txt'));
    expect(p.version).toBe('1.0.20');
    expect(p.eventsPerSec).toBeUndefined();
    expect(parseSysbench('')).toEqual({});
    expect(parseSysbench('command not found: sysbench')).toEqual({});
  });
});

describe('parseSysbench on the 0.4 format', () => {
  it('reads the cpu summary and per-request statistics', () => {
    const r = parseSysbench(fixture('legacy-0.4.12-cpu.txt'));
    expect(r.version).toBe('0.4.12');
    expect(r.totalTimeS).toBe(23.2421);
    expect(r.events).toBe(10000);
    expect(r.eventsPerSec).toBeCloseTo(10000 / 23.2421, 6);
    expect(r.latencyMs).toEqual({ min: 2.29, avg: 2.32, max: 3.46, p95: 2.37 });
  });

  it('derives fileio rates from "Read ... Written ..." and the total time', () => {
    const r = parseSysbench(fixture('legacy-0.4.12-fileio-rndrw.txt'));
    expect(r.fileio?.readMiBps).toBeCloseTo(93.75 / 96.7791, 6);
    expect(r.fileio?.writtenMiBps).toBeCloseTo(62.5 / 96.7791, 6);
    expect(r.fileio?.readsPerSec).toBeCloseTo(6000 / 96.7791, 6);
    expect(r.fileio?.extraFlags).toBeUndefined();
  });

  it('reads "MB transferred (... MB/sec)"', () => {
    const r = parseSysbench(fixture('legacy-0.4.12-memory.txt'));
    expect(r.memory?.MiBps).toBe(2194.76);
    expect(r.memory?.opsPerSec).toBe(2247436.96);
  });
});

describe('toMiB', () => {
  it('converts the units sysbench has used', () => {
    expect(toMiB(1, 'GiB')).toBe(1024);
    expect(toMiB(1, 'Gb')).toBe(1024);
    expect(toMiB(5, 'MiB')).toBe(5);
    expect(toMiB(5, 'MB')).toBe(5);
    expect(toMiB(512, 'Kb')).toBe(0.5);
    expect(toMiB(1048576, 'b')).toBe(1);
  });
});
