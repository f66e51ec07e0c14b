// Check 2 passes on the reference, reports "not attempted" on the untouched
// skeleton, and fails on the typical mistakes, naming the right assertions.
// Afterwards the host has no new mount, no loop device on a test image, and
// the shared rootfs holds nothing the check put there.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from 'zx';
import check from '../../checks/02-mount.ts';
import { runCheck } from '../../kit/tools/check/framework.ts';
import { rootfsDir, solutionsDir } from '../../kit/core/paths.ts';
import { ensureRootfs } from '../../kit/host/image/rootfs.ts';
import { expectCheatRefused, expectMutantFails, failed, makeMutant, skeletonAt } from '../helpers/mutants.ts';

const sh = $({ quiet: true, nothrow: true });

/**
 * Mounts under the state folder and loop devices on /tmp/cw-check2-* images: a check must leave none.
 * Devices already there when this file started are another run's (a killed
 * earlier test run on this machine), not this file's: they are left out.
 */
let before = new Set<string>();
async function leftovers(): Promise<string[]> {
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m) => m?.startsWith(path.dirname(rootfsDir())));
  const loops = (await sh`losetup --list --noheadings --output NAME,BACK-FILE`).stdout.split('\n').filter((l) => l.includes('/cw-check2-'));
  return [...mounts, ...loops].filter((l) => !before.has(l));
}

let rootfsEntries: string[];
beforeAll(async () => {
  rootfsEntries = fs.readdirSync(ensureRootfs()).sort();
  before = new Set(await leftovers());
});
afterAll(async () => {
  expect(await leftovers()).toEqual([]);
  expect(fs.readdirSync(rootfsDir()).sort()).toEqual(rootfsEntries);
  expect(fs.readdirSync(path.join(rootfsDir(), 'mnt'))).toEqual([]);
  expect(fs.readdirSync(path.join(rootfsDir(), 'home')).filter((f) => f.startsWith('cw-'))).toEqual([]);
});

describe('check 2 (mount namespace, pivot_root, /home image)', () => {
  it('passes on the reference solution', async () => {
    const r = await runCheck(check, { stepsDir: solutionsDir });
    expect(failed(r)).toEqual([]);
    expect(r.status).toBe('pass');
    expect(r.score).toBe(r.maxScore);
    expect(await leftovers()).toEqual([]);
  });

  it('reports "not attempted" on the untouched skeleton, naming the first TODO', async () => {
    const s = skeletonAt(2);
    try {
      const r = await runCheck(check, { stepsDir: s.dir });
      expect(r.status).toBe('not-attempted');
      expect(r.score).toBe(0);
      expect(r.assertions[0].message).toMatch(/TODO "home-image" in .*02-mount\.ts:\d+/);
    } finally {
      s.dispose();
    }
  });

  const pivot = [
    '    spec.ops.push(chdir(rootfs));',
    "    spec.ops.push(pivot_root('.', '.'));",
    "    spec.ops.push(umount2('.', ['MNT_DETACH']));",
    "    spec.ops.push(chdir('/'));",
  ].join('\n');
  // the solution's import of the student API, as it is written (whatever its format)
  const importOps = /^import \{[^}]*\} from '\.\.\/kit\/student\.ts';$/m.exec(
    fs.readFileSync(path.join(solutionsDir, '02-mount.ts'), 'utf8'),
  )![0];
  const f = '02-mount.ts';
  const mkfs = "    if (type.stdout.trim() !== 'ext4') await $`mkfs.ext4 -q -L home ${device}`;\n";
  const record = "    const entry = ctx.ledger.record({ kind: 'loop', backingFile: image.file, runId: ctx.runId });\n";
  const losetupD = '    await $`losetup --detach ${home.device}`;\n';
  const forget = '    ctx.ledger.forget(home.entry);\n';
  const homeRegion = /    if \(!fs\.existsSync\(image\.file\)\)[\s\S]*?-L home \$\{device\}`;\n/;
  const homeOp = "spec.ops.push(mount(home.device, `${rootfs}/home`, 'ext4', ['MS_NOSUID', 'MS_NODEV']));";

  const mutants: [string, string[], Parameters<typeof makeMutant>[1]][] = [
    // on a host whose / is shared (systemd) this leaks every mount; here the check's own shared mount shows it
    [
      'forgot the private remount',
      ['no-leak', 'host-clean'],
      [{ file: '01-pid.ts', find: "spec.ops.push(mount(null, '/', null, ['MS_REC', 'MS_PRIVATE']));", replace: '' }],
    ],
    [
      'chroot instead of pivot_root',
      ['old-root'],
      [
        { file: '02-mount.ts', find: importOps, replace: importOps.replace(/\bchdir,/, 'chdir, chroot,') },
        { file: '02-mount.ts', find: pivot, replace: "    spec.ops.push(chroot(rootfs));\n    spec.ops.push(chdir('/'));" },
      ],
    ],
    [
      'pivot_root without detaching the old root',
      ['old-root'],
      [{ file: '02-mount.ts', find: "    spec.ops.push(umount2('.', ['MNT_DETACH']));\n", replace: '' }],
    ],
    [
      'home mounted on the host side',
      ['home-private', 'host-clean'],
      [
        { file: '02-mount.ts', find: importOps, replace: `${importOps}\nimport { execFileSync } from 'node:child_process';` },
        { file: '02-mount.ts', find: homeOp, replace: "execFileSync('mount', ['-t', 'ext4', home.device, `${rootfs}/home`]);" },
      ],
    ],
    [
      '/proc not mounted',
      ['proc'],
      [
        {
          file: '02-mount.ts',
          find: "spec.ops.push(mount('proc', '/proc', 'proc', ['MS_NOSUID', 'MS_NODEV', 'MS_NOEXEC']));",
          replace: '',
        },
      ],
    ],
    ['/home not mounted at all', ['home-ext4', 'home-private', 'home-persists'], [{ file: '02-mount.ts', find: homeOp, replace: '' }]],
    // TODO home-image: the lecture's commands, the first time only, recorded before
    ['mkfs.ext4 on every run', ['home-kept'], [{ file: f, find: mkfs, replace: mkfs.replace("if (type.stdout.trim() !== 'ext4') ", '') }]],
    [
      'dd on every run (the file is made again, zeros over the filesystem)',
      ['home-kept'],
      [{ file: f, find: 'if (!fs.existsSync(image.file)) await $`dd', replace: 'await $`dd' }],
    ],
    ['the loop device not recorded in the ledger', ['home-ledger'], [{ file: f, find: record, replace: '    const entry = -1;\n' }]],
  ];
  // TODO detach: losetup -d by the step, not by the kit's ledger afterwards
  const detachMutants: [string, Parameters<typeof makeMutant>[1]][] = [
    ['teardown neither detaches nor forgets (the ledger does it)', [{ file: f, find: losetupD + forget, replace: '' }]],
    ['teardown forgets the entry without detaching', [{ file: f, find: losetupD, replace: '' }]],
    [
      'losetup -d given the image file instead of the device',
      [{ file: f, find: losetupD, replace: '    await $`losetup --detach ${home.file}`;\n' }],
    ],
  ];
  for (const [name, mutations] of detachMutants) {
    it(`fails on a mutant: ${name}`, async () => {
      await expectMutantFails(check, '02', mutations, {
        mustFail: ['no-loop-left'],
        page: /^\/steps\/02-mount#/,
        seen: true,
        orError: true,
      });
      expect(await leftovers()).toEqual([]);
    }, 60_000);
  }

  // cheats: the former shortcut, by a deep import; refused before anything runs
  const cheats: [string, Parameters<typeof makeMutant>[1], RegExp][] = [
    [
      'attachHomeImage through kit/host/image/index.ts',
      [
        {
          file: f,
          find: importOps,
          replace: `${importOps}\nimport { attachHomeImage, detachHomeImage } from '../kit/host/image/index.ts';`,
        },
        { file: f, find: homeRegion, replace: '    ctx.facts.home = await attachHomeImage(ctx);\n' },
      ],
      /\.\.\/kit\/host\/image\/index\.ts/,
    ],
    [
      'attachHomeImage through kit/host/image/home.ts',
      [
        { file: f, find: importOps, replace: `${importOps}\nimport * as home from '../kit/host/image/home.ts';` },
        { file: f, find: homeRegion, replace: '    ctx.facts.home = await home.attachHomeImage(ctx);\n' },
      ],
      /\.\.\/kit\/host\/image\/home\.ts/,
    ],
    [
      'attachHomeImage through a computed dynamic import',
      [
        {
          file: f,
          find: homeRegion,
          replace: "    const m = '../kit/host/image/' + 'home.ts';\n    ctx.facts.home = await (await import(m)).attachHomeImage(ctx);\n",
        },
      ],
      /import\(m\)/,
    ],
  ];
  for (const [name, mutations, refused] of cheats) {
    it(`refuses a cheat: ${name}`, async () => {
      await expectCheatRefused(check, '02', mutations, refused);
    });
  }

  for (const [name, mustFail, mutations] of mutants) {
    it(`fails on a mutant: ${name}`, async () => {
      const r = await expectMutantFails(check, '02', mutations, { mustFail, page: /^\/steps\/02-mount#/, seen: true });
      // even a broken step gets its loop device detached (the check unmounts what it left on the host)
      const loopLeft = r.assertions.find((a) => a.id === 'no-loop-left');
      expect(loopLeft?.status, loopLeft?.seen).toBe('pass');
      expect(await leftovers()).toEqual([]);
    }, 60_000);
  }

  it('reports an error naming pivot_root when the rootfs is not bind-mounted first', async () => {
    const m = makeMutant('02', [
      { file: '02-mount.ts', find: "spec.ops.push(mount(rootfs, rootfs, null, ['MS_BIND', 'MS_REC']));", replace: '' },
    ]);
    try {
      const r = await runCheck(check, { stepsDir: m.dir });
      expect(r.status).toBe('error');
      expect(r.assertions[0].message).toMatch(/pivot_root/);
    } finally {
      m.dispose();
    }
    expect(await leftovers()).toEqual([]);
  }, 60_000);
});
