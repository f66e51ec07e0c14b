// Figure 2: the round trip of the step-2 reference container (pivot_root into
// the rootfs, /proc /sys /dev /tmp, the ext4 /home image attached, mounted and
// detached; `true` exec'd and reaped), next to `runc run` of an equivalent OCI
// bundle: same rootfs, same namespaces (pid, mount, uts, ipc), the same
// mounts, and the same image attached with losetup before and detached after.
// The image is made once, before the timing starts.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { imagesDir } from '../../host/image/home.ts';
import { reclaimers as imageReclaimers } from '../../host/image/index.ts';
import { attachLoop, detachLoop } from '../../host/image/loop.ts';
import { Ledger } from '../../core/ledger.ts';
import { runContainer } from '../../host/run.ts';
import { runsDir, solutionsDir, stateDir } from '../../core/paths.ts';
import { which } from '../../host/preflight.ts';
import { reclaimers } from '../../host/reclaim.ts';
import { ensureRootfs } from '../../host/image/rootfs.ts';
import { loadStepsUpTo } from '../../core/steps.ts';
import { interleave, summarize, type FigureResult } from './measure.ts';

const IMAGE = 'perf-home.img';

/** An OCI runtime config equivalent to the step-2 reference container. */
export function runcConfig(rootfs: string, homeDevice: string): object {
  const nodev = ['nosuid', 'nodev', 'noexec'];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: ['true'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'],
      cwd: '/',
    },
    root: { path: rootfs, readonly: false },
    hostname: 'container',
    mounts: [
      { destination: '/home', type: 'ext4', source: homeDevice, options: ['nosuid', 'nodev'] },
      { destination: '/proc', type: 'proc', source: 'proc', options: nodev },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: [...nodev, 'ro'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=64k'] },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'],
      },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: [...nodev, 'mode=1777', 'size=65536k'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777', 'size=65536k'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'ipc' }],
      rootfsPropagation: 'private',
    },
  };
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${err.trim()}`))));
  });
}

export async function figure2(runs = 100): Promise<FigureResult> {
  const title = 'step-2 container round trip (pivot_root, mounts, ext4 /home on a loop device)';
  const steps = await loadStepsUpTo(solutionsDir, 2);
  const options = { argv: ['true'], solution: true, stepsDir: solutionsDir, homeImage: IMAGE, quiet: true };
  const kit = {
    name: 'kit: step-2 reference container, image attached -> exec true -> detached',
    once: async () => {
      const r = await runContainer({ steps, options });
      if (r.status.code !== 0) throw new Error(`kit container exited with ${JSON.stringify(r.status)}`);
    },
  };
  await kit.once(); // makes the image, outside the timing

  const runc = which('runc');
  if (!runc) {
    const series = await interleave(runs, [kit]);
    return summarize(2, title, series, 'ratio <= 1.0', ['runc is not installed (sudo apt-get install -y runc): no peer to compare with']);
  }

  const rootfs = ensureRootfs();
  const image = fs.realpathSync(path.join(imagesDir(stateDir()), IMAGE));
  const ledger = new Ledger(runsDir(), `perf2-${process.pid.toString(16)}`);
  const bundle = path.join(stateDir(), `runc-bundle-${ledger.runId}`);
  ledger.record({ kind: 'path', path: bundle });
  fs.mkdirSync(bundle, { recursive: true });
  let n = 0;
  const peer = {
    name: 'runc run: same bundle, losetup before, losetup -d after',
    once: async () => {
      const { device, entryId } = await attachLoop(ledger, image);
      try {
        fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(runcConfig(rootfs, device)));
        await run(runc, ['run', '--bundle', bundle, `cw-perf2-${ledger.runId}-${n++}`]);
      } finally {
        await detachLoop(device, image);
        ledger.forget(entryId);
      }
    },
  };
  try {
    const series = await interleave(runs, [kit, peer]);
    return summarize(2, title, series, 'ratio <= 1.0', [
      'both attach and detach the same image each run; the kit also locks it and reads its superblock first (e2fsck -p only when it was not cleanly unmounted)',
      `runc ${(await runcVersion(runc)) ?? ''} also creates and removes a cgroup per run; the kit has none before step 4`.replace(
        '  ',
        ' ',
      ),
    ]);
  } finally {
    await ledger.teardown({ ...reclaimers, ...imageReclaimers });
  }
}

async function runcVersion(runc: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const p = spawn(runc, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', () => resolve(undefined));
    p.on('exit', () => resolve(/runc version (\S+)/.exec(out)?.[1]));
  });
}
