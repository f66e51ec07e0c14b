// results/bench.json, bench.md and bench.svg, written together; and reading
// them back for the check and the report.

import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../../core/errors.ts';
import { projectRoot } from '../../core/paths.ts';
import { renderMarkdown } from './markdown.ts';
import { RESULTS_SCHEMA, tabulate, type BenchResults } from './results.ts';
import { renderSvg } from './svg.ts';

export const resultsDir = (): string => process.env.CW_RESULTS_DIR ?? path.join(projectRoot, 'results');

/** `--label NAME` keeps a run next to the others: results/bench-NAME/. */
export const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

export function labelledDir(label: string, dir = resultsDir()): string {
  if (!LABEL.test(label)) {
    throw new KitError(`--label ${JSON.stringify(label)} is not a usable name.`, {
      hint: 'Use letters, digits, dots, dashes or underscores (up to 40), e.g. --label cpus1',
      page: '/steps/05-bench',
      exitCode: 2,
    });
  }
  return path.join(dir, `bench-${label}`);
}

/** The benchmark runs kept in results/: the main one (no label) and each labelled one, by name. */
export function benchRuns(dir = resultsDir()): { label?: string; dir: string }[] {
  const out: { label?: string; dir: string }[] = [];
  if (fs.existsSync(path.join(dir, 'bench.json'))) out.push({ dir });
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const n of names) {
    const m = /^bench-(.+)$/.exec(n);
    if (m && LABEL.test(m[1]) && fs.existsSync(path.join(dir, n, 'bench.json'))) out.push({ label: m[1], dir: path.join(dir, n) });
  }
  return out;
}

export interface WrittenFiles {
  json: string;
  md: string;
  svg: string;
}

export function writeResults(results: BenchResults, dir = resultsDir()): WrittenFiles {
  fs.mkdirSync(dir, { recursive: true });
  const files = { json: path.join(dir, 'bench.json'), md: path.join(dir, 'bench.md'), svg: path.join(dir, 'bench.svg') };
  const rows = tabulate(results);
  writeAtomic(files.json, `${JSON.stringify(results, null, 2)}\n`);
  writeAtomic(files.svg, renderSvg(rows, { subtitle: subtitle(results) }));
  writeAtomic(files.md, renderMarkdown(results, rows, { chart: 'bench.svg' }));
  return files;
}

const subtitle = (r: BenchResults): string =>
  `${r.mode} mode, ${r.profile.reps} runs each, median; whiskers: slowest to fastest run · ${r.machine.cpus} CPUs, sysbench ${r.machine.sysbench ?? '?'}`;

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

export function readResults(dir = resultsDir()): BenchResults {
  const file = path.join(dir, 'bench.json');
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new KitError(
      missing
        ? `No benchmark results yet (${path.relative(projectRoot, file)} is missing).`
        : `${path.relative(projectRoot, file)} is not valid JSON.`,
      {
        hint: 'Run the benchmark first: npm run bench -- --quick (or the full run: npm run bench).',
        page: '/steps/05-bench',
      },
    );
  }
  const r = data as Partial<BenchResults>;
  if (r.schema !== RESULTS_SCHEMA || !Array.isArray(r.runs) || !Array.isArray(r.environments) || !Array.isArray(r.variants)) {
    throw new KitError(`${path.relative(projectRoot, file)} was written by another version of the kit.`, {
      hint: 'Run the benchmark again: npm run bench -- --quick',
      page: '/steps/05-bench',
    });
  }
  return r as BenchResults;
}
