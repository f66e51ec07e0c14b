// Check of step 2: from the host, is the container's root really the rootfs
// (pivot_root, old root gone), with /proc, /sys, /dev, /tmp of its own, and a
// /home that is the kit's ext4 image on a loop device, mounted inside only?

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  $,
  added,
  type AssertionSpec,
  attachedLoopDevices,
  backingFileOf,
  defineCheck,
  ensureRootfs,
  eventually,
  loopDevicesFor,
  loopReclaimedByLedger,
  type Ledger,
  type MountinfoEntry,
  namespaceId,
  processStartTime,
  projectRoot,
  readMountinfo,
  stateDir,
} from '../kit/check.ts';

const page = '/steps/02-mount';
const sh = $({ quiet: true, nothrow: true });

export const assertions: AssertionSpec[] = [
  {
    id: 'root',
    name: "the container's / is the rootfs (a marker placed there is visible at /)",
    points: 2,
    page: `${page}#pivot-root`,
    hint: 'Bind-mount the rootfs onto itself, chdir into it and pivot_root(".", ".") there.',
  },
  {
    id: 'host-hidden',
    name: "host-only paths are not visible inside (a file in the host's /tmp, the project folder)",
    points: 2,
    page: `${page}#pivot-root`,
    hint: 'After pivot_root, detach the old root (umount2(".", MNT_DETACH)) so that no path leads back to the host.',
  },
  {
    id: 'old-root',
    name: "the host's root filesystem is not in the container's mount namespace",
    points: 3,
    page: `${page}#pivot-root`,
    hint: "chroot() only moves one process's root: the host's / stays mounted (and escapable). Use pivot_root and then umount2 the old root with MNT_DETACH.",
  },
  {
    id: 'proc',
    name: "/proc inside is a procfs of the container's own",
    points: 1,
    page: `${page}#proc-sys-dev-tmp`,
    hint: 'After pivot_root the new root\'s /proc is an empty folder: mount("proc", "/proc", "proc", ...).',
  },
  {
    id: 'mounts',
    name: '/sys is sysfs read-only, /dev a tmpfs with working null, zero, full, random, urandom, tty, devpts and shm, /tmp a tmpfs',
    points: 2,
    page: `${page}#proc-sys-dev-tmp`,
    hint: 'Mount sysfs with MS_RDONLY, a tmpfs on /dev with the mknod()s, devpts (newinstance) on /dev/pts, tmpfs on /dev/shm and /tmp.',
  },
  {
    id: 'home-ext4',
    name: "/home is ext4 on a loop device whose backing file is the kit's image",
    points: 2,
    page: `${page}#home-image`,
    hint: "In prepare, make the image file, attach it with losetup and make its filesystem the first time; in configure, mount the loop device you got as ext4 on the rootfs's home folder.",
  },
  {
    id: 'home-ledger',
    name: "that loop device is in the run's ledger while it is attached (so `npm run clean` can reclaim it)",
    points: 1,
    page: `${page}#the-ledger`,
    hint: "Record the loop device (kind 'loop', the image as backingFile) in ctx.ledger before losetup, and add the device name it printed.",
  },
  {
    id: 'home-kept',
    name: "a second run on the same image finds the first run's file: the image is made and formatted only the first time",
    points: 2,
    page: `${page}#first-time`,
    hint: 'Make the file only if it does not exist, and run mkfs.ext4 only when the device has no filesystem yet (blkid tells you).',
  },
  {
    id: 'home-private',
    name: 'a file written to /home inside is nowhere on the host while the container runs',
    points: 2,
    page: `${page}#home-image`,
    hint: 'Mount the image inside the container (a child operation), not on the host: the host must not see it mounted.',
  },
  {
    id: 'home-persists',
    name: 'that file is in the image after the container is gone',
    points: 1,
    page: `${page}#home-image`,
    hint: 'Write to /home only once the image is mounted there; it must be the same image file each run.',
  },
  {
    id: 'no-leak',
    name: 'a mount made inside does not propagate to the host, even under a shared mount',
    points: 2,
    page: `${page}#private`,
    hint: 'Make every mount private first: mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) (step 1), and bind the rootfs with MS_REC.',
  },
  {
    id: 'host-clean',
    name: "the host's mount table is as before once the container has exited",
    points: 1,
    page: `${page}#private`,
    hint: "Nothing of the container may be mounted in the host's namespace: do every mount as a child operation.",
  },
  {
    id: 'no-loop-left',
    name: 'no loop device is left attached to the image, detached by the step',
    points: 1,
    page: `${page}#teardown`,
    hint: "In teardown, detach the loop device with losetup. (The kit's ledger detached it for you this time: that does not count.)",
  },
];

/** Single-quote a string for sh. */
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The mount table of a namespace as seen from its root mount: a helper
 * process is put into the container's mount namespace with nsenter (setns
 * sets its root to the namespace's root, not to the probe's root, which a
 * chroot would have moved) and its mountinfo is read from the host.
 */
async function namespaceMounts(ledger: Ledger, pid: number): Promise<MountinfoEntry[] | undefined> {
  const mnt = namespaceId(pid, 'mnt');
  const helper = spawn('nsenter', [`--mount=/proc/${pid}/ns/mnt`, '--', 'sleep', '10'], { stdio: 'ignore' });
  if (helper.pid === undefined) return undefined;
  const entry = ledger.record({ kind: 'process', pid: helper.pid, startTime: processStartTime(helper.pid) });
  try {
    const inside = await eventually(() => namespaceId(helper.pid!, 'mnt') === mnt && helper.exitCode === null, 2000);
    return inside ? readMountinfo(helper.pid) : undefined;
  } finally {
    helper.kill('SIGKILL');
    ledger.forget(entry);
  }
}

/** Host mounts a container could have leaked to: the state folder, and the places a container mounts on. */
function relevantHostMounts(): string[] {
  const state = stateDir();
  const top = ['/', '/proc', '/sys', '/dev', '/tmp', '/home', '/mnt', '/dev/pts', '/dev/shm'];
  return readMountinfo('self')
    .filter((m) => top.includes(m.mountPoint) || m.mountPoint.startsWith(`${state}/`))
    .map((m) => `${m.mountPoint} ${m.fstype} ${m.source}`)
    .sort();
}

/**
 * The loop devices still attached to `image` once the step's teardown is
 * done. `losetup -d` on a device still mounted in the dying container's
 * namespace only asks the kernel to detach it at the last close: give that a
 * moment. Whatever is left is detached here (it counts against the step).
 */
async function devicesLeft(image: string): Promise<string[]> {
  if (!fs.existsSync(image)) return [];
  await eventually(() => attachedLoopDevices(image).length === 0, 3000);
  const left = await loopDevicesFor(image);
  for (const d of left) await sh`losetup --detach ${d}`;
  await eventually(() => attachedLoopDevices(image).length === 0, 3000);
  return left;
}

export default defineCheck({
  step: 2,
  title: 'Mount namespace: pivot_root into a rootfs, ext4 /home on a loop device',
  page,
  assertions,
  async run(t) {
    // The check's own host resources (a marker, a host-only file, a shared
    // mount), recorded in the check's ledger so that `npm run clean` removes
    // them if the check is killed.
    const ledger = t.ledger;
    const rootfs = ensureRootfs();
    const marker = `.cw-marker-${t.random.hex()}`;
    const markerText = t.random.hex(8);
    ledger.record({ kind: 'path', path: path.join(rootfs, marker) });
    fs.writeFileSync(path.join(rootfs, marker), markerText);
    const hostOnly = `/tmp/cw-host-only-${t.random.hex()}`;
    ledger.record({ kind: 'path', path: hostOnly });
    fs.writeFileSync(hostOnly, 'host only\n');

    // This machine's / may well be private already (systemd makes it shared,
    // others do not), so a forgotten private remount would go unnoticed. A
    // shared mount of our own inside the rootfs makes it show: the container
    // gets a copy in the same peer group, and a mount under it leaks unless
    // the container made its mounts private.
    const leakDir = path.join(rootfs, 'mnt', `cw-shared-${t.random.hex()}`);
    ledger.record({ kind: 'path', path: leakDir });
    fs.mkdirSync(leakDir, { recursive: true });
    ledger.record({ kind: 'mount', target: leakDir });
    await sh`mount -t tmpfs -o size=1m cw-shared ${leakDir}`;
    await sh`mount --make-shared ${leakDir}`;
    const leakInner = path.join(leakDir, 'inner');
    fs.mkdirSync(leakInner);

    const image = path.join(t.tmp, 'home.img');
    const homeFile = `cw-${t.random.hex()}.txt`;
    const homeText = t.random.hex(8);
    // where the probe's file lands if a step forgets to mount /home: removed afterwards
    ledger.record({ kind: 'path', path: path.join(rootfs, 'home', homeFile) });
    const inContainer = (p: string) => path.join('/', path.relative(rootfs, p));

    const before = relevantHostMounts();
    const probeScript = [
      `echo "marker=$(cat /${marker} 2>/dev/null)"`,
      `[ -e ${q(hostOnly)} ] && echo hosttmp=visible || echo hosttmp=hidden`,
      `[ -e ${q(path.join(projectRoot, 'package.json'))} ] && echo project=visible || echo project=hidden`,
      'echo "procs=$(ls /proc 2>/dev/null | grep -c "^[0-9]")"',
      'printf x > /dev/null && echo devnull=ok',
      'echo "zero=$(head -c 4 /dev/zero | od -An -tx1 | tr -d " ")"',
      'echo "urandom=$(head -c 8 /dev/urandom | wc -c)"',
      'echo "random=$(head -c 8 /dev/random | wc -c)"',
      '(printf x > /dev/full) 2>/dev/null && echo devfull=wrote || echo devfull=refused',
      '[ -c /dev/tty ] && echo tty=ok',
      `echo ${homeText} > /home/${homeFile} && sync && echo homewrite=ok`,
      `mount -t tmpfs cw-inner ${q(inContainer(leakInner))} && echo innermount=ok`,
      'echo ready',
      'exec sleep 120',
    ].join('; ');

    const probe = await t.start({ argv: ['sh', '-c', probeScript], options: { homeImage: image, quiet: true } });
    await probe.waitFor(/^ready$/m);
    const seen = probe.values();
    const inside = readMountinfo(probe.pid);
    const at = (mountPoint: string) => inside.filter((m) => m.mountPoint === mountPoint).at(-1);

    t.expect('root', seen.marker === markerText, {
      expected: `/${marker} containing ${markerText}`,
      seen: seen.marker ? `"${seen.marker}"` : 'no such file',
    });
    t.expect('host-hidden', seen.hosttmp === 'hidden' && seen.project === 'hidden', {
      expected: `${hostOnly} and ${projectRoot} not visible`,
      seen: `host /tmp file ${seen.hosttmp}, project folder ${seen.project}`,
    });

    // the host's root mount: its device, mounted with root "/"
    const hostRoot = readMountinfo('self').find((m) => m.mountPoint === '/');
    const nsMounts = await namespaceMounts(ledger, probe.pid);
    const oldRoot = nsMounts?.filter((m) => m.majorMinor === hostRoot?.majorMinor && m.root === '/');
    t.expect('old-root', nsMounts !== undefined && oldRoot?.length === 0, {
      expected: `no mount of the host's root (${hostRoot?.source}, root "/") in the container's mount namespace`,
      seen:
        nsMounts === undefined
          ? "could not enter the container's mount namespace"
          : oldRoot?.length
            ? `mounted at ${oldRoot.map((m) => m.mountPoint).join(', ')}`
            : 'none',
    });

    const proc = at('/proc');
    const procs = Number(seen.procs);
    t.expect('proc', proc?.fstype === 'proc' && procs > 0 && procs <= 5, {
      expected: "a procfs on /proc listing only the container's processes",
      seen: `${proc ? `${proc.fstype} on /proc` : 'nothing mounted on /proc'}, ${seen.procs} processes listed`,
    });

    const problems: string[] = [];
    const sys = at('/sys');
    if (sys?.fstype !== 'sysfs' || !sys.options.split(',').includes('ro'))
      problems.push(`/sys: ${sys ? `${sys.fstype} ${sys.options}` : 'not mounted'}`);
    for (const [mp, fstype] of [
      ['/dev', 'tmpfs'],
      ['/dev/pts', 'devpts'],
      ['/dev/shm', 'tmpfs'],
      ['/tmp', 'tmpfs'],
    ]) {
      if (at(mp)?.fstype !== fstype) problems.push(`${mp}: ${at(mp)?.fstype ?? 'not mounted'}`);
    }
    if (seen.devnull !== 'ok') problems.push('/dev/null not writable');
    if (seen.zero !== '00000000') problems.push(`/dev/zero gave "${seen.zero}"`);
    if (seen.urandom !== '8' || seen.random !== '8') problems.push('/dev/urandom or /dev/random unreadable');
    if (seen.devfull !== 'refused') problems.push('/dev/full accepted a write');
    if (seen.tty !== 'ok') problems.push('/dev/tty missing');
    t.expect('mounts', problems.length === 0, {
      expected: 'sysfs ro, tmpfs /dev with devices, devpts, shm, tmpfs /tmp',
      seen: problems.join('; ') || 'all there',
    });

    const home = at('/home');
    const loop = home?.source.startsWith('/dev/loop') ? backingFileOf(home.source) : undefined;
    const expectedImage = fs.existsSync(image) ? fs.realpathSync(image) : image;
    t.expect('home-ext4', home?.fstype === 'ext4' && loop === expectedImage, {
      expected: `ext4 on /dev/loopN backed by ${expectedImage}`,
      seen: home
        ? `${home.fstype} on ${home.source}${home.source.startsWith('/dev/loop') ? ` backed by ${loop ?? 'nothing'}` : ''}`
        : 'nothing mounted on /home',
    });
    const recorded = probe.ctx.ledger.entries().filter((e) => e.kind === 'loop');
    const inLedger =
      home !== undefined && recorded.some((e) => e.kind === 'loop' && e.device === home.source && e.backingFile === expectedImage);
    t.expect('home-ledger', inLedger, {
      expected: `a 'loop' entry for ${home?.source ?? 'the loop device'} backed by ${expectedImage} in the run's ledger`,
      seen: recorded.length
        ? recorded.map((e) => (e.kind === 'loop' ? `loop ${e.device ?? '(no device)'} of ${e.backingFile}` : '')).join('; ')
        : 'no loop entry',
    });

    // where the file would be if /home were not mounted inside only
    const onHost = [path.join(rootfs, 'home', homeFile), path.join('/home', homeFile), path.join('/tmp', homeFile)].filter((p) =>
      fs.existsSync(p),
    );
    t.expect('home-private', seen.homewrite === 'ok' && onHost.length === 0, {
      expected: `/home/${homeFile} written inside, not visible on the host`,
      seen:
        seen.homewrite !== 'ok'
          ? 'the probe could not write to /home'
          : onHost.length
            ? `visible on the host at ${onHost.join(', ')}`
            : 'not on the host',
    });

    const leaked = readMountinfo('self').some((m) => m.mountPoint === leakInner);
    t.expect('no-leak', seen.innermount === 'ok' && !leaked, {
      expected: `the probe's tmpfs on ${inContainer(leakInner)} not in the host's mount table`,
      seen:
        seen.innermount !== 'ok'
          ? 'the probe could not mount (is there a mount namespace?)'
          : leaked
            ? `the host has it too, at ${leakInner}`
            : 'host unaffected',
    });

    // After the container exits, nothing of it may remain mounted on the host.
    // Whatever a broken step left there is unmounted again right away (so that
    // its loop device can be detached), but it counts against it.
    await probe.stop();
    const extra = added(before, relevantHostMounts());
    for (const line of extra.reverse()) await sh`umount --lazy ${line.split(' ')[0]}`;
    let teardownError = '';
    try {
      await probe.teardown();
    } catch (err) {
      teardownError = err instanceof Error ? err.message : String(err);
    }
    const extraAfter = added(before, relevantHostMounts());
    t.expect('host-clean', extra.length === 0 && extraAfter.length === 0, {
      expected: 'no new mounts on the host',
      seen: [...extra, ...extraAfter].join('; ') || 'none',
    });

    const devices = await devicesLeft(image);
    const byKit = fs.existsSync(image) && loopReclaimedByLedger(fs.realpathSync(image));
    t.expect('no-loop-left', devices.length === 0 && !byKit && !teardownError.includes('still attached'), {
      expected: `no loop device on ${image}, detached in the step's teardown`,
      seen: devices.length
        ? `${devices.join(', ')} still attached`
        : byKit
          ? "detached by the kit's ledger after the step's teardown, not by the step"
          : teardownError || 'none',
    });

    // debugfs reads the ext4 image directly: no mount, no loop device needed
    const stored = fs.existsSync(image) ? (await sh`debugfs -R ${`cat /${homeFile}`} ${image}`).stdout.trim() : '';
    t.expect('home-persists', stored === homeText, {
      expected: `/${homeFile} in the image, containing ${homeText}`,
      seen: stored ? `"${stored}"` : 'not in the image',
    });
    if (teardownError) throw new Error(teardownError);

    // A second container on the same image: the step must keep the file and its filesystem.
    if (stored === homeText) {
      const again = await t.start({
        argv: ['sh', '-c', `echo "kept=$(cat /home/${homeFile} 2>/dev/null)"; echo ready; exec sleep 60`],
        options: { homeImage: image, quiet: true },
      });
      await again.waitFor(/^ready$/m);
      const kept = again.values().kept;
      await again.stop();
      // (what it leaves on the host is the first run's mistake again: undone, not counted twice)
      for (const line of added(before, relevantHostMounts()).reverse()) await sh`umount --lazy ${line.split(' ')[0]}`;
      await again.teardown().catch(() => undefined);
      await devicesLeft(image);
      t.expect('home-kept', kept === homeText, {
        expected: `/home/${homeFile} containing ${homeText} in the second run`,
        seen: kept ? `"${kept}"` : 'no such file: the image was made or formatted again',
      });
    } else {
      t.expect('home-kept', false, { expected: 'a file that outlives the first run', seen: "the first run's file is not in the image" });
    }
  },
});
