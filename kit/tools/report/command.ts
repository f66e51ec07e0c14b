// `npm run report`: the lab report in results/: report.md (the student's: the
// kit regenerates only its marked regions, around the student's answers),
// report.html (one self-contained page) and report.pdf (through Chromium or
// Chrome, when installed). Lists every question still unanswered.

import fs from 'node:fs';
import path from 'node:path';
import { tabulate, type BenchResults } from '../bench/results.ts';
import { benchRuns, readResults, resultsDir } from '../bench/write.ts';
import { runCheck } from '../check/framework.ts';
import { checkFiles, loadCheck } from '../check/registry.ts';
import type { CheckResult } from '../check/types.ts';
import { parseArgs } from '../cli/args.ts';
import { ready } from '../cli/common.ts';
import { say, warn } from '../cli/output.ts';
import { KitError } from '../../core/errors.ts';
import { Ledger } from '../../core/ledger.ts';
import { giveBack } from '../../core/owner.ts';
import { runsDir, stateDir, stepsDir, stepsDirFrom } from '../../core/paths.ts';
import { listStepFiles, loadStep, requireStepsDir } from '../../core/steps.ts';
import { savedCheckResults, stepTrace } from './evidence.ts';
import { htmlPage } from './html.ts';
import { findChromium, noBrowserHint, printPdf } from './pdf.ts';
import { BENCH_QUESTIONS, question, STEP_QUESTIONS, unanswered, type Unanswered } from './questions.ts';
import { fillRegions, region } from './regions.ts';
import { benchSection, containerSection, observationsSection, stepEvidenceSection } from './sections.ts';

const TITLE = 'Lab report: a Linux container built step by step, and what it costs';

export interface StepHead {
  id: number;
  title: string;
}

/** The first version of report.md: kit regions, and the questions the student answers around them. */
export function reportTemplate(steps: StepHead[]): string {
  return [
    `# ${TITLE}`,
    '',
    '**Author:** _your name_ · **Group:** _your group_ · **Date:** _date_',
    '',
    '<!-- This file is yours. `npm run report` rewrites only the regions between kit:begin and kit:end markers; everything else stays as you write it. Replace each "Your answer" line with your answer. -->',
    '',
    '## 1. The container I built',
    '',
    region('container', ''),
    '',
    question('In your words: what isolates what in your container? Which namespace or limit surprised you?'),
    '',
    '## 2. The steps I performed, and why',
    '',
    ...steps.flatMap((s) => [
      `### Step ${s.id}: ${s.title}`,
      '',
      region(`step-${s.id}`, ''),
      '',
      ...(STEP_QUESTIONS[s.id] ?? []).flatMap((q) => [question(q), '']),
      '',
    ]),
    '## 3. Benchmark: host, my container, LXC',
    '',
    region('bench', ''),
    '',
    '## 4. Observations',
    '',
    region('observations', ''),
    '',
    '### My interpretation',
    '',
    ...BENCH_QUESTIONS.flatMap((q) => [question(q), '']),
    '## 5. Conclusion',
    '',
    question('What does a container cost, and when would you choose LXC, Docker or your own?'),
    '',
  ].join('\n');
}

export async function reportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['solution', 'no-checks', 'no-pdf', 'yes']);
  const dir = stepsDirFrom(args.flags);
  requireStepsDir(dir);
  const outDir = resultsDir();
  const heads = await stepHeads(dir);

  let fresh: CheckResult[] = [];
  if (!args.flags['no-checks']) {
    await ready({ yes: args.flags.yes === true });
    fresh = await runChecks(
      dir,
      heads.map((s) => s.id),
    );
    (await import('../cli/check.ts')).rememberResults(fresh);
  }
  fs.mkdirSync(outDir, { recursive: true });
  try {
    const r = writeReport({ outDir, steps: heads, stepsDir: dir, fresh, checksRun: !args.flags['no-checks'] });
    say(`wrote ${rel(r.md)} (yours to edit: only the kit's marked regions are rewritten) and ${rel(r.html)}`);
    if (!args.flags['no-pdf']) {
      if (!findChromium()) warn(`no PDF: no Chromium or Chrome here. ${noBrowserHint(rel(r.html))}`);
      else {
        const ledger = new Ledger(runsDir(), `report-${process.pid}`);
        const pdfFile = path.join(outDir, 'report.pdf');
        const problem = await printPdf(r.html, pdfFile, ledger);
        await ledger.teardown({});
        if (problem) warn(`no PDF: ${problem}. ${noBrowserHint(rel(r.html))}`);
        else say(`wrote ${rel(pdfFile)}`);
      }
    }
    sayUnanswered(r.unanswered, rel(r.md));
  } finally {
    for (const p of giveBack([outDir])) warn(`could not give back to you: ${p}`);
  }
  return 0;
}

export function sayUnanswered(list: Unanswered[], file: string): void {
  if (!list.length) {
    say('every question of the report has an answer');
    return;
  }
  warn(`${list.length} question(s) or placeholder(s) of ${file} still to fill in:`);
  for (const u of list) warn(`  ${file}:${u.line}  (${u.section})`);
}

/** Write report.md (keeping the student's text), report.html; no checks, no root: the tests call this. */
export function writeReport(o: {
  outDir: string;
  steps: StepHead[];
  stepsDir: string;
  fresh: CheckResult[];
  checksRun: boolean;
  state?: string;
}): {
  md: string;
  html: string;
  unanswered: Unanswered[];
} {
  const state = o.state ?? stateDir();
  const saved = savedCheckResults(state, o.stepsDir);
  const checks = o.steps.flatMap((s) => {
    const c = o.fresh.find((r) => r.step === s.id) ?? saved.get(s.id);
    return c ? [c] : [];
  });

  let bench: BenchResults | undefined;
  try {
    bench = readResults(o.outDir);
    tabulate(bench); // fails early on a malformed file, before the report is touched
  } catch (err) {
    if (!(err instanceof KitError)) throw err;
    bench = undefined;
    warn(`${err.message} The benchmark section says so. ${err.hint ?? ''}`);
  }
  const chart = bench && fs.existsSync(path.join(o.outDir, 'bench.svg')) ? 'bench.svg' : undefined;
  const kept = benchRuns(o.outDir).filter((r) => r.label);

  const mdFile = path.join(o.outDir, 'report.md');
  const previous = fs.existsSync(mdFile) ? fs.readFileSync(mdFile, 'utf8') : reportTemplate(o.steps);
  const bodies: Record<string, string> = {
    container: containerSection(
      checks,
      bench,
      o.checksRun
        ? undefined
        : 'The checks were not run this time (--no-checks) and none is remembered: run `npm run check` or `npm run report` without --no-checks.',
    ),
    bench: [benchSection(bench, chart), ...kept.map((k) => keptRunSection(k.label as string, k.dir, o.outDir))].join('\n\n'),
    observations: observationsSection(bench),
    // a report.md from an earlier kit has one "steps" region (the step files' header comments)
    steps:
      '_An earlier kit wrote this region. The report now has a section per step, with what the kit observed and questions for you: move this file away, run `npm run report` for the new template, and copy your text into it._',
  };
  for (const s of o.steps)
    bodies[`step-${s.id}`] = stepEvidenceSection({ ...s, check: checks.find((c) => c.step === s.id), trace: stepTrace(state, s.id) });
  const md = fillRegions(previous, bodies);
  fs.writeFileSync(mdFile, md);
  const htmlFile = path.join(o.outDir, 'report.html');
  fs.writeFileSync(htmlFile, htmlPage(TITLE, md, o.outDir));
  return { md: mdFile, html: htmlFile, unanswered: unanswered(md) };
}

/** A run kept with `npm run bench -- --label NAME`: its own table and chart. */
function keptRunSection(label: string, dir: string, outDir: string): string {
  try {
    const r = readResults(dir);
    const chart = fs.existsSync(path.join(dir, 'bench.svg'))
      ? path.relative(outDir, path.join(dir, 'bench.svg')).split(path.sep).join('/')
      : undefined;
    return `### Kept run \`${label}\` (results/${path.relative(outDir, dir)})\n\n${benchSection(r, chart)}`;
  } catch (err) {
    if (!(err instanceof KitError)) throw err;
    return `### Kept run \`${label}\`\n\n_${err.message}_`;
  }
}

async function stepHeads(dir: string): Promise<StepHead[]> {
  const out: StepHead[] = [];
  for (const f of listStepFiles(dir)) {
    let title = f.name;
    try {
      title = (await loadStep(f)).title;
    } catch {
      // a step that does not load still has a section
    }
    out.push({ id: f.id, title });
  }
  return out;
}

/** Checks 1..4 (step 5's own check is the benchmark, already in results/bench.json). */
async function runChecks(dir: string, stepIds: number[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const { step } of checkFiles()) {
    if (step >= 5 || !stepIds.includes(step)) continue;
    const def = await loadCheck(step);
    if (!def) continue;
    say(`check ${step}: ${def.title} ...`);
    results.push(await runCheck(def, { stepsDir: dir }));
  }
  return results;
}

const rel = (p: string): string => path.relative(process.cwd(), p) || p;
