// `npm run submit [-- --name NAME --id ID --out FILE --no-report]`: pack the
// student's work into one zip for the instructor, with a README and the
// report's PDF. Refuses when every step is still the pristine skeleton
// (nothing to submit), and without the PDF unless --no-report; warns about
// the report's unanswered questions.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from '../cli/args.ts';
import type { Command } from '../cli/command-type.ts';
import { KitError } from '../../core/errors.ts';
import { resultsDir } from '../bench/write.ts';
import { edition } from '../../core/edition.ts';
import { giveBack } from '../../core/owner.ts';
import { projectRoot, solutionsDir, stateDir, stepsDir } from '../../core/paths.ts';
import { noBrowserHint } from '../report/pdf.ts';
import { unanswered } from '../report/questions.ts';
import { listStepFiles } from '../../core/steps.ts';
import { sha256 } from './manifest.ts';
import { buildManifest, changedSteps, collectFiles, localChecks, writeZip } from './pack.ts';
import { submissionReadme } from './readme.ts';
import { askStudent, loadStudent, saveStudent, validStudent, type Student } from './student.ts';

export const SUBMIT_USAGE = `usage: npm run submit [-- --name "Your Name" --id ID] [--out FILE] [--no-report]

Packs every file under steps/, results/ (your report: report.pdf, .md, .html;
your benchmark runs) into one zip with a README.md (who, which kit, what each
file is, how to run each step, which checks passed, where the report is) and
a manifest (a sha256 per file, your last check results). Asks your name and
id once and remembers them (state/student.json).

  --name, --id   set (or change) who you are without being asked
  --out FILE     where to write the zip (default: submission-<id>.zip in the kit)
  --no-report    pack without results/report.pdf (otherwise: run npm run report first)`;

const PAGE = '/guide/instructor-grading#submit';

export interface SubmitOptions {
  root?: string;
  steps?: string;
  solutions?: string;
  state?: string;
  /** results/ (default: the kit's, or CW_RESULTS_DIR) */
  results?: string;
  now?: Date;
  /** print nothing (tests) */
  quiet?: boolean;
}

export async function submitCommand(argv: string[], o: SubmitOptions = {}): Promise<number> {
  const args = parseArgs(argv, ['no-report']);
  const root = o.root ?? projectRoot;
  const steps = o.steps ?? stepsDir;
  const state = o.state ?? stateDir();
  const results = o.results ?? (o.root ? path.join(root, 'results') : resultsDir());
  const say = (s: string) => {
    if (!o.quiet) process.stderr.write(`${s}\n`);
  };

  const { changed, pristine } = changedSteps(steps, o.solutions ?? solutionsDir);
  if (changed.length === 0) {
    throw new KitError('Nothing to submit yet: every step file is still the skeleton the kit came with.', {
      hint: 'Write the TODOs of a step (start with steps/01-*.ts), check it with `npm run check 1`, then submit.',
      page: PAGE,
      exitCode: 2,
    });
  }

  // the report: a PDF is part of the assignment; its questions should be answered
  const pdf = ['report.pdf', 'REPORT.pdf']
    .map((f) => path.join(results, f))
    .concat(['report.pdf', 'REPORT.pdf'].map((f) => path.join(root, f)))
    .find((f) => fs.existsSync(f));
  if (!pdf && !args.flags['no-report']) {
    throw new KitError(
      `Not packing: there is no report PDF (${path.relative(process.cwd(), path.join(results, 'report.pdf')) || 'results/report.pdf'}). The assignment asks for the report with your code.`,
      {
        hint: `Run \`npm run report\` first (it writes results/report.md, .html and .pdf). Without Chromium or Chrome: ${noBrowserHint('results/report.html')}. To hand in without a report: npm run submit -- --no-report`,
        page: PAGE,
        exitCode: 2,
      },
    );
  }
  const reportMd = path.join(results, 'report.md');
  const open = fs.existsSync(reportMd) ? unanswered(fs.readFileSync(reportMd, 'utf8')) : [];
  if (open.length) {
    say(`warning: ${open.length} question(s) or placeholder(s) of your report are still unanswered:`);
    for (const u of open) say(`  results/report.md:${u.line}  (${u.section})`);
    say('  answer them in results/report.md, run `npm run report` (it keeps your answers), then submit again');
  }

  const flagName = typeof args.flags.name === 'string' ? args.flags.name.trim() : undefined;
  const flagId = typeof args.flags.id === 'string' ? args.flags.id.trim() : undefined;
  const saved = loadStudent(state);
  let student: Student;
  if (flagName !== undefined || flagId !== undefined) {
    student = { name: flagName ?? saved?.name ?? '', id: flagId ?? saved?.id ?? '' };
    const bad = validStudent(student);
    if (bad) throw new KitError(`Cannot submit: ${bad}.`, { hint: 'Give both: --name "Your Name" --id your-id', page: PAGE, exitCode: 2 });
  } else {
    student = saved ?? (await askStudent());
  }
  if (!saved || saved.name !== student.name || saved.id !== student.id) {
    const warning = saveStudent(state, student);
    if (warning) say(`note: ${warning}`);
  }

  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: string; version?: string };
  const { files, skipped } = collectFiles(root, steps, undefined, results);
  const manifest = buildManifest(files, {
    student,
    kit: { name: pkg.name ?? 'container-workshop', version: pkg.version ?? '0.0.0' },
    localChecks: localChecks(state, steps),
    now: o.now,
  });
  const safeId = student.id.replace(/[^A-Za-z0-9._-]+/g, '_');
  const out = path.resolve(typeof args.flags.out === 'string' ? args.flags.out : path.join(root, `submission-${safeId}.zip`));
  const stepTitles = new Map(listStepFiles(steps).map((f) => [`steps/${path.basename(f.file)}`, titleOf(f.file) ?? f.name]));
  const readme = submissionReadme({ manifest, edition: edition(root).edition, stepTitles, changed, pristine, skipped });
  await writeZip(out, files, manifest, readme);
  // written through the sudo re-run? then the zip and the remembered name are the student's
  for (const p of giveBack([out, path.join(state, 'student.json')])) say(`note: could not give back to you: ${p}`);

  say(`submission for ${student.name} (${student.id}): ${path.relative(process.cwd(), out) || out}`);
  say(`  steps with your work: ${changed.join(', ')}${pristine.length ? `; still the skeleton: ${pristine.join(', ')}` : ''}`);
  if (manifest.localChecks)
    say(
      `  your last checks: passed ${manifest.localChecks.passed.join(', ') || 'none'}${manifest.localChecks.failed.length ? `, not passed ${manifest.localChecks.failed.join(', ')}` : ''}`,
    );
  else say('  you have not run `npm run check` on these steps yet: the instructor will, but you may want to first');
  for (const s of skipped) say(`  left out: ${s}`);
  say(`  with a README.md${pdf ? ` and the report ${path.relative(root, pdf)}` : ' and no report (--no-report)'}`);
  say(`  sha256 ${sha256(fs.readFileSync(out))}`);
  say('Hand in this zip file as it is. Run `npm run submit` again after any change.');
  return 0;
}

/** The `title: '...'` of a step file, read as text (loading it would run the student's code). */
function titleOf(file: string): string | undefined {
  try {
    return /^\s*title:\s*(['"`])(.*?)\1\s*,?\s*$/m.exec(fs.readFileSync(file, 'utf8'))?.[2];
  } catch {
    return undefined;
  }
}

/** The `submit` command, for the registry (kit/tools/cli/commands.ts). */
export const submitCli: Command = { usage: SUBMIT_USAGE, run: (argv) => submitCommand(argv) };
