// The kit's test VM: runs a command as root inside a throwaway QEMU VM whose
// /sys/fs/cgroup is a pure cgroup v2 hierarchy (the kernel is booted with
// cgroup_no_v1=all), so that `npm test` exercises the cgroup v2 code for real
// on a v1 or hybrid host without touching the host's hierarchies.
//
// - The kernel is the distribution's own (Debian: linux-image-amd64's kernel;
//   Ubuntu: linux-image-generic's, with its linux-modules packages), fetched
//   with `apt-get download` and unpacked with `dpkg -x` into the kit's VM cache
//   (nothing is installed, nothing goes into /boot). Compressed modules are
//   unpacked (busybox's modprobe loads plain .ko files only) and busybox depmod
//   indexes them.
// - A tiny initramfs holds the host's static busybox, test/vm/init.sh as PID 1
//   and the modules needed to reach the host: virtio-pci, 9p, overlay.
// - The host's / is exported read-only over virtio-9p; the guest puts a tmpfs
//   overlay on top (every write is thrown away) and runs the command in a
//   chroot of that view. `rw` directories are exported read-write at their host
//   paths, so results come back. The VM starts as a fresh boot: empty /run, no
//   /run/netns, no loop device in use.
// - KVM when /dev/kvm is usable; otherwise QEMU's software emulation (TCG),
//   single-threaded: under multi-threaded TCG about one run in five of Node
//   died inside the VM with SIGSEGV/SIGILL in JIT-compiled code.
// - No network device: tests stay on the machine.
//
// CW_VM_QEMU names another QEMU binary.
// Cache: /var/cache/container-workshop/vm (CW_VM_CACHE overrides it), with the
// job directories of running VMs in jobs/ (swept when their process is gone). Not
// state/: fresh clones and the fresh-state tests empty state/, and the kernel
// (about 100 MB to download, 230 MB in the cache) is the same for every clone on the machine.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { $ } from 'zx';
import { staticBusybox, which } from '../../kit/host/preflight.ts';
import { projectRoot } from '../../kit/core/paths.ts';

const sh = $({ quiet: true, nothrow: true });

export const VM_CACHE = process.env.CW_VM_CACHE ?? '/var/cache/container-workshop/vm';
/** CW_VM_QEMU: another QEMU build (path or name) */
const QEMU = process.env.CW_VM_QEMU ?? 'qemu-system-x86_64';
const INIT = path.join(path.dirname(new URL(import.meta.url).pathname), 'init.sh');
/** the meta packages whose dependency names the distribution's current kernel */
const KERNEL_META = ['linux-image-amd64', 'linux-image-generic', 'linux-image-virtual'];
/** what the initramfs needs to reach the host (the rest loads from the cache over 9p) */
const INITRD_MODULES = ['virtio_pci', '9pnet_virtio', '9p', 'overlay'];
/** hardware a VM without devices never loads: keeps the cache at about 230 MB instead of 470 */
const PRUNED = [
  'sound',
  ...['gpu', 'media', 'infiniband', 'iio', 'staging', 'hwmon', 'usb', 'scsi', 'bluetooth', 'isdn', 'net/wireless', 'net/ethernet'].map(
    (d) => `drivers/${d}`,
  ),
];

/** Why the VM cannot run here, and what to do about it. */
export class VmUnavailable extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`${reason} (${fix})`);
    this.name = 'VmUnavailable';
  }
}

/** The cheap checks (no apt, no download): undefined when the VM can be tried. */
export function vmUnavailable(): VmUnavailable | undefined {
  if (process.getuid?.() !== 0)
    return new VmUnavailable('not root', 'run npm test as root: exporting / to the VM and reading the kernel need it');
  if (process.arch !== 'x64')
    return new VmUnavailable(
      `this is ${process.arch}, and the test VM is x86-64 only`,
      'run the v2 tests on an x86-64 machine, or on a machine booted with pure cgroup v2',
    );
  if (!(QEMU.includes('/') ? fs.existsSync(QEMU) : which(QEMU)))
    return new VmUnavailable(`QEMU (${QEMU}) is not installed`, 'the preflight of npm test installs it: apt-get install qemu-system-x86');
  for (const [cmd, pkg] of [
    ['apt-get', 'apt'],
    ['dpkg', 'dpkg'],
    ['cpio', 'cpio'],
    ['xz', 'xz-utils'],
    ['setpriv', 'util-linux'],
  ]) {
    if (!which(cmd))
      return new VmUnavailable(`${cmd} is missing`, `the VM fetches a Debian or Ubuntu kernel package: apt-get install ${pkg}`);
  }
  if (!staticBusybox()) return new VmUnavailable('no static busybox for the initramfs', 'apt-get install busybox-static');
  return undefined;
}

export interface VmImage {
  kver: string;
  /** what QEMU boots: the ELF vmlinux (PVH, no decompression) or the bzImage */
  kernel: string;
  initrd: string;
  /** the module tree, under the cache (reached by the guest over 9p) */
  modules: string;
}

/**
 * The kernel and initramfs, from the cache or built into it. The first time
 * (or with CW_VM_REFRESH=1) the kernel package is resolved and downloaded.
 * Concurrent builders each build in a temporary directory; the first rename wins.
 */
export async function prepareVm(log: (msg: string) => void = () => {}): Promise<VmImage> {
  fs.mkdirSync(VM_CACHE, { recursive: true });
  dropStaleTemporaries();
  const current = path.join(VM_CACHE, 'current');
  let kver = fs.existsSync(path.join(current, '.complete')) && process.env.CW_VM_REFRESH !== '1' ? fs.readlinkSync(current) : undefined;
  if (!kver) {
    const pkgs = await resolveKernel();
    kver = pkgs[0].replace(/^linux-image-/, '');
    if (!fs.existsSync(path.join(VM_CACHE, kver, '.complete'))) await fetchKernel(kver, pkgs, log);
    const link = path.join(VM_CACHE, `.current-${process.pid}`);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(kver, link);
    fs.renameSync(link, current);
    // the kernels this one replaces
    for (const old of fs.readdirSync(VM_CACHE)) {
      if (![kver, 'current', 'jobs'].includes(old) && !old.startsWith('.'))
        fs.rmSync(path.join(VM_CACHE, old), { recursive: true, force: true });
    }
  }
  const dir = path.join(VM_CACHE, kver);
  const vmlinux = path.join(dir, 'vmlinux');
  return {
    kver,
    kernel: fs.existsSync(vmlinux) ? vmlinux : path.join(dir, 'vmlinuz'),
    initrd: await ensureInitrd(dir, kver, log),
    modules: path.join(dir, 'lib/modules', kver),
  };
}

function dropStaleTemporaries(): void {
  for (const name of fs.readdirSync(VM_CACHE)) {
    const p = path.join(VM_CACHE, name);
    if (name.startsWith('.tmp-') && Date.now() - fs.statSync(p).mtimeMs > 3600_000) fs.rmSync(p, { recursive: true, force: true });
  }
}

/** [image package, module packages...] of the distribution's current kernel. */
async function resolveKernel(): Promise<string[]> {
  const lookup = async (): Promise<string | undefined> => {
    for (const meta of KERNEL_META) {
      const r = await sh`apt-cache depends --important ${meta}`;
      const m = /Depends: (linux-image-[0-9]\S*)/.exec(r.stdout);
      if (m) return m[1];
    }
    return undefined;
  };
  let image = await lookup();
  if (!image) {
    await sh`apt-get update -qq`;
    image = await lookup();
  }
  if (!image) {
    throw new VmUnavailable(
      `no kernel package found (none of ${KERNEL_META.join(', ')} is known to apt)`,
      "check that apt can reach the distribution's archive (apt-get update), or set CW_VM_CACHE to a prepared cache",
    );
  }
  const kver = image.replace(/^linux-image-/, '');
  // Ubuntu ships the modules apart from the image; Debian has none of these
  const extra: string[] = [];
  for (const p of [`linux-modules-${kver}`, `linux-modules-extra-${kver}`]) {
    if ((await sh`apt-cache show --no-all-versions ${p}`).exitCode === 0) extra.push(p);
  }
  return [image, ...extra];
}

async function fetchKernel(kver: string, pkgs: string[], log: (msg: string) => void): Promise<void> {
  log(`test VM: downloading ${pkgs.join(' ')} into ${VM_CACHE} (once)`);
  const tmp = fs.mkdtempSync(path.join(VM_CACHE, '.tmp-'));
  try {
    fs.chmodSync(tmp, 0o755); // apt's _apt sandbox user writes the download there
    const dl = await sh({ cwd: tmp })`apt-get download -q ${pkgs}`;
    if (dl.exitCode !== 0) {
      throw new VmUnavailable(
        `apt-get download ${pkgs.join(' ')} failed: ${dl.stderr.trim().split('\n').pop() ?? ''}`,
        "check that apt can reach the distribution's archive (apt-get update)",
      );
    }
    const x = path.join(tmp, 'x');
    for (const deb of fs.readdirSync(tmp).filter((f) => f.endsWith('.deb'))) await $({ quiet: true })`dpkg -x ${path.join(tmp, deb)} ${x}`;
    const config = fs.readFileSync(path.join(x, 'boot', `config-${kver}`), 'utf8');
    for (const opt of ['CONFIG_9P_FS', 'CONFIG_NET_9P_VIRTIO', 'CONFIG_OVERLAY_FS', 'CONFIG_CGROUPS', 'CONFIG_MEMCG']) {
      if (!new RegExp(`^${opt}=[ym]$`, 'm').test(config))
        throw new VmUnavailable(
          `kernel ${kver} lacks ${opt}`,
          'set CW_VM_CACHE to a cache holding a kernel with 9p, overlayfs and cgroups',
        );
    }
    const out = path.join(tmp, 'out');
    fs.mkdirSync(path.join(out, 'lib/modules'), { recursive: true });
    fs.copyFileSync(path.join(x, 'boot', `vmlinuz-${kver}`), path.join(out, 'vmlinuz'));
    fs.writeFileSync(path.join(out, 'config'), config);
    const mods = [path.join(x, 'lib/modules', kver), path.join(x, 'usr/lib/modules', kver)].find((d) => fs.existsSync(d));
    if (!mods) throw new VmUnavailable(`the package ${pkgs[0]} holds no modules for ${kver}`, 'set CW_VM_CACHE to a prepared cache');
    fs.renameSync(mods, path.join(out, 'lib/modules', kver));
    for (const d of PRUNED) fs.rmSync(path.join(out, 'lib/modules', kver, 'kernel', d), { recursive: true, force: true });
    await unpackModules(path.join(out, 'lib/modules', kver));
    await $({ quiet: true })`${staticBusybox()} depmod -b ${out} ${kver}`;
    if (/^CONFIG_PVH=y$/m.test(config)) extractVmlinux(path.join(out, 'vmlinuz'), path.join(out, 'vmlinux'));
    fs.writeFileSync(path.join(out, '.complete'), `${pkgs.join(' ')}\n`);
    try {
      fs.renameSync(out, path.join(VM_CACHE, kver));
    } catch (err) {
      // another run built it meanwhile: keep theirs
      if (!fs.existsSync(path.join(VM_CACHE, kver, '.complete'))) throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** busybox modprobe loads plain .ko only: unpack .ko.xz/.ko.zst/.ko.gz (Ubuntu, newer Debian). */
async function unpackModules(dir: string): Promise<void> {
  const files = (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.ko\.(xz|zst|gz)$/.test(f))
    .map((f) => path.join(dir, f));
  const by = (ext: string) => files.filter((f) => f.endsWith(ext));
  const tools: [string, string[], string][] = [
    ['.xz', ['xz', '-d'], 'xz-utils'],
    ['.zst', ['zstd', '-q', '-d', '--rm'], 'zstd'],
    ['.gz', ['gzip', '-d'], 'gzip'],
  ];
  for (const [ext, [cmd, ...args], pkg] of tools) {
    const list = by(ext);
    if (!list.length) continue;
    if (!which(cmd))
      throw new VmUnavailable(`the kernel's modules are compressed with ${cmd}, which is not installed`, `apt-get install ${pkg}`);
    for (let i = 0; i < list.length; i += 500) await $({ quiet: true })`${cmd} ${args} ${list.slice(i, i + 500)}`;
  }
}

/**
 * PVH direct boot: QEMU starts an uncompressed ELF vmlinux straight in 64-bit
 * mode, skipping the bzImage's decompressor (about 2 s under TCG). Debian's
 * bzImage holds an xz stream; other compressions simply keep the bzImage.
 */
function extractVmlinux(bzImage: string, out: string): void {
  const img = fs.readFileSync(bzImage);
  const magic = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
  for (let at = img.indexOf(magic); at >= 0; at = img.indexOf(magic, at + 1)) {
    // spawnSync: xz stops reading at a false match, and the broken pipe must not throw
    const elf = spawnSync('xz', ['-dc'], { input: img.subarray(at), maxBuffer: 512 * 2 ** 20 }).stdout;
    if (elf.length > 4 && elf.readUInt32BE(0) === 0x7f454c46) {
      fs.writeFileSync(out, elf);
      return;
    }
  }
}

async function ensureInitrd(dir: string, kver: string, log: (msg: string) => void): Promise<string> {
  const init = fs.readFileSync(INIT);
  const busybox = staticBusybox();
  if (!busybox) throw new VmUnavailable('no static busybox for the initramfs', 'apt-get install busybox-static');
  const hash = crypto.createHash('sha256').update(init).update(fs.readFileSync(busybox)).digest('hex').slice(0, 12);
  const initrd = path.join(dir, `initrd-${hash}.img`);
  if (fs.existsSync(initrd)) return initrd;
  log(`test VM: building ${initrd}`);
  const tmp = fs.mkdtempSync(path.join(VM_CACHE, '.tmp-'));
  try {
    const root = path.join(tmp, 'root');
    const mods = path.join(dir, 'lib/modules', kver);
    fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
    fs.copyFileSync(busybox, path.join(root, 'bin/busybox'));
    fs.writeFileSync(path.join(root, 'init'), init, { mode: 0o755 });
    for (const rel of moduleClosure(path.join(mods, 'modules.dep'), INITRD_MODULES)) {
      const to = path.join(root, 'lib/modules', kver, rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(path.join(mods, rel), to);
    }
    for (const f of ['modules.builtin', 'modules.order']) {
      if (fs.existsSync(path.join(mods, f))) fs.copyFileSync(path.join(mods, f), path.join(root, 'lib/modules', kver, f));
    }
    fs.mkdirSync(path.join(root, 'lib/modules', kver), { recursive: true });
    await $({ quiet: true })`${busybox} depmod -b ${root} ${kver}`;
    const files = (await $({ quiet: true, cwd: root })`find .`).stdout;
    // spawnSync: the archive is binary (zx's output is text)
    const cpio = spawnSync('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: root, input: files, maxBuffer: 256 * 2 ** 20 });
    if (cpio.status !== 0) throw new Error(`cpio failed: ${cpio.stderr.toString()}`);
    fs.writeFileSync(path.join(tmp, 'initrd'), zlib.gzipSync(cpio.stdout, { level: 1 }));
    fs.renameSync(path.join(tmp, 'initrd'), initrd);
    for (const old of fs.readdirSync(dir))
      if (/^initrd-.*\.img$/.test(old) && path.join(dir, old) !== initrd) fs.rmSync(path.join(dir, old), { force: true });
    return initrd;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The modules named (by module name) and everything they depend on, as paths relative to the tree. */
function moduleClosure(modulesDep: string, names: string[]): string[] {
  const deps = new Map<string, string[]>();
  const byName = new Map<string, string>();
  for (const line of fs.readFileSync(modulesDep, 'utf8').split('\n')) {
    const [file, rest] = line.split(':');
    if (!file || rest === undefined) continue;
    deps.set(file, rest.trim().split(/\s+/).filter(Boolean));
    byName.set(
      path
        .basename(file)
        .replace(/\.ko.*$/, '')
        .replace(/-/g, '_'),
      file,
    );
  }
  const out: string[] = [];
  const add = (file: string): void => {
    if (out.includes(file)) return;
    for (const d of deps.get(file) ?? []) add(d);
    out.push(file);
  };
  for (const n of names) {
    const file = byName.get(n);
    if (file) add(file); // absent: built into the kernel
  }
  return out;
}

export interface VmRun {
  argv: string[];
  /** working directory inside the VM (default: the project root) */
  cwd?: string;
  /** host directories the VM writes back to (mounted read-write at the same path) */
  rw?: string[];
  /** the command's environment is PATH, HOME, LANG, TERM, CI plus these */
  env?: Record<string, string>;
  timeoutSec: number;
  /** guest memory (default 2G) */
  mem?: string;
  /** kernel modules to load first (default loop,tun: the kernel cannot auto-load them) */
  modules?: string[];
}

export interface VmResult {
  /** the command's exit status; 124 on timeout; 125 when the VM did not run it */
  code: number;
  stdout: string;
  stderr: string;
  /** the serial console: kernel and init messages (OOM reports, init errors) */
  console: string;
  accel: 'kvm' | 'tcg';
  ms: number;
}

/** Run argv as root in a fresh VM; the job directory and QEMU are gone when it returns. */
export async function runInVm(r: VmRun, image?: VmImage): Promise<VmResult> {
  const img = image ?? (await prepareVm());
  const kvm = kvmUsable();
  const first = await boot(r, img, kvm ? 'kvm' : 'tcg');
  // /dev/kvm present but refused (nested virtualisation): QEMU stops before the command ran
  if (first.accel === 'kvm' && first.code === 125 && !/cw-vm-init: starting the command/.test(first.console)) return boot(r, img, 'tcg');
  return first;
}

function kvmUsable(): boolean {
  try {
    fs.accessSync('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
/** QEMU option values escape ',' as ',,' */
const qe = (s: string): string => s.replace(/,/g, ',,');

async function boot(r: VmRun, img: VmImage, accel: 'kvm' | 'tcg'): Promise<VmResult> {
  const started = performance.now();
  const jobs = path.join(VM_CACHE, 'jobs');
  fs.mkdirSync(jobs, { recursive: true });
  sweepJobs(jobs);
  const job = fs.mkdtempSync(path.join(jobs, `${process.pid}-`));
  try {
    fs.chmodSync(job, 0o755);
    for (const f of ['stdout', 'stderr', 'console.log']) fs.writeFileSync(path.join(job, f), '');
    const rw = (r.rw ?? []).map((d) => fs.realpathSync(d));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: '/root',
      LANG: process.env.LANG ?? 'C.UTF-8',
      TERM: 'dumb',
      ...(process.env.CI ? { CI: process.env.CI } : {}),
      ...r.env,
      CW_VM: '1',
    };
    const script = [
      '#!/bin/bash',
      '# generated by test/vm/vm.ts',
      ...Object.entries(env).map(([k, v]) => `export ${k}=${q(v)}`),
      `cd -- ${q(r.cwd ?? projectRoot)} || exit 125`,
      `exec ${r.argv.map(q).join(' ')}`,
    ];
    fs.writeFileSync(path.join(job, 'cmd.sh'), `${script.join('\n')}\n`);
    const config = [
      `MODDIR=${q(img.modules)}`,
      `MODULES=${q((r.modules ?? ['loop', 'tun']).join(','))}`,
      `NRW=${rw.length}`,
      ...rw.map((d, i) => `RW${i}=${q(d)}`),
    ];
    fs.writeFileSync(path.join(job, 'config'), `${config.join('\n')}\n`);

    const append = [
      'console=ttyS0 panic=-1 rdinit=/init',
      'cgroup_no_v1=all', // every controller on v2; v1 cannot be mounted at all
      'mitigations=off tsc=reliable no_timer_check cryptomgr.notests audit=0 i8042.noaux=1 i8042.nokbd=1 quiet loglevel=3',
    ].join(' ');
    const args = [
      '-nodefaults',
      '-no-user-config',
      '-no-reboot',
      '-machine',
      'pc',
      '-accel',
      accel === 'kvm' ? 'kvm' : 'tcg,thread=single',
      '-cpu',
      accel === 'kvm' ? 'host' : 'max',
      '-smp',
      String(Math.min(os.cpus().length, 2)),
      '-m',
      r.mem ?? '2G',
      '-display',
      'none',
      '-vga',
      'none',
      '-monitor',
      'none',
      '-nic',
      'none',
      '-serial',
      `file:${path.join(job, 'console.log')}`,
      '-kernel',
      img.kernel,
      '-initrd',
      img.initrd,
      '-append',
      append,
      '-fsdev',
      'local,id=fsroot,path=/,security_model=none,readonly=on,multidevs=remap',
      '-device',
      'virtio-9p-pci,fsdev=fsroot,mount_tag=hostroot',
      '-fsdev',
      `local,id=fsjob,path=${qe(job)},security_model=none,multidevs=remap`,
      '-device',
      'virtio-9p-pci,fsdev=fsjob,mount_tag=cwjob',
      ...rw.flatMap((d, i) => [
        '-fsdev',
        `local,id=fsrw${i},path=${qe(d)},security_model=passthrough,multidevs=remap`,
        '-device',
        `virtio-9p-pci,fsdev=fsrw${i},mount_tag=rw${i}`,
      ]),
    ];
    const { code: qemuCode, timedOut, log } = await runQemu(args, r.timeoutSec * 1000);
    const read = (f: string): string => fs.readFileSync(path.join(job, f), 'utf8');
    const rcFile = path.join(job, 'rc');
    const rc = fs.existsSync(rcFile) ? Number(fs.readFileSync(rcFile, 'utf8').trim()) : undefined;
    let stderr = read('stderr');
    let code: number;
    if (rc !== undefined && !Number.isNaN(rc)) code = rc;
    else if (timedOut) {
      code = 124;
      stderr += `\ntest VM: timed out after ${r.timeoutSec} s\n`;
    } else {
      code = 125;
      stderr += `\ntest VM: QEMU exited (${qemuCode}) without running the command\n${log}\n${read('console.log').split('\n').slice(-30).join('\n')}`;
    }
    return { code, stdout: read('stdout'), stderr, console: read('console.log'), accel, ms: Math.round(performance.now() - started) };
  } finally {
    fs.rmSync(job, { recursive: true, force: true });
  }
}

/** Job directories of runs whose process is gone (killed before its finally ran). */
function sweepJobs(jobs: string): void {
  for (const name of fs.readdirSync(jobs)) {
    const pid = Number(name.split('-')[0]);
    if (pid === process.pid || (pid > 0 && fs.existsSync(`/proc/${pid}`))) continue;
    fs.rmSync(path.join(jobs, name), { recursive: true, force: true });
  }
}

/**
 * QEMU in the foreground, killed (by its pid) at the deadline or when this
 * process exits; setpriv's parent-death signal kills it even when this process
 * is killed outright (vitest ending a fork, Ctrl-C).
 */
function runQemu(args: string[], timeoutMs: number): Promise<{ code: number | null; timedOut: boolean; log: string }> {
  return new Promise((resolve, reject) => {
    const qemu = spawn('setpriv', ['--pdeathsig', 'KILL', '--', QEMU, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    let timedOut = false;
    qemu.stdout.on('data', (d: Buffer) => (log += d.toString()));
    qemu.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const kill = (): void => {
      qemu.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    process.once('exit', kill);
    qemu.on('error', (err) => {
      clearTimeout(timer);
      process.off('exit', kill);
      reject(err);
    });
    qemu.on('close', (code) => {
      clearTimeout(timer);
      process.off('exit', kill);
      resolve({ code, timedOut, log });
    });
  });
}
