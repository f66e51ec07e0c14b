// Preflight: is this a machine the kit can run on, and does it have the tools?
// Missing Debian packages are installed with apt-get after asking (core/ask.ts),
// or automatically with --yes or when CI=true.

import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { asker } from '../core/ask.ts';
import { KitError } from '../core/errors.ts';

export interface Requirement {
  /** what is needed, as a person would say it */
  what: string;
  /** true when present */
  present(): boolean;
  /** the Debian package that provides it */
  pkg: string;
  /** the first step whose container (steps 1..N) needs it; absent: the kit itself (every step) */
  fromStep?: number;
}

/** Full path of an executable found in PATH (plus the sbin folders sudo may drop). */
export function which(cmd: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = `${d}/${cmd}`;
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

const onPath = (cmd: string) => (): boolean => which(cmd) !== undefined;

/** busybox-static: the rootfs needs a busybox that runs without shared libraries. */
export const staticBusybox = (): string | undefined => ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p) && isStaticElf(p));

/** An ELF file without a PT_INTERP program header needs no dynamic loader. */
export function isStaticElf(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const h = Buffer.alloc(64);
    fs.readSync(fd, h, 0, 64, 0);
    if (h.readUInt32BE(0) !== 0x7f454c46) return false;
    const is64 = h[4] === 2;
    const le = h[5] === 1;
    const u16 = (o: number) => (le ? h.readUInt16LE(o) : h.readUInt16BE(o));
    const phoff = is64 ? Number(le ? h.readBigUInt64LE(32) : h.readBigUInt64BE(32)) : le ? h.readUInt32LE(28) : h.readUInt32BE(28);
    const [phentsize, phnum] = is64 ? [u16(54), u16(56)] : [u16(42), u16(44)];
    const ph = Buffer.alloc(phentsize * phnum);
    fs.readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < phnum; i++) {
      const type = le ? ph.readUInt32LE(i * phentsize) : ph.readUInt32BE(i * phentsize);
      if (type === 3) return false; // PT_INTERP
    }
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

/** Everything steps 1 to 5 need; each step asks only for what steps 1..N use (requirementsFor). */
export const KIT_REQUIREMENTS: Requirement[] = [
  { what: 'a C compiler (cc) for the shim', present: onPath('cc'), pkg: 'gcc' },
  {
    what: "a static busybox for the container's root filesystem",
    present: () => staticBusybox() !== undefined,
    pkg: 'busybox-static',
    fromStep: 2,
  },
  { what: 'losetup and unshare (util-linux)', present: () => onPath('losetup')() && onPath('unshare')(), pkg: 'util-linux', fromStep: 2 },
  { what: 'mkfs.ext4 (e2fsprogs)', present: onPath('mkfs.ext4'), pkg: 'e2fsprogs', fromStep: 2 },
  { what: 'ip (iproute2)', present: onPath('ip'), pkg: 'iproute2', fromStep: 3 },
  { what: 'sysbench', present: onPath('sysbench'), pkg: 'sysbench', fromStep: 5 },
];

/** What the container of steps 1..step needs: step 1 runs without sysbench, which only step 5 uses. */
export const requirementsFor = (step: number): Requirement[] => KIT_REQUIREMENTS.filter((r) => (r.fromStep ?? 1) <= step);

/** What `npm test` needs beyond the kit itself (browser test, runc comparison, tty tests, LXC). */
export const TEST_REQUIREMENTS: Requirement[] = [
  { what: "Chromium for the site's browser test", present: () => fs.existsSync('/usr/bin/chromium'), pkg: 'chromium' },
  { what: 'runc for the perf comparison', present: onPath('runc'), pkg: 'runc' },
  { what: 'tmux for the terminal tests', present: onPath('tmux'), pkg: 'tmux' },
  { what: 'LXC for the benchmark comparison', present: onPath('lxc-create'), pkg: 'lxc' },
  { what: 'ps (procps) for the tests that look for leftover processes', present: onPath('ps'), pkg: 'procps' },
  // the test VM that runs the pure cgroup v2 tests (test/vm): QEMU, and what it needs to
  // build the initramfs (cpio) and unpack a kernel package's vmlinux and modules (xz, zstd)
  { what: 'QEMU for the pure cgroup v2 tests', present: onPath('qemu-system-x86_64'), pkg: 'qemu-system-x86' },
  { what: "cpio for the test VM's initramfs", present: onPath('cpio'), pkg: 'cpio' },
  { what: "xz for the test VM's kernel", present: onPath('xz'), pkg: 'xz-utils' },
  { what: "zstd for the test VM's kernel modules (Ubuntu)", present: onPath('zstd'), pkg: 'zstd' },
  {
    what: "xmllint (libxml2-utils) to validate the grader's JUnit against Jenkins' junit-10.xsd",
    present: onPath('xmllint'),
    pkg: 'libxml2-utils',
  },
];

export const LXC_REQUIREMENTS: Requirement[] = TEST_REQUIREMENTS.filter((r) => r.pkg === 'lxc');

export function checkKernel(): void {
  const missing = ['pid', 'mnt', 'uts', 'ipc', 'net'].filter((ns) => !fs.existsSync(`/proc/self/ns/${ns}`));
  if (missing.length) {
    throw new KitError(`This kernel lacks namespaces: ${missing.join(', ')}.`, {
      hint: 'Use a kernel built with CONFIG_NAMESPACES (any distribution kernel of the last ten years has them).',
      page: '/guide/troubleshooting#kernel',
    });
  }
}

export interface PreflightOptions {
  yes: boolean;
  quiet?: boolean;
  requirements: Requirement[];
  log: (msg: string) => void;
}

/** Install what is missing; returns the packages installed. */
export async function preflight(opts: PreflightOptions): Promise<string[]> {
  checkKernel();
  const missing = opts.requirements.filter((r) => !r.present());
  if (missing.length === 0) {
    if (!opts.quiet) opts.log('preflight: everything the kit needs is installed');
    return [];
  }
  const pkgs = [...new Set(missing.map((r) => r.pkg))];
  opts.log(`missing: ${missing.map((r) => r.what).join('; ')}`);
  const yes = opts.yes || process.env.CI === 'true';
  if (!yes) {
    if (!process.stdin.isTTY) {
      throw new KitError(`Missing Debian packages: ${pkgs.join(' ')}, and no terminal to ask whether to install them.`, {
        hint: `Install them (sudo apt-get install -y ${pkgs.join(' ')}) or re-run with --yes.`,
        page: '/guide/troubleshooting#missing-tools',
        exitCode: 2,
      });
    }
    const questions = asker();
    const ok = await questions.confirm(`Install ${pkgs.join(' ')} with apt-get?`, true);
    questions.close();
    if (!ok) {
      throw new KitError(`Not installing ${pkgs.join(' ')}; the kit cannot run without them.`, {
        hint: `sudo apt-get install -y ${pkgs.join(' ')}`,
        page: '/guide/troubleshooting#missing-tools',
        exitCode: 2,
      });
    }
  }
  if (!which('apt-get')) {
    throw new KitError(`Missing packages ${pkgs.join(' ')}, and this is not a Debian/Ubuntu system (no apt-get).`, {
      hint: "Install the equivalent packages with your distribution's package manager.",
      page: '/guide/troubleshooting#missing-tools',
    });
  }
  opts.log(`installing with apt-get: ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
  // a fresh machine's package lists may be missing or stale: update first if install fails
  if (!run(['install', '-y', '-qq', '--no-install-recommends', ...pkgs])) {
    if (!run(['update', '-qq']) || !run(['install', '-y', '-qq', '--no-install-recommends', ...pkgs])) {
      throw new KitError(`apt-get could not install ${pkgs.join(' ')}.`, {
        hint: 'Look at the apt-get messages above (no network? another apt running?).',
        page: '/guide/troubleshooting#missing-tools',
      });
    }
  }
  const still = missing.filter((r) => !r.present());
  if (still.length) {
    throw new KitError(`Still missing after installing: ${still.map((r) => r.what).join('; ')}.`, {
      page: '/guide/troubleshooting#missing-tools',
    });
  }
  return pkgs;
}
