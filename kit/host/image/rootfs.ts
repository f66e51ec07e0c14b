// The container's root filesystem, assembled offline from host binaries:
// busybox-static (with a link per applet) and sysbench with the shared
// libraries it needs. Built once into state/rootfs, reused afterwards, and
// rebuilt when the recipe version changes. Built in a temporary folder and
// renamed into place, so a half-built rootfs is never used.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../../core/errors.ts';
import { rootfsDir } from '../../core/paths.ts';
import { isAlive } from '../proc.ts';
import { staticBusybox, which } from '../preflight.ts';

/** Bump when the recipe changes: existing rootfs folders are rebuilt. */
const RECIPE = '1';
const STAMP = '.cw-rootfs';

const DIRS = [
  'bin',
  'sbin',
  'usr/bin',
  'usr/sbin',
  'etc',
  'proc',
  'sys',
  'dev',
  'tmp',
  'home',
  'root',
  'run',
  'var/tmp',
  'mnt',
  '.old_root',
];

export function rootfsReady(dir = rootfsDir()): boolean {
  try {
    if (fs.readFileSync(path.join(dir, STAMP), 'utf8').trim() !== RECIPE) return false;
  } catch {
    return false;
  }
  // Steps 1 to 4 run without sysbench (preflight asks for it from step 5 on):
  // a rootfs built before it was installed is built again, now with it.
  const sysbench = which('sysbench');
  return sysbench === undefined || fs.existsSync(path.join(dir, sysbench));
}

/** Path of the ready rootfs; builds it first if needed. */
export function ensureRootfs(log: (msg: string) => void = (msg) => process.stderr.write(`cw ${msg}\n`)): string {
  const dir = rootfsDir();
  if (rootfsReady(dir)) return dir;
  const started = Date.now();
  log(`building the container root filesystem (busybox + sysbench) in ${path.relative(process.cwd(), dir) || dir} ...`);
  removeDeadBuilds(dir);
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    buildInto(tmp);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  log(`root filesystem ready in ${Date.now() - started} ms`);
  return dir;
}

/** Half-built folders of builds whose process died (rootfs.tmp-PID). */
function removeDeadBuilds(dir: string): void {
  const parent = path.dirname(dir);
  const prefix = `${path.basename(dir)}.tmp-`;
  if (!fs.existsSync(parent)) return;
  for (const name of fs.readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && !isAlive(pid)) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

function buildInto(root: string): void {
  for (const d of DIRS) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  fs.chmodSync(path.join(root, 'var/tmp'), 0o1777);

  const busybox = staticBusybox();
  if (!busybox) {
    throw new KitError("A static busybox is needed for the container's root filesystem.", {
      hint: 'sudo apt-get install -y busybox-static (or run `npm run preflight`).',
      page: '/guide/troubleshooting#missing-tools',
    });
  }
  fs.copyFileSync(busybox, path.join(root, 'bin/busybox'));
  fs.chmodSync(path.join(root, 'bin/busybox'), 0o755);
  const applets = spawnSync(busybox, ['--list-full'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const applet of applets) {
    const link = path.join(root, applet);
    if (fs.existsSync(link)) continue;
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(link), path.join(root, 'bin/busybox')), link);
  }

  const sysbench = which('sysbench');
  if (sysbench) copyWithLibraries(sysbench, root);

  fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  fs.writeFileSync(path.join(root, 'etc/hosts'), '127.0.0.1 localhost\n::1 localhost\n');
  fs.writeFileSync(path.join(root, 'etc/os-release'), 'NAME="container-workshop rootfs"\nID=cw\n');
  fs.writeFileSync(path.join(root, STAMP), `${RECIPE}\n`);
}

/** Copy a dynamically linked program and every library ldd lists, at the same paths. */
function copyWithLibraries(binary: string, root: string): void {
  const files = [binary];
  const ldd = spawnSync('ldd', [binary], { encoding: 'utf8' }).stdout;
  for (const line of ldd.split('\n')) {
    const m = /(\/\S+)/.exec(line.includes('=>') ? line.split('=>')[1] : line);
    if (m) files.push(m[1]);
  }
  for (const f of files) {
    const real = fs.realpathSync(f);
    const dest = path.join(root, f);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (!fs.existsSync(dest)) fs.copyFileSync(real, dest);
    fs.chmodSync(dest, 0o755);
  }
}
