// Where things live. The state folder is git-ignored and holds everything the
// kit builds or records at run time (rootfs, images, ledgers).

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KitError } from './errors.ts';

/** the compiled kit (bin/build-kit.mjs): .build/kit/ mirrors kit/ with .js files */
export const BUILD_DIR = '.build';

// kit/core/paths.ts, or its compiled copy .build/kit/core/paths.js
const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(
  here,
  ...(path.basename(path.resolve(here, '..', '..')) === BUILD_DIR ? ['..', '..', '..'] : ['..', '..']),
);

/** Whether this kit runs compiled (.build/kit/**.js) rather than from its TypeScript sources (tests, tsx). */
export const kitCompiled = !import.meta.url.endsWith('.ts');
/** The compiled kit's entry: what `npm run <command>` runs (it compiles kit/ first when it changed). */
export const kitLauncher = path.join(projectRoot, 'bin', 'kit.mjs');

/** CW_STATE_DIR lets tests and the grader use a separate state folder. */
export function stateDir(): string {
  return process.env.CW_STATE_DIR ?? path.join(projectRoot, 'state');
}

export const runsDir = (): string => path.join(stateDir(), 'runs');
export const rootfsDir = (): string => path.join(stateDir(), 'rootfs');

export const stepsDir = path.join(projectRoot, 'steps');
export const solutionsDir = path.join(projectRoot, 'solutions');
export const checksDir = path.join(projectRoot, 'checks');

/**
 * The steps folder a command works on, from its flags: `--steps-dir DIR`
 * (resolved against the working directory), else solutions/ with
 * `--solution`, else the student's steps/. The one place every command asks.
 */
export function stepsDirFrom(flags: Readonly<Record<string, string | true>>): string {
  const dir = flags['steps-dir'];
  if (dir === true) throw new KitError('--steps-dir needs a folder, e.g. `--steps-dir steps`.', { exitCode: 2 });
  if (dir) return path.resolve(dir);
  return flags.solution ? solutionsDir : stepsDir;
}

/** Site base for links in messages: the local docs server by default. */
export const DOCS_BASE = process.env.CW_DOCS_BASE ?? 'site';

/** A page reference a student can follow: `site/steps/01-pid.md#hints`. */
export function docLink(page: string): string {
  const [p, anchor] = page.split('#');
  const file = `${DOCS_BASE}${p}${p.endsWith('/') ? 'index' : ''}.md`;
  return anchor ? `${file}#${anchor}` : file;
}
