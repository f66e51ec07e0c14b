import { describe, expect, it } from 'vitest';
import { compare, formatRatio, median, summarize } from '../../kit/tools/bench/stats.ts';
import { interleave } from '../../kit/tools/bench/schedule.ts';

describe('median and summarize', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('gives min, max, sample stdev and CV', () => {
    const s = summarize([10, 12, 14]);
    expect(s).toMatchObject({ n: 3, median: 12, min: 10, max: 14, mean: 12, stdev: 2 });
    expect(s?.cv).toBeCloseTo(2 / 12, 10);
  });

  it('ignores non-numbers and returns undefined for nothing', () => {
    expect(summarize([NaN, 5])).toMatchObject({ n: 1, median: 5, stdev: 0, cv: 0 });
    expect(summarize([])).toBeUndefined();
  });
});

describe('compare: a verdict that knows the noise', () => {
  const s = (xs: number[]) => summarize(xs) as NonNullable<ReturnType<typeof summarize>>;

  it('calls a 3 % difference "same" when the runs vary by 10 %', () => {
    const host = s([90, 100, 110]);
    const env = s([87, 97, 107]);
    const v = compare(env, host);
    expect(v.kind).toBe('same');
    expect(v.ratio).toBeCloseTo(0.97, 5);
    expect(v.text).toMatch(/same within/);
    expect(v.text).not.toMatch(/slower/);
  });

  it('calls a clear difference with non-overlapping runs', () => {
    const v = compare(s([50, 51, 49]), s([100, 101, 99]));
    expect(v.kind).toBe('slower');
    expect(v.text).toMatch(/50 % slower/);
    const f = compare(s([300, 301, 299]), s([100, 101, 99]));
    expect(f.kind).toBe('faster');
    expect(f.text).toBe('3.00× (faster; noise ±1.1 %)');
  });

  it('does not claim a difference when the runs overlap, even if the medians differ', () => {
    // medians 20 % apart, more than twice the noise, but one fast run of the
    // environment reaches into the host's range
    const v = compare(s([80, 80, 80, 80, 98]), s([100, 100, 100, 100, 97]));
    expect(v.kind).toBe('unclear');
    expect(v.text).toMatch(/maybe slower/);
  });

  it('refuses to judge single runs', () => {
    expect(compare(s([1]), s([2])).kind).toBe('too-few-runs');
  });

  it('needs at least a 2 % effect even when the runs are identical', () => {
    expect(compare(s([101, 101, 101]), s([100, 100, 100])).kind).toBe('same');
    expect(compare(s([103, 103, 103]), s([100, 100, 100])).kind).toBe('faster');
  });
});

describe('formatRatio', () => {
  it('keeps two decimals near 1 and fewer far from it', () => {
    expect(formatRatio(0.987)).toBe('0.99×');
    expect(formatRatio(1.234)).toBe('1.23×');
    expect(formatRatio(12.3)).toBe('12×');
    expect(formatRatio(0.0123)).toBe('0.012×');
  });
});

describe('interleave', () => {
  it('warms every environment up, then alternates host, container, lxc, host ...', () => {
    const s = interleave(['cpu', 'memory'], ['host', 'container', 'lxc'], 2);
    expect(s).toHaveLength(2 * 3 * 3);
    expect(s.slice(0, 9).map((r) => `${r.env}${r.rep}`)).toEqual([
      'host0',
      'container0',
      'lxc0',
      'host1',
      'container1',
      'lxc1',
      'host2',
      'container2',
      'lxc2',
    ]);
    expect(s.slice(0, 3).every((r) => r.warmup)).toBe(true);
    expect(s.slice(3).filter((r) => r.warmup)).toHaveLength(3);
    expect(s[9]).toEqual({ variant: 'memory', env: 'host', rep: 0, warmup: true });
  });

  it('gives some variants more runs', () => {
    const s = interleave(['cpu', 'memory'], ['host', 'lxc'], (v) => (v === 'cpu' ? 4 : 1));
    expect(s.filter((r) => r.variant === 'cpu' && !r.warmup)).toHaveLength(8);
    expect(s.filter((r) => r.variant === 'memory' && !r.warmup)).toHaveLength(2);
  });
});
