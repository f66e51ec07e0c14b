// The import rule of step files (DESIGN.md "The student API: tools, not
// answers"): a file of steps/ or solutions/ may import kit/student.ts and
// Node's own modules, nothing else. The kit's other modules hold the
// reference helpers the grader, the bench and perf need (attachHomeImage,
// createCgroup, the limit tables ...); a step that reached them would pass a
// check without doing the lab's work. The rule is checked when a step file is
// loaded (kit/core/steps.ts), so it holds wherever the file runs: `npm run step`,
// the checks, a grading workspace's copy.
//
// The file is transpiled (esbuild drops the imports marked `type`, which run nothing)
// and its imports listed by es-module-lexer: static imports, re-exports and
// dynamic import() calls, whose specifier must be a plain string.

import fs from 'node:fs';
import path from 'node:path';
import { KitError } from './errors.ts';
import { esbuild } from './esbuild.ts';
import { projectRoot } from './paths.ts';

/** The one kit module steps may import, as a path relative to the kit folder. */
export const STUDENT_API = 'student.ts';
export const studentApiPath = path.join(projectRoot, 'kit', STUDENT_API);

/** Node modules that could load any other file by name: refused like a deep import. */
const LOADERS = new Set(['module', 'vm', 'worker_threads']);

export interface ImportViolation {
  /** what the file wrote, e.g. '../kit/host/image/home.ts', or 'import(<expression>)' */
  specifier: string;
  line: number;
}

const real = (p: string): string | undefined => {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
};

const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** Whether `specifier`, written in `file`, is one a step may import. */
export function allowedImport(file: string, specifier: string): boolean {
  if (specifier.startsWith('node:')) return !LOADERS.has(specifier.slice(5).split('/')[0]);
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return false; // packages: zx, koffi ... come through the student API
  const target = path.resolve(path.dirname(file), specifier.split('?')[0]);
  // by real path: a workspace may reach the kit through a symlink
  return target === studentApiPath || real(target) === real(studentApiPath);
}

/**
 * The imports of `file` that break the rule; [] when it keeps it. Lines are
 * those of the transpiled text (esbuild keeps statements on their lines when
 * it can; good enough to find the import).
 */
export async function importViolations(file: string, source = fs.readFileSync(file, 'utf8')): Promise<ImportViolation[]> {
  // loaded here, not at the top: a step file already compiled (kit/core/ts-import.ts) needs neither
  const [{ transform }, { init, parse }] = await Promise.all([esbuild(), import('es-module-lexer')]);
  await init;
  let js: string;
  try {
    // verbatimModuleSyntax: keep every import not marked `type`, used or not
    js = (
      await transform(source, {
        loader: 'ts',
        format: 'esm',
        sourcefile: file,
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      })
    ).code;
  } catch {
    return []; // a syntax error: the loader's own error says where
  }
  const [imports] = parse(js);
  const out: ImportViolation[] = [];
  for (const i of imports) {
    const spec = i.n;
    if (spec === undefined) {
      // import(expression): cannot be checked, so not allowed
      out.push({ specifier: `import(${js.slice(i.s, i.e)})`, line: lineOf(js, i.ss) });
    } else if (!allowedImport(file, spec)) {
      out.push({ specifier: spec, line: lineOf(js, i.ss) });
    }
  }
  return out;
}

/** Throw a clear error when `file` imports anything but the student API (`source`: its text, when the caller has read it). */
export async function enforceImportRule(file: string, source?: string): Promise<void> {
  const bad = await importViolations(file, source);
  if (bad.length === 0) return;
  const rel = path.relative(process.cwd(), file);
  const list = bad.map((b) => `"${b.specifier}"`).join(', ');
  throw new KitError(`${rel} imports ${list}: a step file may import only ../kit/student.ts (and Node's node:* modules).`, {
    hint:
      'Everything a step needs is exported by kit/student.ts: the child operations, $ for host commands, the ledger, the facts. ' +
      "The rest of the kit holds the reference helpers, which do the lab's work for you: write those commands and files yourself.",
    page: '/guide/troubleshooting#step-imports',
  });
}
