// What goes into a submission zip and how: every file under steps/ (step
// files and the student's helpers, within limits, each one left out named with
// its reason), results/ (the report, the benchmark runs) and a top-level
// report if present, plus README.md and manifest.json (kit version, student,
// sha256 of each file, time, the student's own last check results). Each file
// is read once, so the hash in the manifest is the hash of the bytes in the zip.

import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { shippedSkeleton } from '../../core/edition.ts';
import { generateSkeletons } from '../skeleton.ts';
import { listStepFiles } from '../../core/steps.ts';
import { MANIFEST_FORMAT, sha256, STEP_FILE_LIMITS, type SubmissionManifest } from './manifest.ts';
import type { Student } from './student.ts';

export interface PackedFile {
  path: string;
  data: Buffer;
}

export interface PackLimits {
  /** files in results/ larger than this are left out (benchmark raw data can be big) */
  maxResultFile: number;
  maxResultTotal: number;
  /** files under steps/: no more than the grader takes */
  maxStepFile: number;
  maxStepTotal: number;
  maxStepEntries: number;
}

export const DEFAULT_PACK_LIMITS: PackLimits = {
  maxResultFile: 2 * 1024 * 1024,
  maxResultTotal: 10 * 1024 * 1024,
  // what the grader takes, so that a pack it would refuse is refused here first
  maxStepFile: STEP_FILE_LIMITS.fileBytes,
  maxStepTotal: STEP_FILE_LIMITS.totalBytes,
  maxStepEntries: 200,
};

const REPORTS = ['report.md', 'REPORT.md', 'report.pdf', 'REPORT.pdf'];
const normalize = (s: string) => s.replace(/\r\n/g, '\n').trim();

/** Step files that differ from the pristine skeleton generated from solutions/. */
export function changedSteps(stepsDir: string, solutionsDir: string): { changed: string[]; pristine: string[] } {
  let skeletons = new Map<string, string>();
  try {
    skeletons = generateSkeletons(solutionsDir);
  } catch {
    // no solutions: the student edition keeps the skeletons it shipped (kit/edition/skeletons/)
  }
  const changed: string[] = [];
  const pristine: string[] = [];
  for (const f of listStepFiles(stepsDir)) {
    const name = path.basename(f.file);
    const skeleton = skeletons.get(name) ?? shippedSkeleton(name);
    const mine = fs.readFileSync(f.file, 'utf8');
    (skeleton !== undefined && normalize(skeleton) === normalize(mine) ? pristine : changed).push(name);
  }
  return { changed, pristine };
}

/** Regular files under dir (no symlinks followed), relative paths with '/'. */
function walk(dir: string, rel = ''): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

export function collectFiles(
  projectRoot: string,
  stepsDir: string,
  limits: PackLimits = DEFAULT_PACK_LIMITS,
  resultsDir = path.join(projectRoot, 'results'),
): { files: PackedFile[]; skipped: string[] } {
  const files: PackedFile[] = [];
  const skipped: string[] = [];
  // every file under steps/, not only NN-name.ts: a helper the student wrote is part of the work
  let stepTotal = 0;
  let entries = 0;
  for (const rel of walk(stepsDir)) {
    const size = fs.statSync(path.join(stepsDir, rel)).size;
    const why = rel.split('/').some((part) => part === 'node_modules' || part === '.git')
      ? 'a dependency or git folder, not your work'
      : size > limits.maxStepFile
        ? `${Math.round(size / 1024)} KiB, over the ${Math.round(limits.maxStepFile / 1024)} KiB limit per file`
        : stepTotal + size > limits.maxStepTotal
          ? `steps/ would pass ${Math.round(limits.maxStepTotal / 1024 / 1024)} MiB`
          : entries >= limits.maxStepEntries
            ? `more than ${limits.maxStepEntries} files under steps/`
            : undefined;
    if (why) {
      skipped.push(`steps/${rel} (${why})`);
      continue;
    }
    stepTotal += size;
    entries++;
    files.push({ path: `steps/${rel}`, data: fs.readFileSync(path.join(stepsDir, rel)) });
  }
  let total = 0;
  for (const rel of walk(resultsDir)) {
    const size = fs.statSync(path.join(resultsDir, rel)).size;
    if (size > limits.maxResultFile || total + size > limits.maxResultTotal) {
      skipped.push(`results/${rel} (${Math.round(size / 1024)} KiB, over the results/ limits)`);
      continue;
    }
    total += size;
    files.push({ path: `results/${rel}`, data: fs.readFileSync(path.join(resultsDir, rel)) });
  }
  for (const r of REPORTS) {
    const p = path.join(projectRoot, r);
    if (fs.existsSync(p) && fs.lstatSync(p).isFile()) files.push({ path: r, data: fs.readFileSync(p) });
  }
  return { files, skipped };
}

/** The student's last `npm run check` per step of this steps folder (state/last-check.json). */
export function localChecks(stateDir: string, stepsDir: string): SubmissionManifest['localChecks'] {
  let all: Record<string, { step?: number; stepsDir?: string; status?: string; at?: string }>;
  try {
    all = JSON.parse(fs.readFileSync(path.join(stateDir, 'last-check.json'), 'utf8')) as typeof all;
  } catch {
    return undefined;
  }
  const mine = Object.values(all).filter((r) => r && r.stepsDir === stepsDir && typeof r.step === 'number');
  if (mine.length === 0) return undefined;
  const at =
    mine
      .map((r) => r.at ?? '')
      .sort()
      .at(-1) ?? '';
  return {
    at,
    passed: mine
      .filter((r) => r.status === 'pass')
      .map((r) => r.step as number)
      .sort((a, b) => a - b),
    failed: mine
      .filter((r) => r.status !== 'pass')
      .map((r) => r.step as number)
      .sort((a, b) => a - b),
  };
}

export function buildManifest(
  files: PackedFile[],
  o: { student: Student; kit: { name: string; version: string }; localChecks?: SubmissionManifest['localChecks']; now?: Date },
): SubmissionManifest {
  return {
    format: MANIFEST_FORMAT,
    version: 1,
    kit: o.kit,
    student: o.student,
    createdAt: (o.now ?? new Date()).toISOString(),
    files: files.map((f) => ({ path: f.path, sha256: sha256(f.data), bytes: f.data.length })),
    ...(o.localChecks ? { localChecks: o.localChecks } : {}),
    node: process.version,
  };
}

/** Write the zip next to its final name, then rename: a half-written zip is never handed in. */
export function writeZip(outFile: string, files: PackedFile[], manifest: SubmissionManifest, readme?: string): Promise<void> {
  const tmp = `${outFile}.part`;
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const f of files) zip.addBuffer(f.data, f.path, { mode: 0o100644 });
    if (readme !== undefined) zip.addBuffer(Buffer.from(readme), 'README.md', { mode: 0o100644 });
    zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json', { mode: 0o100644 });
    zip.end();
    const out = fs.createWriteStream(tmp);
    zip.outputStream.pipe(out);
    out.on('error', reject);
    out.on('close', () => {
      try {
        fs.renameSync(tmp, outFile);
        resolve();
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}
