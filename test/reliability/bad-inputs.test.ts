// The catalogue of bad inputs: each one gets its exact message, exit code,
// and leaves the host as it was. What other test files already cover is only
// referenced here (same inputs, same messages):
//
//   unknown step                         exit 2  test/integration/cli.test.ts "an unknown step lists the steps"
//   step not done yet (skeleton)         exit 3  test/integration/cli.test.ts "on the skeleton, says which TODO ..."
//   student file with a syntax error     exit 1  test/integration/cli.test.ts "a step file that does not compile ..."
//   command not found inside             exit 1  test/integration/cli.test.ts + lifecycle.test.ts "names a missing command"
//   not root and no sudo                 exit 77 test/integration/privileges.test.ts
//   not Linux                            exit 2  test/integration/privileges.test.ts (in-process: faking the
//                                                platform for a whole kit process makes koffi load its macOS binary)
//   image too small / ext4 e2fsck cannot repair / another filesystem / leftover loop
//                                                test/integration/image-home.test.ts "clear messages and offers to fix"
//   no loop driver, image busy (message) test/unit/image-options.test.ts "messages"
//   subnet taken by a host route/another run  test/integration/net-veth.test.ts, test/unit/net-subnet.test.ts
//   cgroup controller missing (fixtures, v1 and v2)  test/unit/cgroup-driver.test.ts "names a controller ..."
//
//   bad --uid-base (step 6), exec with nothing running  here, "bad inputs of the steps beyond the lab"
//
// Here, through the command line a student uses: non-interactive
// without --yes, image corrupt / busy / disk full, no free loop device,
// subnet collision with the host's own network.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRootfs } from '../../kit/host/image/rootfs.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { which } from '../../kit/host/preflight.ts';
import { listStepFiles } from '../../kit/core/steps.ts';
import type { HostSnapshot } from '../../kit/host/snapshot.ts';
import { runKit, startKit } from './kit-process.ts';
import { digits, makeSandbox, type Sandbox } from './sandbox.ts';

const STEPS = listStepFiles(solutionsDir).map((s) => s.id);
const has = (step: number) => STEPS.includes(step);

let sandbox: Sandbox;
let before: HostSnapshot;
const temps: string[] = [];

beforeAll(() => {
  sandbox = makeSandbox('bad-inputs');
  ensureRootfs();
});
afterAll(async () => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  await sandbox?.dispose();
}, 60_000);

/** stderr from the error on, as the CLI prints it (NO_COLOR); progress lines before it are left out. */
const lines = (stderr: string) => {
  const all = stderr.split('\n').filter(Boolean);
  const at = all.findIndex((l) => l.startsWith('cw error'));
  return at < 0 ? all : all.slice(at);
};

async function expectHostUnchanged(): Promise<void> {
  expect((await sandbox.settle(before)).leftovers).toEqual([]);
}

function tempDir(name: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `cw-bad-${name}-`));
  temps.push(d);
  return d;
}

describe('bad inputs on the command line', () => {
  it('a missing package and no terminal to ask, without --yes: exit 2, names the package and both ways out; a step that does not use it runs', async () => {
    before = await sandbox.snapshot();
    // a PATH with every tool the kit needs except sysbench
    const bin = tempDir('path');
    for (const tool of ['cc', 'ip', 'losetup', 'unshare', 'mkfs.ext4']) {
      const real = which(tool);
      if (real) fs.symlinkSync(real, path.join(bin, tool));
    }
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    // only step 5 uses sysbench: step 1 runs without it
    const one = await runKit(['step', '1', '--solution', '--', 'true'], { ...sandbox.env, PATH: bin });
    expect(one.stderr).not.toMatch(/sysbench/);
    expect(one.code).toBe(0);
    const r = await runKit(['step', '5', '--solution', '--', 'true'], { ...sandbox.env, PATH: bin });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      'cw missing: sysbench',
      'cw error Missing Debian packages: sysbench, and no terminal to ask whether to install them.',
      '  what to do: Install them (sudo apt-get install -y sysbench) or re-run with --yes.',
      '  read: site/guide/troubleshooting.md#missing-tools',
    ]);
    await expectHostUnchanged();
  });
});

describe.runIf(has(2))('bad images and loop devices (step 2)', () => {
  it('a corrupt image, nobody to ask: exit 1, says what is wrong and names --recreate-image; with it, the run works', async () => {
    before = await sandbox.snapshot();
    const file = path.join(sandbox.stateDir, 'images', 'corrupt.img');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.alloc(8 * 1024 * 1024, 0x5a));
    const r = await runKit(['step', '2', '--solution', '--home-image', 'corrupt.img', '--', 'true'], sandbox.env);
    expect(r.code).toBe(1);
    expect(lines(r.stderr).slice(0, 2)).toEqual([
      `cw error The home image ${file} is damaged: it has no filesystem signature (no ext4 superblock) but is not empty.`,
      '  what to do: Nobody to ask (not a terminal): run again with --recreate-image (erases corrupt.img) or --yes.',
    ]);
    await expectHostUnchanged();
    const fixed = await runKit(['step', '2', '--solution', '--home-image', 'corrupt.img', '--recreate-image', '--', 'true'], sandbox.env);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fs.existsSync(`${file}.broken`)).toBe(true);
    fs.rmSync(`${file}.broken`);
    await expectHostUnchanged();
  });

  it('an image another container is using: exit 1, names that run, the first container is unharmed', async () => {
    before = await sandbox.snapshot();
    const n = digits();
    const first = startKit(
      ['step', '2', '--solution', '--home-image', 'busy.img', '--', 'sh', '-c', `echo ready; exec sleep 30.${n}`],
      sandbox.env,
    );
    try {
      expect(await first.ready, first.stderr()).toBe(true);
      const file = path.join(sandbox.stateDir, 'images', 'busy.img');
      const r = await runKit(['step', '2', '--solution', '--home-image', 'busy.img', '--', 'true'], sandbox.env);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)[0]).toMatch(
        new RegExp(
          `^cw error The home image ${file} is busy: run [0-9a-f]{6} \\(pid ${first.pid}, since \\d\\d:\\d\\d:\\d\\d\\) is using it\\.$`,
        ),
      );
      expect(lines(r.stderr)[1]).toMatch(/give this one its own image: --home-image other\.img\.$/);
    } finally {
      first.signal('SIGTERM');
      expect((await first.exit).code).toBe(143);
      await first.groupGone();
    }
    await expectHostUnchanged();
  });

  it('the disk full while the image is made: exit 1, says how much is free and what to do, no half image', async () => {
    before = await sandbox.snapshot();
    const tiny = tempDir('tiny');
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16M', 'cw-bad-inputs', tiny]).status).toBe(0);
    try {
      const file = path.join(tiny, 'home.img');
      const r = await runKit(['step', '2', '--solution', '--home-image', file, '--home-size', '64M', '--', 'true'], sandbox.env);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)[0]).toMatch(
        new RegExp(`^cw error Not enough disk space for a 64 MiB image at ${file} \\(1[56](\\.\\d)? MiB free there\\)\\.$`),
      );
      expect(lines(r.stderr)[1]).toMatch(/^ {2}what to do: Free some space, or ask for a smaller image: --home-size 32M\./);
      expect(fs.readdirSync(tiny).filter((f) => !f.endsWith('.lock'))).toEqual([]);
    } finally {
      spawnSync('umount', [tiny]);
    }
    await expectHostUnchanged();
  });

  it('no free loop device: exit 1, quotes losetup, says how to see and free them', async () => {
    before = await sandbox.snapshot();
    // a losetup that has no free device to give (and answers every other question truthfully)
    const bin = tempDir('losetup');
    const real = which('losetup') ?? '/usr/sbin/losetup';
    fs.writeFileSync(
      path.join(bin, 'losetup'),
      `#!/bin/sh\nfor a in "$@"; do case "$a" in -f|--find) echo "losetup: cannot find an unused loop device" >&2; exit 1;; esac; done\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    );
    const r = await runKit(['step', '2', '--solution', '--home-image', 'noloop.img', '--', 'true'], {
      ...sandbox.env,
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect(r.code).toBe(1);
    expect(lines(r.stderr).slice(0, 2)).toEqual([
      'cw error No free loop device: losetup said "losetup: cannot find an unused loop device".',
      '  what to do: See what holds them with `losetup -a`; `npm run clean` detaches the ones left by killed runs. If the driver has a fixed number of devices, raise it: `sudo modprobe loop max_loop=64` (or loop.max_loop=64 on the kernel command line).',
    ]);
    await expectHostUnchanged();
  });
});

describe.runIf(has(3))('network (step 3)', () => {
  it("a subnet pool the host's own network covers: exit 1, says so and suggests another range", async () => {
    before = await sandbox.snapshot();
    const pool = hostNetwork() ?? '127.0.0.0/30';
    const r = await runKit(['step', '3', '--solution', '--subnet-pool', pool, '--', 'true'], sandbox.env);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)[0]).toBe(`cw error no free /30 left in ${pool}: the host's routes or other runs use all of it`);
    expect(lines(r.stderr)[1]).toMatch(/^ {2}what to do: Pick another private range that `ip route show table all` does not mention/);
    await expectHostUnchanged();
  });
});

/** The IPv4 network of the host's first global address, e.g. 10.0.2.0/24. */
function hostNetwork(): string | undefined {
  const out = spawnSync('ip', ['-4', '-j', 'addr', 'show', 'scope', 'global'], { encoding: 'utf8' }).stdout;
  const addr = (JSON.parse(out || '[]') as { addr_info: { local: string; prefixlen: number }[] }[]).flatMap((i) => i.addr_info)[0];
  if (!addr || addr.prefixlen > 30) return undefined;
  const ip = addr.local.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const net = ip - (ip % 2 ** (32 - addr.prefixlen));
  return `${[24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.')}/${addr.prefixlen}`;
}

describe.runIf(has(6))('bad inputs of the steps beyond the lab', () => {
  // (a --uid-base that is not a number at all, e.g. lots, the CLI refuses from step 6's declaration: test/unit/args.test.ts)
  it('a --uid-base that is not a uid: exit 2, says the range and the page, nothing left behind', async () => {
    before = await sandbox.snapshot();
    const r = await runKit(['step', '6', '--solution', '--uid-base', '0', '--', 'true'], sandbox.env);
    expect(r.code).toBe(2);
    expect(lines(r.stderr).slice(0, 3)).toEqual([
      `cw error --uid-base must be a whole number from 1 to ${2 ** 32 - 1 - 65536} (the host uid of root inside); got 0.`,
      '  what to do: Leave it out for 100000, or pick a range no user of this machine has, e.g. --uid-base 200000.',
      '  read: site/steps/06-user.md#uid-map',
    ]);
    await expectHostUnchanged();
  });

  it('exec with no container running, or an unknown run id: exit 2, says what to do', async () => {
    const none = await runKit(['exec', '--', 'true'], sandbox.env);
    expect(none.code).toBe(2);
    expect(lines(none.stderr)[0]).toBe('cw error No container of the kit is running.');
    const bad = await runKit(['exec', '--run'], sandbox.env);
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)[0]).toMatch(/--run needs a run id/);
  });
});
