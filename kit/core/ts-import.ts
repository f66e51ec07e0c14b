// Loading a TypeScript file the kit does not compile ahead: the student's step
// files (steps/, solutions/, a workspace's copy) and the checks. The compiled
// kit (.build/, bin/build-kit.mjs) runs under plain node, which cannot import
// .ts, so each such file is transpiled here, once per content: esbuild's
// transform (the same that the import rule uses), the result cached in
// .build/compiled/ by a hash of the file's path and text, so that a run of an
// unchanged file starts no compiler at all. Not under state/: a cache hit
// skips the import rule, and in the grader's sandbox state/ is writable by the
// student's code (a step could plant a copy for the next check to trust),
// while .build/ is read-only there; where .build/ cannot be written, each
// file is compiled afresh into a temporary folder and nothing is reused.
// (A rebuild of the kit replaces .build/, and the cache with it.)
//
// Its imports of the kit ('../kit/student.ts', a check's '../kit/host/proc.ts')
// are rewritten to the compiled modules the running kit itself loaded
// (.build/kit/student.js): the step gets the SAME module instances as the
// kit that runs it (one ledger, one tracer, one lifecycle). Packages resolve
// from the kit's node_modules. The output carries an inline source map, and
// source maps are turned on before the first such import, so errors, traces
// and `todo()` name the student's own file and line.
//
// Run from the TypeScript sources (vitest, `node --import tsx`), the kit leaves
// the file to that loader: compiling here would load a second kit.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { esbuild } from './esbuild.ts';
import { giveBack } from './owner.ts';
import { BUILD_DIR, kitCompiled, projectRoot } from './paths.ts';

/** bump when the output's shape changes */
const FORMAT = 1;
const kitSrc = path.join(projectRoot, 'kit') + path.sep;

/**
 * import() a TypeScript file that lives outside the compiled kit. `before`
 * runs first when the file is compiled (not on a cache hit): the import rule
 * of step files, which must refuse a file before any of it runs.
 */
export async function importTs(file: string, before?: (file: string, source: string) => Promise<void>): Promise<unknown> {
  if (!kitCompiled) {
    if (before) await before(file, fs.readFileSync(file, 'utf8'));
    return import(pathToFileURL(file).href);
  }
  // once: stack traces through the compiled copy name the student's file and line
  process.setSourceMapsEnabled(true);
  return import(await compiled(path.resolve(file), before));
}

/**
 * Load the compiler and start esbuild's service now, for a process started
 * ahead of its work (watch mode's check child): a step file saved since its
 * last compile then costs a few milliseconds instead of about 120.
 */
export async function preloadCompiler(): Promise<void> {
  const [{ transform }, lexer] = await Promise.all([esbuild(), import('es-module-lexer')]);
  await Promise.all([lexer.init, transform('', { loader: 'ts' })]);
}

/** The file: URL of the compiled, cached copy of `file` (compiled now if needed). */
async function compiled(file: string, before?: (file: string, source: string) => Promise<void>): Promise<string> {
  const source = fs.readFileSync(file, 'utf8');
  const dir = path.join(projectRoot, BUILD_DIR, 'compiled');
  const prefix = `${crypto.createHash('sha1').update(file).digest('hex').slice(0, 10)}-${path.basename(file, '.ts')}-`;
  const hash = crypto.createHash('sha1').update(`${FORMAT}\0${projectRoot}\0${file}\0${source}`).digest('hex').slice(0, 16);
  const out = path.join(dir, `${prefix}${hash}.mjs`);
  if (fs.existsSync(out)) return pathToFileURL(out).href;

  if (before) await before(file, source);
  const [{ transform }, lexer] = await Promise.all([esbuild(), import('es-module-lexer')]);
  await lexer.init;
  // a syntax error throws here, naming the file and line (kit/core/steps.ts reports it);
  // the asynchronous transform: its first call starts esbuild's service in half the time the synchronous one takes
  const js = (await transform(source, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: file, sourcemap: 'inline' })).code;
  const [imports] = lexer.parse(js);
  let text = '';
  let last = 0;
  for (const i of imports) {
    if (i.n === undefined) continue; // import(expression): the step rule refuses it; a check's stays as written
    const quoted = js[i.s] === "'" || js[i.s] === '"';
    const [start, end] = quoted ? [i.s + 1, i.e - 1] : [i.s, i.e];
    text += js.slice(last, start) + (await target(file, i.n, before));
    last = end;
  }
  text += js.slice(last);

  try {
    fs.mkdirSync(dir, { recursive: true });
    // older copies of the same file go, and copies not written for a week (step
    // folders of finished tests and mutants); a new one is written whole, then renamed
    const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
    for (const old of fs.readdirSync(dir)) {
      const p = path.join(dir, old);
      if (old.startsWith(prefix) || (fs.statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < weekAgo)
        fs.rmSync(p, { force: true });
    }
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, out);
    giveBack([dir, out]); // through sudo: the student's own .build/ stays theirs (npm install replaces it)
    return pathToFileURL(out).href;
  } catch {
    // not writable (EROFS, EACCES; ENOENT where the grader's sandbox hides the folder): compile for this process only
    const once = path.join(scratch(), path.basename(out));
    fs.writeFileSync(once, text);
    return pathToFileURL(once).href;
  }
}

let scratchDir: string | undefined;
/** A folder of this process's own for copies that cannot be cached (read-only kit), removed at exit. */
function scratch(): string {
  if (!scratchDir) {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-compiled-'));
    scratchDir = d;
    process.once('exit', () => fs.rmSync(d, { recursive: true, force: true }));
  }
  return scratchDir;
}

/** What an import of `spec` in `file` becomes in the compiled copy. */
async function target(file: string, spec: string, before?: (file: string, source: string) => Promise<void>): Promise<string> {
  if (spec.startsWith('node:')) return spec;
  if (!spec.startsWith('.') && !spec.startsWith('/')) return import.meta.resolve(spec); // a package: the kit's own copy
  const abs = path.resolve(path.dirname(file), spec);
  if (abs.startsWith(kitSrc) && abs.endsWith('.ts')) {
    return pathToFileURL(path.join(projectRoot, BUILD_DIR, abs.slice(projectRoot.length + 1)).replace(/\.ts$/, '.js')).href;
  }
  return abs.endsWith('.ts') ? compiled(abs, before) : pathToFileURL(abs).href;
}
