// `npm run report`: the lab report in results/: report.md (the student's to
// edit: the kit rewrites only its marked regions), report.html (one
// self-contained page) and report.pdf (through Chromium, when installed).

import fs from 'node:fs';
import path from 'node:path';
import { tabulate } from '../bench/results.ts';
import { readResults, resultsDir } from '../bench/write.ts';
import { runCheck } from '../check/framework.ts';
import { checkFiles, loadCheck } from '../check/registry.ts';
import type { CheckResult } from '../check/types.ts';
import { parseArgs } from '../cli/args.ts';
import { ready } from '../cli/common.ts';
import { say, warn } from '../cli/output.ts';
import { KitError } from '../errors.ts';
import { Ledger } from '../ledger.ts';
import { runsDir, solutionsDir, stepsDir } from '../paths.ts';
import { listStepFiles, loadStep, requireStepsDir } from '../steps.ts';
import { htmlPage } from './html.ts';
import { CHROMIUM_HINT, findChromium, printPdf } from './pdf.ts';
import { fillRegions, region } from './regions.ts';
import { benchSection, containerSection, headerComment, observationsSection, stepsSection, type StepText } from './sections.ts';

const TITLE = 'Lab report: a Linux container built step by step, and what it costs';

/** The first version of report.md: kit regions, and places for the student's own words. */
export function reportTemplate(): string {
  return [
    `# ${TITLE}`,
    '',
    '**Author:** _your name_ · **Group:** _your group_ · **Date:** _date_',
    '',
    '<!-- This file is yours. `npm run report` rewrites only the regions between kit:begin and kit:end markers; everything else stays as you write it. -->',
    '',
    '## 1. The container I built',
    '',
    region('container', ''),
    '',
    '_In your words: what isolates what? Which namespace or limit surprised you?_',
    '',
    '## 2. The steps, and why each one is needed',
    '',
    region('steps', ''),
    '',
    '## 3. Benchmark: host, our container, LXC',
    '',
    region('bench', ''),
    '',
    '## 4. Observations',
    '',
    region('observations', ''),
    '',
    '### My interpretation',
    '',
    '_Explain the numbers: why CPU and memory cost nothing in a namespace, what the CPU quota does, why file I/O on the loop device differs (two page caches; what O_DIRECT bypasses), and how you know a difference is not noise._',
    '',
    '## 5. Conclusion',
    '',
    '_What does a container cost, and when would you choose LXC, Docker or your own?_',
    '',
  ].join('\n');
}

export async function reportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['solution', 'no-checks', 'no-pdf', 'yes']);
  const dir = typeof args.flags['steps-dir'] === 'string' ? path.resolve(args.flags['steps-dir']) : args.flags.solution ? solutionsDir : stepsDir;
  const outDir = resultsDir();
  fs.mkdirSync(outDir, { recursive: true });

  const steps = await stepTexts(dir);
  let checks: CheckResult[] = [];
  let checkNote: string | undefined = 'Not run this time (--no-checks): run `npm run report` without it to include what the checks observe.';
  if (!args.flags['no-checks']) {
    await ready({ yes: args.flags.yes === true });
    checks = await runChecks(dir, steps.map((s) => s.id));
    checkNote = undefined;
    fs.writeFileSync(path.join(outDir, 'checks.json'), `${JSON.stringify(checks, null, 2)}\n`);
  }

  let bench: ReturnType<typeof readResults> | undefined;
  try {
    bench = readResults(outDir);
  } catch (err) {
    if (!(err instanceof KitError)) throw err;
    warn(`${err.message} The benchmark section says so. ${err.hint ?? ''}`);
  }
  const chart = bench && fs.existsSync(path.join(outDir, 'bench.svg')) ? 'bench.svg' : undefined;
  if (bench) tabulate(bench); // fails early on a malformed file, before the report is touched

  const mdFile = path.join(outDir, 'report.md');
  const previous = fs.existsSync(mdFile) ? fs.readFileSync(mdFile, 'utf8') : reportTemplate();
  const md = fillRegions(previous, {
    container: containerSection(checks, bench, checkNote),
    steps: stepsSection(steps),
    bench: benchSection(bench, chart),
    observations: observationsSection(bench),
  });
  fs.writeFileSync(mdFile, md);
  const htmlFile = path.join(outDir, 'report.html');
  fs.writeFileSync(htmlFile, htmlPage(TITLE, md, outDir));
  say(`wrote ${path.relative(process.cwd(), mdFile)} (edit it: only the kit's marked regions are rewritten) and ${path.relative(process.cwd(), htmlFile)}`);

  if (!args.flags['no-pdf']) {
    if (!findChromium()) warn(`no PDF: Chromium is not installed. ${CHROMIUM_HINT}`);
    else {
      const ledger = new Ledger(runsDir(), `report-${process.pid}`);
      const pdfFile = path.join(outDir, 'report.pdf');
      const problem = await printPdf(htmlFile, pdfFile, ledger);
      await ledger.teardown({});
      if (problem) warn(`no PDF: ${problem}`);
      else say(`wrote ${path.relative(process.cwd(), pdfFile)}`);
    }
  }
  return 0;
}

async function stepTexts(dir: string): Promise<StepText[]> {
  const out: StepText[] = [];
  for (const f of listStepFiles(dir)) {
    let title = f.name;
    try {
      title = (await loadStep(f)).title;
    } catch {
      // a step that does not load still has a header worth showing
    }
    out.push({ id: f.id, title, why: headerComment(fs.readFileSync(f.file, 'utf8')) });
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

