// The messages a student sees when cgroups do not work on their machine: what
// is missing, and how to turn it on.

import { KitError } from '../../core/errors.ts';

export const CGROUP_PAGE = '/steps/04-cgroups';
const TROUBLE = `${CGROUP_PAGE}#troubleshooting`;

export function cgroupNotMounted(root: string, fsType: number | undefined): KitError {
  const seen = fsType === undefined ? 'does not exist' : `is a filesystem of type 0x${fsType.toString(16)}`;
  return new KitError(`No cgroup filesystem found: ${root} ${seen}.`, {
    hint: 'Is this Linux with systemd (or another init that mounts cgroups)? On a v2 system: `mount -t cgroup2 none /sys/fs/cgroup`. Inside a container, run the kit on the host or a VM instead.',
    page: TROUBLE,
  });
}

export function controllerMissing(controller: string, where: { kind: 'v1' | 'v2'; root: string }): KitError {
  if (where.kind === 'v2') {
    return new KitError(
      `The ${controller} controller is not available in the cgroup v2 hierarchy at ${where.root} (it is not listed in cgroup.controllers).`,
      {
        hint:
          `A controller shows up in v2 only if it is compiled in, enabled, and not attached to a v1 hierarchy. ` +
          `Check /proc/cgroups. Some kernels leave memory off by default: add cgroup_enable=${controller} (Raspberry Pi: also cgroup_memory=1) to the kernel command line and reboot; ` +
          `remove cgroup_disable=${controller} or cgroup_no_v1=... if present.`,
        page: TROUBLE,
      },
    );
  }
  return new KitError(`No cgroup v1 hierarchy with the ${controller} controller is mounted under ${where.root}.`, {
    hint:
      `Check /proc/cgroups (is ${controller} enabled?) and /proc/self/mountinfo. Mount it with ` +
      `\`mkdir -p ${where.root}/${controller} && mount -t cgroup -o ${controller} cgroup ${where.root}/${controller}\`, ` +
      `enable it at boot with cgroup_enable=${controller}, or switch the machine to cgroup v2 with the boot option systemd.unified_cgroup_hierarchy=1.`,
    page: TROUBLE,
  });
}

export function notDelegated(controller: string, dir: string, err: unknown): KitError {
  return new KitError(
    `Could not enable the ${controller} controller for the cgroups below ${dir} (writing +${controller} to its cgroup.subtree_control: ${errText(err)}).`,
    {
      hint:
        `The controller has to be enabled in every ancestor's cgroup.subtree_control, and v2 refuses that for a cgroup that has processes of its own ("no internal processes"). ` +
        `Under systemd, give the kit a delegated subtree: a unit with Delegate=yes, e.g. \`systemd-run --scope -p Delegate=yes npm run step 4\`. ` +
        `Inside a container, its manager must delegate the controller.`,
      page: TROUBLE,
      cause: err,
    },
  );
}

export function writeFailed(file: string, value: string, err: unknown, hint?: string): KitError {
  return new KitError(`Writing ${JSON.stringify(value)} to ${file} failed: ${errText(err)}.`, {
    hint: hint ?? 'Are you root, and is this a cgroup the kit created? `cat` the file to see what the kernel expects.',
    page: TROUBLE,
    cause: err,
  });
}

/** The same knob under its v1 and v2 names, for "you wrote the other version's file" errors. */
const COUNTERPARTS: [v2: string, v1: string][] = [
  ['memory.max', 'memory.limit_in_bytes'],
  ['memory.swap.max', 'memory.memsw.limit_in_bytes'],
  ['memory.peak', 'memory.max_usage_in_bytes'],
  ['memory.events', 'memory.oom_control'],
  ['cpu.max', 'cpu.cfs_quota_us and cpu.cfs_period_us'],
  ['cpu.weight', 'cpu.shares'],
  ['cpu.stat', 'cpuacct.usage'],
  ['io.max', 'blkio.throttle.read_bps_device and blkio.throttle.write_bps_device'],
  ['cgroup.freeze', 'freezer.state'],
];

export function noSuchFile(file: string, dir: string, driver: 'v1' | 'v2', layout: string): KitError {
  const pair = COUNTERPARTS.find(([v2, v1]) => v2 === file || v1.split(' and ').includes(file));
  const other =
    pair && (driver === 'v1' ? (pair[0] === file ? pair[1] : undefined) : pair[1].split(' and ').includes(file) ? pair[0] : undefined);
  const machine = layout === 'hybrid' ? 'hybrid (its controllers are on cgroup v1 hierarchies)' : `cgroup ${driver}`;
  return new KitError(`There is no ${file} in ${dir}: this machine is ${machine}${other ? `, where that limit is ${other}` : ''}.`, {
    hint: `Choose the file by cg.driver ('v1' or 'v2'): the two versions name their files differently.`,
    page: `${CGROUP_PAGE}#v1-and-v2-files`,
  });
}

/** What the kernel expects in a file that refused a value with EINVAL. */
export function valueHint(file: string): string {
  const formats: Record<string, string> = {
    'cpu.max': '"QUOTA PERIOD" in microseconds, e.g. "50000 100000" for half a CPU (or "max 100000")',
    'cpu.cfs_quota_us':
      'microseconds per period, e.g. 50000 (with cpu.cfs_period_us 100000) for half a CPU, at least 1000; -1 for no limit',
    'cpu.cfs_period_us': 'microseconds, from 1000 to 1000000 (usually 100000)',
    'memory.max': 'a number of bytes, or "max"',
    'memory.limit_in_bytes': 'a number of bytes, or -1',
    'pids.max': 'a whole number, or "max"',
  };
  return `The kernel refused that value: ${file} takes ${formats[file] ?? 'a different format (cat it to see the current value)'}.`;
}

export function badLimit(what: string, value: unknown, expected: string): KitError {
  return new KitError(`The cgroup limit ${what} ${JSON.stringify(value)} is not valid: expected ${expected}.`, {
    hint: 'Use e.g. --memory 256M --cpus 0.5 --pids 64.',
    page: `${CGROUP_PAGE}#options`,
  });
}

export function badOption(name: string, value: unknown, expected: string): KitError {
  return new KitError(`--${name} ${JSON.stringify(String(value))} is not valid: expected ${expected}.`, {
    hint: 'For example: npm run step 4 -- --memory 128M --cpus 0.5 --pids 32',
    page: `${CGROUP_PAGE}#options`,
  });
}

export function stillBusy(dir: string, pids: number[]): KitError {
  return new KitError(`The cgroup ${dir} still holds processes ${pids.join(' ')} after they were killed.`, {
    hint: 'A process stuck in the kernel (state D, see `cat /proc/PID/stat`) cannot die until its I/O finishes. Try `npm run clean` again in a moment.',
    page: TROUBLE,
  });
}

export function errText(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  return e?.code ?? (err instanceof Error ? err.message : String(err));
}
