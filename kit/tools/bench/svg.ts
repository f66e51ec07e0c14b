// results/bench.svg: each variant's speed relative to the host, by hand (no
// chart library): a log scale, so that "twice as fast" and "half as fast" are
// the same distance from 1; whiskers from the slowest to the fastest run;
// pale bars where the difference is within the noise.

import type { EnvName } from './environment.ts';
import type { Row } from './results.ts';
import { formatRatio } from './stats.ts';
import { WORKLOAD_TITLES } from './workloads.ts';

export const ENV_COLORS: Record<EnvName, string> = { host: '#555555', container: '#2b7bb9', lxc: '#d9822b' };
export const ENV_LABELS: Record<EnvName, string> = { host: 'host', container: 'our container', lxc: 'LXC' };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (x: number): string => (Math.round(x * 10) / 10).toString();

interface Bar {
  env: EnvName;
  ratio: number;
  lo: number;
  hi: number;
  significant: boolean;
}

/** Powers of two that cover [lo, hi] and always include 1/2 .. 2. */
export function axisRange(values: number[]): { min: number; max: number } {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.min(0.5, ...finite);
  const hi = Math.max(2, ...finite);
  return { min: 2 ** Math.floor(Math.log2(lo)), max: 2 ** Math.ceil(Math.log2(hi)) };
}

export function renderSvg(rows: Row[], opts: { title?: string; subtitle?: string } = {}): string {
  const envs = [...new Set(rows.flatMap((r) => r.cells.map((c) => c.env)))].filter((e) => e !== 'host');
  const bars = rows.map((r) => {
    const host = r.cells.find((c) => c.env === 'host')?.summary;
    return envs.map((env): Bar | undefined => {
      const cell = r.cells.find((c) => c.env === env);
      if (!cell?.summary || !cell.verdict || !host) return undefined;
      return {
        env,
        ratio: cell.verdict.ratio,
        lo: cell.summary.min / host.median,
        hi: cell.summary.max / host.median,
        significant: cell.verdict.kind === 'faster' || cell.verdict.kind === 'slower',
      };
    });
  });
  const all = bars.flat().flatMap((b) => (b ? [b.lo, b.hi, b.ratio] : []));
  const { min, max } = axisRange(all);

  const W = 820;
  const left = 250;
  const right = 70;
  const top = 78;
  const barH = 10;
  const rowH = Math.max(34, envs.length * (barH + 3) + 10);
  const plotW = W - left - right;
  const H = top + rows.length * rowH + 44;
  const x = (v: number): number =>
    left + ((Math.log2(Math.min(Math.max(v, min), max)) - Math.log2(min)) / (Math.log2(max) - Math.log2(min))) * plotW;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" role="img">`,
  );
  out.push(`<title>${esc(opts.title ?? 'Speed relative to the host')}</title>`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(
    `<text x="16" y="24" font-size="16" font-weight="600" fill="#222">${esc(opts.title ?? 'Speed relative to the host (1 = same as the host, log scale)')}</text>`,
  );
  if (opts.subtitle) out.push(`<text x="16" y="42" fill="#666">${esc(opts.subtitle)}</text>`);

  // legend
  let lx = left;
  for (const env of envs) {
    out.push(
      `<rect x="${lx}" y="52" width="12" height="10" fill="${ENV_COLORS[env]}"/><text x="${lx + 16}" y="61" fill="#333">${esc(ENV_LABELS[env])}</text>`,
    );
    lx += 120;
  }
  out.push(
    `<rect x="${lx}" y="52" width="12" height="10" fill="#999" fill-opacity="0.35"/><text x="${lx + 16}" y="61" fill="#333">pale: within the noise</text>`,
  );

  // grid: powers of two
  for (let v = min; v <= max * 1.0001; v *= 2) {
    const gx = fmt(x(v));
    out.push(
      `<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${top + rows.length * rowH}" stroke="${v === 1 ? '#222' : '#ddd'}" stroke-width="${v === 1 ? 1.5 : 1}"/>`,
    );
    out.push(`<text x="${gx}" y="${top + rows.length * rowH + 16}" text-anchor="middle" fill="#444">${esc(formatRatio(v))}</text>`);
  }
  out.push(`<text x="${fmt(x(min))}" y="${top + rows.length * rowH + 34}" fill="#666">← slower than the host</text>`);
  out.push(`<text x="${fmt(x(max))}" y="${top + rows.length * rowH + 34}" text-anchor="end" fill="#666">faster than the host →</text>`);

  rows.forEach((r, i) => {
    const y0 = top + i * rowH;
    if (i % 2 === 0) out.push(`<rect x="8" y="${y0}" width="${W - 16}" height="${rowH}" fill="#f6f8fa"/>`);
    const mid = y0 + rowH / 2;
    out.push(
      `<text x="${left - 10}" y="${fmt(mid - 3)}" text-anchor="end" fill="#222" font-weight="600">${esc(WORKLOAD_TITLES[r.workload])}</text>`,
    );
    out.push(`<text x="${left - 10}" y="${fmt(mid + 12)}" text-anchor="end" fill="#555" font-size="11">${esc(r.label)}</text>`);
    const first = mid - (envs.length * (barH + 3)) / 2;
    bars[i].forEach((b, j) => {
      const by = first + j * (barH + 3);
      if (!b) {
        out.push(`<text x="${fmt(x(1) + 4)}" y="${fmt(by + barH - 1)}" fill="#999" font-size="10">no result</text>`);
        return;
      }
      const x1 = Math.min(x(1), x(b.ratio));
      const w = Math.max(1, Math.abs(x(b.ratio) - x(1)));
      out.push(
        `<rect x="${fmt(x1)}" y="${fmt(by)}" width="${fmt(w)}" height="${barH}" fill="${ENV_COLORS[b.env]}" fill-opacity="${b.significant ? 0.9 : 0.35}"><title>${esc(`${ENV_LABELS[b.env]}: ${formatRatio(b.ratio)} of the host (runs ${formatRatio(b.lo)} to ${formatRatio(b.hi)})`)}</title></rect>`,
      );
      const wy = fmt(by + barH / 2);
      out.push(`<line x1="${fmt(x(b.lo))}" y1="${wy}" x2="${fmt(x(b.hi))}" y2="${wy}" stroke="#222" stroke-width="1"/>`);
      for (const v of [b.lo, b.hi])
        out.push(
          `<line x1="${fmt(x(v))}" y1="${fmt(by + 2)}" x2="${fmt(x(v))}" y2="${fmt(by + barH - 2)}" stroke="#222" stroke-width="1"/>`,
        );
      const labelX = Math.max(x(1), x(b.ratio), x(b.hi)) + 4;
      out.push(
        `<text x="${fmt(Math.min(labelX, W - right + 4))}" y="${fmt(by + barH - 1)}" fill="#333" font-size="10">${esc(formatRatio(b.ratio))}</text>`,
      );
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
