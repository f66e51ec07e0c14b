// `npm run grade -- <zip|folder> ... [--out DIR] [--jobs N] [--steps 1-4] [--timeout S]`
// Grades a class: the reference solutions first (so a broken machine is not
// blamed on students), then every submission, --jobs at a time, resuming an
// interrupted run; then the reports.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from '../cli/args.ts';
import { ready } from '../cli/common.ts';
import { KitError } from '../../core/errors.ts';
import { Ledger } from '../../core/ledger.ts';
import { checksDir, projectRoot, runsDir, solutionsDir, stateDir, stepsDir } from '../../core/paths.ts';
import { reclaimers } from '../../host/reclaim.ts';
import { loadCatalog, type Catalog } from './catalog.ts';
import { cgroupJailFactory, type JailLimits } from './jail.ts';
import { Aborted, gradeClass, gradeSubmission, type EngineConfig } from './engine.ts';
import type { UnpackLimits } from './types.ts';
import { DEFAULT_LIMITS } from './unpack.ts';
import { parseSize } from '../../core/size.ts';
import { Gate } from './gate.ts';
import { bar } from '../ux/progress.ts';
import { boundJobs } from './queue.ts';
import { renderCsv } from './report-csv.ts';
import { renderFeedback } from './report-feedback.ts';
import { renderJson } from './report-json.ts';
import { renderJunit } from './report-junit.ts';
import { renderTable } from './report-table.ts';
import { ResumeFile } from './resume.ts';
import { expandSources, parseSteps } from './sources.ts';
import type { StudentGrade } from './types.ts';
import { viewOf } from './view.ts';
import { loadWeights, stepWeight, type Weights } from './weights.ts';
import { checkWorkspaceRoot, type KitSources } from './workspace.ts';

export const GRADE_USAGE = `usage: npm run grade -- <zip|folder> ... [options]

Grades every submission with the kit's own checks, each step in a sandboxed
child with a time limit. Submissions: .zip files from \`npm run submit\`,
folders with a steps/ folder, or a folder holding many of either.

  --out DIR          reports go here (default: grades/)
  --jobs N           submissions graded at once (default and maximum: cores)
  --steps 1-4        which steps to grade (default: every step with a check and a
                     weight: 1-5, and 6 or 7 when --weights gives them one)
  --timeout S        time limit per step, seconds (default 90)
  --bench            grade step 5 with its whole benchmark, CPU ratio included
                     (default: its grading mode, seconds per student: the
                     commands run in the container, the reading of sysbench);
                     give it --timeout 300
  --weights FILE     JSON re-weighting points: {"steps":{"4":2},"assertions":{"1.pid1":5},"scale":100}
  --site-url URL     link feedback to the published course site
  --memory SIZE      memory limit of each grading child (default 1G)
  --pids N           process limit of each grading child (default 512)
  --max-file SIZE    largest step file taken (default 512K); also --max-total, --max-entries, --max-archive
  --exclusive-steps 4  steps whose checks measure CPU time: run with no other grading beside them (default 4; "" for none)
  --fresh            ignore the results of an earlier, interrupted run
  --no-reference     skip grading the reference solutions first
  --work DIR         where the per-student workspaces go (default: state/grade/)

Writes OUT/grades.csv, grades.json, junit.xml, feedback/<student>.md, logs/.`;

const PAGE = '/guide/instructor-grading';

export interface GradeRunOptions {
  sources: string[];
  outDir: string;
  jobs?: number;
  steps?: number[];
  timeoutS: number;
  weights: Weights;
  siteUrl?: string;
  jail: JailLimits;
  unpack: UnpackLimits;
  fresh: boolean;
  reference: boolean;
  workRoot: string;
  exclusiveSteps: number[];
  /** step 5's whole benchmark instead of its grading mode */
  bench?: boolean;
  /** the reference solutions (default solutions/; tests give a broken one) */
  referenceDir?: string;
  /** print the table and progress (false in tests) */
  quiet?: boolean;
}

function flagNumber(v: string | true | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) throw new KitError(`--${name} needs a positive number.`, { page: PAGE, exitCode: 2 });
  return n;
}

function flagBytes(v: string | true | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  try {
    if (typeof v === 'string') return parseSize(v, name, PAGE);
  } catch {
    // said below, in the grader's words
  }
  throw new KitError(`--${name} needs a size like 512K, 4M or 1G.`, { page: PAGE, exitCode: 2 });
}

export function parseGradeArgs(argv: string[]): GradeRunOptions {
  const a = parseArgs(argv, ['fresh', 'no-reference', 'quiet', 'yes', 'bench']);
  const f = a.flags;
  const str = (k: string) => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
  let steps: number[] | undefined;
  if (f.steps !== undefined) {
    steps = typeof f.steps === 'string' ? parseSteps(f.steps) : undefined;
    if (!steps) throw new KitError('--steps takes a range or list, like 1-4 or 1,2,4.', { page: PAGE, exitCode: 2 });
  }
  return {
    sources: [...a.positional, ...a.rest],
    outDir: path.resolve(str('out') ?? 'grades'),
    jobs: flagNumber(f.jobs, 'jobs'),
    steps,
    timeoutS: flagNumber(f.timeout, 'timeout') ?? 90,
    weights: str('weights') ? loadWeights(str('weights') as string) : {},
    siteUrl: str('site-url'),
    jail: { memoryBytes: flagBytes(f.memory, 'memory', 1024 ** 3), pids: flagNumber(f.pids, 'pids') ?? 512 },
    unpack: {
      maxFileBytes: flagBytes(f['max-file'], 'max-file', DEFAULT_LIMITS.maxFileBytes),
      maxTotalBytes: flagBytes(f['max-total'], 'max-total', DEFAULT_LIMITS.maxTotalBytes),
      maxArchiveBytes: flagBytes(f['max-archive'], 'max-archive', DEFAULT_LIMITS.maxArchiveBytes),
      maxEntries: flagNumber(f['max-entries'], 'max-entries') ?? DEFAULT_LIMITS.maxEntries,
    },
    fresh: f.fresh === true,
    reference: f['no-reference'] !== true,
    workRoot: path.resolve(str('work') ?? path.join(stateDir(), 'grade')),
    exclusiveSteps:
      f['exclusive-steps'] === undefined
        ? [4]
        : typeof f['exclusive-steps'] === 'string' && f['exclusive-steps'].trim()
          ? (parseSteps(f['exclusive-steps']) ?? [])
          : [],
    bench: f.bench === true,
    quiet: f.quiet === true,
  };
}

export function kitVersion(root = projectRoot): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Settings and checks that change grades: a resume file made with others is not reused. */
function fingerprint(o: GradeRunOptions, steps: number[]): string {
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify({ steps, timeoutS: o.timeoutS, jail: o.jail, unpack: o.unpack, kit: kitVersion(), bench: o.bench === true }));
  // only the checks of the graded steps: a new step 5 check does not regrade steps 1-4
  for (const f of fs.readdirSync(checksDir).sort()) {
    const m = /^(\d\d)-[\w-]+\.ts$/.exec(f);
    if (m && steps.includes(Number(m[1]))) h.update(f).update(fs.readFileSync(path.join(checksDir, f)));
  }
  return h.digest('hex').slice(0, 16);
}

export function writeReports(outDir: string, grades: StudentGrade[], o: { weights: Weights; siteUrl?: string }): void {
  const views = grades.map((g) => viewOf(g, o.weights));
  fs.mkdirSync(path.join(outDir, 'feedback'), { recursive: true });
  fs.writeFileSync(path.join(outDir, 'grades.csv'), renderCsv(views));
  fs.writeFileSync(path.join(outDir, 'grades.json'), renderJson(views, { kitVersion: kitVersion(), weights: o.weights }));
  fs.writeFileSync(path.join(outDir, 'junit.xml'), renderJunit(views, { siteUrl: o.siteUrl }));
  for (const v of views) fs.writeFileSync(path.join(outDir, 'feedback', `${v.key}.md`), renderFeedback(v, { siteUrl: o.siteUrl }));
}

/**
 * The reference solutions, graded exactly like a student: a failure here is
 * the machine's. Returns the steps whose reference fails, with the reason:
 * those are "not graded on this machine" for everyone, the others are graded.
 * Throws only when nothing at all could be graded fairly.
 */
export async function checkReference(cfg: EngineConfig, catalog: Catalog, referenceDir = solutionsDir): Promise<Map<number, string>> {
  const dir = path.join(cfg.workRoot, `reference-${crypto.randomBytes(3).toString('hex')}`);
  fs.mkdirSync(path.join(dir, 'steps'), { recursive: true });
  try {
    for (const f of fs.readdirSync(referenceDir))
      if (/^\d\d-[\w-]+\.ts$/.test(f)) fs.copyFileSync(path.join(referenceDir, f), path.join(dir, 'steps', f));
    const g = await gradeSubmission({ key: 'reference', path: dir, kind: 'folder' }, { ...cfg, resume: undefined });
    const notGraded = new Map<number, string>();
    for (const r of g.results) {
      const bad = r.assertions.filter((x) => x.status !== 'pass' && x.status !== 'skipped');
      if (!bad.length) continue;
      // one line per distinct reason, with the assertions it applies to
      const byWhy = new Map<string, string[]>();
      for (const x of bad) {
        const why = x.message ?? x.seen ?? x.status;
        byWhy.set(why, [...(byWhy.get(why) ?? []), x.id]);
      }
      const text = [...byWhy].map(([why, ids]) => `${ids.join(', ')}: ${why}`).join('; ');
      notGraded.set(r.step, `the reference solution fails here (${text.length > 400 ? `${text.slice(0, 400)}…` : text})`);
    }
    const graded = cfg.steps.filter((s) => catalog.has(s) && !notGraded.has(s));
    if (g.status !== 'graded' || graded.length === 0) {
      const why = g.status !== 'graded' ? [g.reason ?? 'rejected'] : [...notGraded].map(([s, r]) => `step ${s}: ${r}`);
      throw new KitError(
        `The reference solutions do not pass on this machine, so no step can be graded fairly here:\n  ${why.slice(0, 8).join('\n  ')}`,
        {
          hint: `Make \`npm run check N -- --solution\` pass first (steps ${[...catalog.keys()].join(', ')}), or grade with --no-reference if you know why.`,
          page: `${PAGE}#the-reference-run`,
        },
      );
    }
    return notGraded;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Grade a class; returns the grades (also written to o.outDir). */
export async function gradeRun(o: GradeRunOptions, signal?: AbortSignal): Promise<{ grades: StudentGrade[]; interrupted: boolean }> {
  const sources = expandSources(o.sources);
  checkWorkspaceRoot(o.workRoot);
  const catalog = await loadCatalog();
  // by default, the steps that count: an optional step (6, 7) at weight 0 would cost every student its check for nothing
  const steps = (o.steps ?? [...catalog.keys()].filter((s) => stepWeight(o.weights, s) > 0)).filter((s) => catalog.has(s));
  const missing = (o.steps ?? []).filter((s) => !catalog.has(s));
  if (missing.length)
    throw new KitError(`No check for step(s) ${missing.join(', ')}.`, {
      hint: `The steps with checks are ${[...catalog.keys()].join(', ')}.`,
      page: PAGE,
      exitCode: 2,
    });

  fs.mkdirSync(o.outDir, { recursive: true });
  fs.mkdirSync(o.workRoot, { recursive: true });
  const ledger = new Ledger(runsDir(), `grade-${crypto.randomBytes(3).toString('hex')}`);
  const resume = new ResumeFile(o.outDir, fingerprint(o, steps));
  if (o.fresh) resume.reset();
  const kit: KitSources = { projectRoot, skeletonDir: stepsDir };
  const cfg: EngineConfig = {
    steps,
    catalog,
    kit,
    workRoot: o.workRoot,
    timeoutMs: o.timeoutS * 1000,
    unpack: o.unpack,
    jail: o.jail,
    jails: cgroupJailFactory(ledger),
    ledger,
    resume,
    signal,
    logsDir: path.join(o.outDir, 'logs'),
    gate: new Gate(),
    exclusiveSteps: new Set(o.exclusiveSteps),
    grading: o.bench !== true,
  };
  const jobs = boundJobs(o.jobs);
  const log = (s: string) => {
    if (!o.quiet) process.stderr.write(`${s}\n`);
  };
  try {
    if (o.reference) {
      log(`grading the reference solutions first (steps ${steps.join(', ')}) ...`);
      cfg.notGraded = await checkReference(cfg, catalog, o.referenceDir);
      for (const [s, why] of cfg.notGraded) log(`step ${s} is not graded on this machine: ${why}`);
    }
    log(`grading ${sources.length} submission(s), ${jobs} at a time, steps ${steps.join(', ')}, ${o.timeoutS} s per step`);
    // one line per student; on a terminal a bar below them (elsewhere the lines are the progress)
    const progress = o.quiet ? undefined : bar('graded', sources.length, { prefix: 'cw grade' });
    let graded = 0;
    let running = 0;
    const redraw = () => progress?.live && progress.update(graded, `graded · ${running} running`);
    const grades = await gradeClass(sources, jobs, cfg, {
      onStart: () => {
        running++;
        redraw();
      },
      onDone: (g) => {
        const v = viewOf(g, o.weights);
        running = Math.max(0, running - 1);
        graded++;
        progress?.log(
          `[${graded}/${sources.length}] ${g.key}: ${v.totals.score}/${v.totals.maxScore}${g.status === 'rejected' ? ` (rejected: ${g.reason})` : ''}${(g as { resumed?: boolean }).resumed ? ' (from the earlier run)' : ''}`,
        );
        redraw();
      },
    });
    progress?.done();
    const order = new Map(sources.map((s, i) => [s.key, i]));
    grades.sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
    writeReports(o.outDir, grades, o);
    if (!o.quiet) {
      process.stdout.write(`${renderTable(grades.map((g) => viewOf(g, o.weights)))}\n`);
      log(`reports in ${path.relative(process.cwd(), o.outDir) || '.'}/: grades.csv grades.json junit.xml feedback/ logs/`);
    }
    return { grades, interrupted: signal?.aborted ?? false };
  } catch (err) {
    if (err instanceof Aborted) return { grades: [], interrupted: true };
    throw err;
  } finally {
    const errors = await ledger.teardown(reclaimers);
    for (const e of errors) log(`could not clean up: ${e.message}`);
  }
}

/** The CLI entry point (the lead's kit/tools/cli registers it as `grade`). */
export async function gradeCommand(argv: string[]): Promise<number> {
  const o = parseGradeArgs(argv);
  await ready({ yes: argv.includes('--yes') });
  const stop = new AbortController();
  const onSignal = () => {
    if (!stop.signal.aborted)
      process.stderr.write('\nstopping: the students being graded now will be graded again next time (finished ones are kept)\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { interrupted } = await gradeRun(o, stop.signal);
    if (interrupted) {
      process.stderr.write(`interrupted: run the same command again to resume (${path.join(o.outDir, 'progress.jsonl')})\n`);
      return 130;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
