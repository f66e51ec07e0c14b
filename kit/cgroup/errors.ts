// The messages a student sees when cgroups do not work on their machine: what
// is missing, and how to turn it on.

import { KitError } from '../errors.ts';

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
    return new KitError(`The ${controller} controller is not available in the cgroup v2 hierarchy at ${where.root} (it is not listed in cgroup.controllers).`, {
      hint:
        `A controller shows up in v2 only if it is compiled in, enabled, and not attached to a v1 hierarchy. ` +
        `Check /proc/cgroups. Some kernels leave memory off by default: add cgroup_enable=${controller} (Raspberry Pi: also cgroup_memory=1) to the kernel command line and reboot; ` +
        `remove cgroup_disable=${controller} or cgroup_no_v1=... if present.`,
      page: TROUBLE,
    });
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
  return new KitError(`Could not enable the ${controller} controller for the cgroups below ${dir} (writing +${controller} to its cgroup.subtree_control: ${errText(err)}).`, {
    hint:
      `The controller has to be enabled in every ancestor's cgroup.subtree_control, and v2 refuses that for a cgroup that has processes of its own ("no internal processes"). ` +
      `Under systemd, give the kit a delegated subtree: a unit with Delegate=yes, e.g. \`systemd-run --scope -p Delegate=yes npm run step 4\`. ` +
      `Inside a container, its manager must delegate the controller.`,
    page: TROUBLE,
    cause: err,
  });
}

export function writeFailed(file: string, value: string, err: unknown, hint?: string): KitError {
  return new KitError(`Writing ${JSON.stringify(value)} to ${file} failed: ${errText(err)}.`, {
    hint: hint ?? 'Are you root, and is this a cgroup the kit created? `cat` the file to see what the kernel expects.',
    page: TROUBLE,
    cause: err,
  });
}

export function badLimit(what: string, value: unknown, expected: string): KitError {
  return new KitError(`The cgroup limit ${what} ${JSON.stringify(value)} is not valid: expected ${expected}.`, {
    hint: 'Use e.g. --memory 256M --cpus 0.5 --pids 64.',
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
