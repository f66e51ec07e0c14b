// Side-by-side timing for `npm run perf`: peers measured in one run,
// interleaved (a, b, a, b, ...) so that drift on a noisy machine hits both.

export interface Series {
  name: string;
  samplesMs: number[];
}

export interface FigureResult {
  figure: number;
  title: string;
  series: { name: string; medianMs: number; p10Ms: number; p90Ms: number; runs: number }[];
  /** first series' median / second series' median */
  ratio?: number;
  goal?: string;
  notes: string[];
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const median = (xs: number[]): number =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

export async function interleave(runs: number, peers: { name: string; once: () => Promise<void> }[], warmup = 3): Promise<Series[]> {
  for (let i = 0; i < warmup; i++) for (const p of peers) await p.once();
  const series = peers.map((p) => ({ name: p.name, samplesMs: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    for (const [j, p] of peers.entries()) {
      const t0 = performance.now();
      await p.once();
      series[j].samplesMs.push(performance.now() - t0);
    }
  }
  return series;
}

export function summarize(figure: number, title: string, series: Series[], goal?: string, notes: string[] = []): FigureResult {
  const rows = series.map((s) => {
    const sorted = [...s.samplesMs].sort((a, b) => a - b);
    return {
      name: s.name,
      medianMs: quantile(sorted, 0.5),
      p10Ms: quantile(sorted, 0.1),
      p90Ms: quantile(sorted, 0.9),
      runs: sorted.length,
    };
  });
  const ratio = rows.length >= 2 ? rows[0].medianMs / rows[1].medianMs : undefined;
  return { figure, title, series: rows, ratio, goal, notes };
}

export function formatFigure(f: FigureResult): string {
  const lines = [`Figure ${f.figure}: ${f.title}`];
  for (const s of f.series) {
    lines.push(
      `  ${s.name.padEnd(58)} median ${s.medianMs.toFixed(2).padStart(8)} ms   p10 ${s.p10Ms.toFixed(2).padStart(7)}   p90 ${s.p90Ms.toFixed(2).padStart(7)}   (${s.runs} runs)`,
    );
  }
  if (f.ratio !== undefined)
    lines.push(
      `  ratio ${f.series[0].name.split(' ')[0]} / ${f.series[1].name.split(' ')[0]}: ${f.ratio.toFixed(2)}${f.goal ? `   (goal: ${f.goal})` : ''}`,
    );
  for (const n of f.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}
