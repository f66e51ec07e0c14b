// Step 4's extras, beyond the check: pausing the container with the freezer
// (--pause-after N [--pause-for M]) and an I/O limit on its /home loop device
// (--io-bps RATE). The page's "Extras" section shows them in use.

import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../../core/errors.ts';
import type { RunContext } from '../../core/types.ts';
import { badOption, CGROUP_PAGE } from './errors.ts';
import { CGROUP_OPTIONS } from './options.ts';
import type { CgroupController } from './hierarchies.ts';
import { realHost } from './host.ts';
import { freezeFor, procsOf, thawFor } from './tree.ts';

/**
 * The run's cgroup as step 4's student made it (ctx.facts.cgroup): which
 * version's files, and per controller the directory (v2: the same one).
 */
export interface RunCgroup {
  version: 'v1' | 'v2';
  dirs: Partial<Record<CgroupController, string>>;
}

function dirOf(cg: RunCgroup, controller: CgroupController): string {
  const dir = cg.dirs[controller] ?? (cg.version === 'v2' ? Object.values(cg.dirs)[0] : undefined);
  if (!dir) {
    throw new KitError(`The run's cgroup has no directory for the ${controller} controller (ctx.facts.cgroup.dirs.${controller}).`, {
      hint: 'Keep, in ctx.facts.cgroup.dirs, the directory you made for each controller of cgroupHierarchies().parents.',
      page: `${CGROUP_PAGE}#extras`,
    });
  }
  return dir;
}

const writeIn = (cg: RunCgroup, controller: CgroupController, file: string, value: string) =>
  fs.writeFileSync(path.join(dirOf(cg, controller), file), value);

/**
 * Make the memory limit a wall: no escape into swap (v2 memory.swap.max = 0;
 * v1 memory.memsw.limit_in_bytes = the memory limit, which must be set
 * first). Nothing to do when the kernel has no swap accounting.
 */
export function forbidSwap(cg: RunCgroup): void {
  const dir = dirOf(cg, 'memory');
  if (cg.version === 'v2') {
    if (fs.existsSync(path.join(dir, 'memory.swap.max'))) fs.writeFileSync(path.join(dir, 'memory.swap.max'), '0');
  } else if (fs.existsSync(path.join(dir, 'memory.memsw.limit_in_bytes'))) {
    fs.writeFileSync(
      path.join(dir, 'memory.memsw.limit_in_bytes'),
      fs.readFileSync(path.join(dir, 'memory.limit_in_bytes'), 'utf8').trim(),
    );
  }
}

const say = (ctx: RunContext, msg: string) => {
  if (ctx.options.quiet !== true) process.stderr.write(`cw ${msg}\n`);
};

function seconds(name: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isFinite(v) || v < 0 || v > 3600) throw badOption(name, v, 'a number of seconds from 0 to 3600');
  return v;
}

/**
 * --pause-after N: N seconds after the container starts, freeze every process
 * in its cgroup (v2 cgroup.freeze = 1, v1 freezer.state = FROZEN), then thaw
 * it --pause-for seconds later (default 3). Call in setup, after joining;
 * cancelPause() in teardown.
 */
export function pauseLater(ctx: RunContext, cg: RunCgroup): void {
  const after = seconds('pause-after', ctx.options.pauseAfter);
  if (after === undefined) return;
  const pauseFor = seconds('pause-for', ctx.options.pauseFor) ?? CGROUP_OPTIONS.pauseFor.default;
  const v2 = cg.version === 'v2';
  const file = v2 ? 'cgroup.freeze' : 'freezer.state';
  const freezer = { file: path.join(dirOf(cg, 'freezer'), file), v2 };
  const timers: NodeJS.Timeout[] = [];
  ctx.facts.pauseTimers = timers;
  const freeze = setTimeout(() => {
    void freezeFor(realHost, freezer, 5000).then(
      () => {
        const procs = procsOf(realHost, [...new Set(Object.values(cg.dirs))]);
        say(
          ctx,
          `froze the container (${file} = ${fs.readFileSync(freezer.file, 'utf8').trim()}; processes ${procs.join(' ')} stopped) for ${pauseFor} s`,
        );
        const thaw = setTimeout(() => {
          thawFor(realHost, freezer);
          say(ctx, 'thawed the container');
        }, pauseFor * 1000);
        thaw.unref();
        timers.push(thaw);
      },
      (err: unknown) => say(ctx, `could not freeze the container: ${err instanceof Error ? err.message : String(err)}`),
    );
  }, after * 1000);
  freeze.unref();
  timers.push(freeze);
}

export function cancelPause(ctx: RunContext): void {
  for (const t of ctx.facts.pauseTimers ?? []) clearTimeout(t);
}

/** 'MAJOR:MINOR' of a block device node, as io.max and blkio.throttle.* want it. */
export function majorMinor(device: string): string {
  const rdev = fs.statSync(device).rdev;
  // the kernel's new_encode_dev() layout: minor bits 0-7 and 20-31, major bits 8-19
  const major = (rdev >> 8) & 0xfff;
  const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
  return `${major}:${minor}`;
}

/**
 * --io-bps RATE: limit reads and writes on the container's /home loop device
 * (step 2's image) to RATE bytes per second. v2: io.max; v1: the blkio
 * throttle files, which only catch direct and synchronous I/O (v1 cannot
 * charge page-cache writeback to the cgroup that dirtied the pages).
 */
export function limitHomeIo(ctx: RunContext, cg: RunCgroup, bytesPerSecond: number): void {
  const home = ctx.facts.home;
  if (!home?.device) {
    throw new KitError("--io-bps limits I/O on the container's /home loop device, and there is none in this run.", {
      hint: "It needs step 2's /home image (run step 4 or later).",
      page: `${CGROUP_PAGE}#io-limit`,
    });
  }
  const dev = majorMinor(home.device);
  if (cg.version === 'v2') {
    writeIn(cg, 'io', 'io.max', `${dev} rbps=${bytesPerSecond} wbps=${bytesPerSecond}`);
  } else {
    writeIn(cg, 'blkio', 'blkio.throttle.read_bps_device', `${dev} ${bytesPerSecond}`);
    writeIn(cg, 'blkio', 'blkio.throttle.write_bps_device', `${dev} ${bytesPerSecond}`);
  }
  say(ctx, `I/O on /home (${home.device}, ${dev}) limited to ${bytesPerSecond} bytes/s`);
}
