// A fresh workspace per student: the instructor's own kit/, checks/ and shim
// (copied, so nothing of the submission but its step files is ever run),
// node_modules linked, the submission's steps/ filled up with the pristine
// skeleton for steps it did not hand in, and an empty state/ folder.
// The sandbox keeps everything here read-only except state/.

import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../../core/errors.ts';
import { listStepFiles } from '../../core/steps.ts';

export interface KitSources {
  /** the instructor's project: kit/, checks/, native/build/, node_modules/, package.json */
  projectRoot: string;
  /** the pristine skeleton (the kit's steps/) for steps a submission lacks */
  skeletonDir: string;
}

export interface Workspace {
  dir: string;
  stepsDir: string;
  stateDir: string;
  /** the instructor's kit entry point inside the workspace */
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

export function createWorkspace(dir: string, src: KitSources): Workspace {
  fs.mkdirSync(dir, { recursive: true });
  const copy = (rel: string) => {
    const from = path.join(src.projectRoot, rel);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, rel), { recursive: true, preserveTimestamps: true, filter: (f) => !f.includes(`${path.sep}node_modules${path.sep}`) });
  };
  copy('kit');
  copy('checks');
  copy('native/build');
  copy('package.json');
  fs.symlinkSync(path.join(src.projectRoot, 'node_modules'), path.join(dir, 'node_modules'));
  const stepsDir = path.join(dir, 'steps');
  const stateDir = path.join(dir, 'state');
  fs.mkdirSync(stepsDir, { recursive: true });
  fs.mkdirSync(stateDir, { recursive: true });
  return { dir, stepsDir, stateDir, cli: path.join(dir, 'kit', 'tools', 'cli', 'main.ts') };
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
