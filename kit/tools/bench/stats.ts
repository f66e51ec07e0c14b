// Small statistics for few repetitions: the median (robust to one odd run),
// the spread, and a comparison with the host that refuses to call a
// difference real when the runs themselves vary as much.

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  mean: number;
  /** sample standard deviation (n - 1); 0 for a single value */
  stdev: number;
  /** coefficient of variation: stdev / mean (0.05 = 5 %) */
  cv: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summarize(xs: readonly number[]): Summary | undefined {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length === 0) return undefined;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.length > 1 ? v.reduce((a, x) => a + (x - mean) ** 2, 0) / (v.length - 1) : 0;
  const stdev = Math.sqrt(variance);
  return {
    n: v.length,
    median: median(v),
    min: Math.min(...v),
    max: Math.max(...v),
    mean,
    stdev,
    cv: mean !== 0 ? stdev / Math.abs(mean) : 0,
  };
}

export type VerdictKind = 'same' | 'faster' | 'slower' | 'unclear' | 'too-few-runs';

export interface Verdict {
  kind: VerdictKind;
  /** median(env) / median(host); > 1 is faster (every metric here is higher-is-better) */
  ratio: number;
  /** the relative difference that the runs' spread can explain, e.g. 0.06 */
  noise: number;
  /** one phrase for tables: '0.98× (same within ±6 %)' */
  text: string;
}

/** Below this, a difference is not worth a claim even if the runs agree perfectly. */
export const MIN_EFFECT = 0.02;

const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;
export const formatRatio = (r: number): string => `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(2) : r.toPrecision(2)}×`;

/**
 * Compare an environment with the host. The noise is the combined CV of both
 * sides (their variances add); a difference is claimed only when it is larger
 * than twice that noise (and than MIN_EFFECT) *and* the two sets of runs do
 * not overlap at all. With few runs that is deliberately conservative.
 */
export function compare(env: Summary, host: Summary): Verdict {
  const ratio = env.median / host.median;
  const noise = Math.sqrt(env.cv ** 2 + host.cv ** 2);
  const threshold = Math.max(2 * noise, MIN_EFFECT);
  const r = formatRatio(ratio);
  if (env.n < 2 || host.n < 2) {
    return { kind: 'too-few-runs', ratio, noise, text: `${r} (one run each: noise unknown)` };
  }
  const diff = Math.abs(ratio - 1);
  if (diff <= threshold) return { kind: 'same', ratio, noise, text: `${r} (same within ±${pct(threshold)})` };
  const disjoint = env.min > host.max || env.max < host.min;
  const dir = ratio > 1 ? 'faster' : 'slower';
  // 'faster' alone above 2×: '194 % faster' reads worse than the ratio in front of it
  const amount = ratio > 1 ? (ratio >= 2 ? 'faster' : `${pct(ratio - 1)} faster`) : `${pct(1 - ratio)} slower`;
  if (!disjoint) return { kind: 'unclear', ratio, noise, text: `${r} (maybe ${dir}: runs overlap)` };
  return { kind: dir, ratio, noise, text: `${r} (${amount}; noise ±${pct(noise)})` };
}
