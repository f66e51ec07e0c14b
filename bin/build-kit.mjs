// Compiles the kit (kit/**/*.ts) once into .build/kit/**/*.js, file for file:
// the same module graph (so every command still loads only the modules it
// reaches, and lazy imports stay lazy), plain JavaScript that `node` runs
// without a TypeScript loader. Run by `npm install` (postinstall) and, when a
// maintainer has edited kit/ since, by bin/kit.mjs before it starts the kit.
// Student step files and the checks are not compiled here: the kit compiles
// each one when it loads it (kit/core/ts-import.ts).
//
//   node bin/build-kit.mjs [--force]      build when kit/ changed (or always)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, '..');
/** where the compiled kit goes (git-ignored); the kit's own modules land in BUILD_DIR/kit/ */
export const BUILD_DIR = '.build';
const STAMP = 'stamp.json';
/** bump when the output's shape changes, so that an old build is redone */
const FORMAT = 2;

/** kit/**\/*.ts, relative to `root`, sorted (a walk of its own: readdirSync's `recursive` is several times slower) */
function kitSources(root) {
  const out = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(r);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(r);
    }
  };
  walk('kit');
  return out.sort();
}

/**
 * What the build was made from: the sources' paths, sizes and modification
 * times (relative paths, so that a copy made with its times kept, like a
 * grading workspace, is still up to date). One stat per file, no reading; kept
 * whole rather than hashed, so that every start need not load node:crypto.
 */
export function sourcesKey(root = projectRoot, extra = readStamp(root)?.extra ?? []) {
  let key = `${FORMAT}\n`;
  for (const rel of [...kitSources(root), ...extra]) {
    const st = fs.statSync(path.join(root, rel));
    key += `${rel} ${st.size} ${st.mtimeMs}\n`;
  }
  return key;
}

function readStamp(root) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, BUILD_DIR, STAMP), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether .build/ was compiled from the kit/ that is there now. */
export function isFresh(root = projectRoot) {
  const stamp = readStamp(root);
  return stamp !== undefined && stamp.key === sourcesKey(root, stamp.extra);
}

/** Compile kit/ into .build/kit/ unless it is up to date; returns whether it compiled. */
export async function buildKit(root = projectRoot, { force = false } = {}) {
  if (!force && isFresh(root)) return false;
  const [{ build }, lexer] = await Promise.all([import('esbuild'), import('es-module-lexer')]);
  await lexer.init;
  const sources = kitSources(root);
  const out = path.join(root, BUILD_DIR);
  const tmp = `${out}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  // the kit's .ts imports from outside kit/ (e.g. a page list the site shares) are compiled too, found as they come
  const extra = [];
  for (;;) {
    const more = await compile(root, tmp, [...sources, ...extra], lexer, build);
    if (more.length === 0) break;
    extra.push(...more);
  }
  const key = sourcesKey(root, extra);
  fs.writeFileSync(
    path.join(tmp, STAMP),
    `${JSON.stringify({ key, extra, built: new Date().toISOString(), files: sources.length + extra.length })}\n`,
  );
  // swap in whole: a kit started meanwhile sees the old build or the new one, never half of each
  const old = `${out}.old-${process.pid}`;
  try {
    if (fs.existsSync(out)) fs.renameSync(out, old);
    fs.renameSync(tmp, out);
  } catch (err) {
    // another process compiled at the same moment: its build serves as well as ours
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!isFresh(root)) throw err;
  }
  fs.rmSync(old, { recursive: true, force: true });
  return true;
}

/** Compile `entries` (relative to root) into `outdir`; returns the .ts files they import that were not among them. */
async function compile(root, outdir, entries, lexer, build) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir,
    outbase: root,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const have = new Set(entries.map((e) => path.join(root, e)));
  const missing = new Set();
  for (const f of result.outputFiles) {
    const src = path.join(root, path.relative(outdir, f.path)).replace(/\.js$/, '.ts');
    // the kit imports its own modules as './x.ts': in the compiled tree they are './x.js'
    const js = f.text;
    const [imports] = lexer.parse(js);
    let text = '';
    let last = 0;
    for (const i of imports) {
      const spec = i.n;
      if (spec === undefined || !spec.startsWith('.') || !spec.endsWith('.ts')) continue;
      const imported = path.resolve(path.dirname(src), spec);
      if (!have.has(imported)) missing.add(path.relative(root, imported).split(path.sep).join('/'));
      // i.s..i.e is the specifier without quotes (static) or with them (dynamic)
      const quoted = js[i.s] === "'" || js[i.s] === '"';
      const start = quoted ? i.s + 1 : i.s;
      const end = quoted ? i.e - 1 : i.e;
      text += js.slice(last, start) + spec.replace(/\.ts$/, '.js');
      last = end;
    }
    text += js.slice(last);
    fs.mkdirSync(path.dirname(f.path), { recursive: true });
    fs.writeFileSync(f.path, text);
  }
  return [...missing];
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  buildKit(projectRoot, { force: process.argv.includes('--force') }).then(
    (built) => {
      if (built) console.error(`container-workshop: compiled the kit into ${BUILD_DIR}/ in ${Math.round(performance.now() - t0)} ms`);
    },
    (err) => {
      console.error(`container-workshop: compiling the kit failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
