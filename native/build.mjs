// Builds native/shim.c into native/build/libcwshim.so (run by `npm install`).
// Rebuilds only when the source is newer than the library.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'shim.c');
let out = path.join(here, 'build', 'libcwshim.so');
const force = process.argv.includes('--force');
// --strict (used by the tests) turns warnings into errors; users' newer compilers may warn more.
const strict = process.argv.includes('--strict');
const outArg = process.argv.find((a) => a.startsWith('--out='));

if (outArg) out = path.resolve(outArg.slice('--out='.length));
if (process.platform !== 'linux') {
  console.error('container-workshop: the C shim is only built on Linux (containers are a Linux kernel feature); skipping.');
  process.exit(0);
}
if (!force && fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(src).mtimeMs) process.exit(0);

const cc = [process.env.CC, 'cc', 'gcc', 'clang']
  .filter(Boolean)
  .find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
if (!cc) {
  console.error(
    'container-workshop: no C compiler found, so the C shim (native/shim.c) cannot be built.\n' +
      '  Install one and re-run: sudo apt-get install -y gcc && npm run build:native\n' +
      '  Why a C shim: see site/guide/design.md',
  );
  process.exit(1);
}
fs.mkdirSync(path.dirname(out), { recursive: true });
const args = ['-O2', '-Wall', '-Wextra', ...(strict ? ['-Werror'] : []), '-std=gnu11', '-fPIC', '-shared', '-o', out, src];
const r = spawnSync(cc, args, { stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`container-workshop: building the C shim failed (${cc} ${args.join(' ')})`);
  process.exit(1);
}
