// A fresh workspace per student: the instructor's own kit/ (with its compiled
// copy .build/, which the child runs with plain node), checks/ and shim
// (copied, so nothing of the submission but its step files is ever run),
// node_modules linked, the submission's steps/ filled up with the pristine
// skeleton for steps it did not hand in, and an empty state/ folder.
// The sandbox keeps everything here read-only except state/.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../../core/errors.ts';
import { BUILD_DIR } from '../../core/paths.ts';
import { listStepFiles } from '../../core/steps.ts';

export interface KitSources {
  /** the instructor's project: kit/, .build/, bin/, checks/, native/build/, node_modules/, package.json */
  projectRoot: string;
  /** the pristine skeleton (the kit's steps/) for steps a submission lacks */
  skeletonDir: string;
}

export interface Workspace {
  dir: string;
  stepsDir: string;
  stateDir: string;
  /** the compiled kit's entry point inside the workspace (run with plain node) */
  cli: string;
}

/**
 * Folders the sandbox always covers with tmpfs: a workspace there would be
 * hidden from its own child. (/tmp is covered only when neither the kit nor
 * the workspace lives under it: see keepHostTmp in sandbox.ts.)
 */
const COVERED = ['/dev/shm', '/run'];

/** Whether `p` lies under /tmp (so a fresh tmpfs on /tmp would hide it). */
export const underTmp = (p: string): boolean => {
  const abs = path.resolve(p);
  return abs === '/tmp' || abs.startsWith('/tmp/');
};

export function checkWorkspaceRoot(root: string): void {
  const abs = path.resolve(root);
  if (COVERED.some((c) => abs === c || abs.startsWith(`${c}/`))) {
    throw new KitError(`The grading workspaces cannot live under ${abs}: the sandbox puts a fresh tmpfs there.`, {
      hint: 'Use --work DIR with a folder on a disk (the default is state/grade/ in the kit).',
      page: '/guide/instructor-grading#how-a-submission-is-run',
      exitCode: 2,
    });
  }
}

/** Projects whose compiled kit this process has made sure of: once per grading, not per submission. */
const built = new Set<string>();

/**
 * The compiled kit (.build/) up to date with kit/: bin/build-kit.mjs, which
 * compiles only when kit/ changed. A grader run from the TypeScript sources
 * (the tests) may find it missing or stale; `npm run grade` has just had it checked.
 */
export function ensureCompiledKit(root: string): void {
  if (built.has(root)) return;
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'build-kit.mjs')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new KitError(`Compiling the kit failed, so submissions cannot be graded: ${(r.stderr || r.error?.message || '').trim()}`, {
      hint: 'Run `npm run build:kit` in the kit to see the error; `npm install` compiles it too.',
      page: '/guide/instructor-grading#how-a-submission-is-run',
    });
  }
  built.add(root);
}

export function createWorkspace(dir: string, src: KitSources): Workspace {
  ensureCompiledKit(src.projectRoot);
  fs.mkdirSync(dir, { recursive: true });
  const copy = (rel: string) => {
    const from = path.join(src.projectRoot, rel);
    // not .build/compiled/: the instructor's cache of step files (by path, so of no use here)
    const skip = [`${path.sep}node_modules${path.sep}`, path.join(src.projectRoot, BUILD_DIR, 'compiled')];
    if (fs.existsSync(from))
      fs.cpSync(from, path.join(dir, rel), { recursive: true, preserveTimestamps: true, filter: (f) => !skip.some((s) => f.includes(s)) });
  };
  copy('kit');
  copy(BUILD_DIR);
  copy('bin');
  copy('checks');
  copy('native/build');
  copy('package.json');
  fs.symlinkSync(path.join(src.projectRoot, 'node_modules'), path.join(dir, 'node_modules'));
  const stepsDir = path.join(dir, 'steps');
  const stateDir = path.join(dir, 'state');
  fs.mkdirSync(stepsDir, { recursive: true });
  fs.mkdirSync(stateDir, { recursive: true });
  return { dir, stepsDir, stateDir, cli: path.join(dir, BUILD_DIR, 'kit', 'tools', 'cli', 'main.js') };
}

/** Put the pristine skeleton of every step the submission lacks (step N composes 1..N). */
export function fillMissingSteps(ws: Workspace, src: KitSources): number[] {
  const have = new Set(listStepFiles(ws.stepsDir).map((s) => s.id));
  const filled: number[] = [];
  for (const s of listStepFiles(src.skeletonDir)) {
    if (have.has(s.id)) continue;
    fs.copyFileSync(s.file, path.join(ws.stepsDir, path.basename(s.file)));
    filled.push(s.id);
  }
  return filled;
}

/** Mount points under the workspace in *this* mount namespace (there should be none). */
export function mountsUnder(dir: string): string[] {
  const text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && (m === dir || m.startsWith(`${dir}/`)));
}

/** Remove the workspace, unless something is still mounted in it (then say so). */
export function removeWorkspace(dir: string): string | undefined {
  const mounted = mountsUnder(dir);
  if (mounted.length) return `left ${dir} in place: still mounted there: ${mounted.join(', ')}`;
  fs.rmSync(dir, { recursive: true, force: true });
  return undefined;
}
