// Check of step 6: from the host, is the container's root an unprivileged uid
// of the host (its own user namespace, the maps asked for), root inside, the
// owner of what it writes to /home, and unable to do what needs real root?

import fs from 'node:fs';
import { type AssertionSpec, defineCheck, describeMap, idMap, ids, inside, namespaceId, procStatus, USERNS_SIZE } from '../kit/check.ts';

const page = '/steps/06-user';

export const assertions: AssertionSpec[] = [
  {
    id: 'userns',
    name: "its user namespace differs from the host's (/proc/PID/ns/user)",
    points: 2,
    page: `${page}#enter-it-last`,
    hint: 'After the mounts, the child enters a user namespace of its own: unshare(CLONE_NEWUSER).',
  },
  {
    id: 'maps',
    name: 'uid_map and gid_map map 0..65535 inside to the --uid-base range outside',
    points: 2,
    page: `${page}#uid-map`,
    hint: 'While the child waits, the host writes one line "0 BASE 65536" to /proc/PID/uid_map and to /proc/PID/gid_map.',
  },
  {
    id: 'uid-outside',
    name: 'seen from the host, its uids and gids are the base, not 0 (/proc/PID/status)',
    points: 2,
    page: `${page}#become-root`,
    hint: "Entering the namespace does not change the uid: the child is still the host's root until it calls setresgid(0, 0, 0) and setresuid(0, 0, 0) inside.",
  },
  {
    id: 'uid-inside',
    name: "inside, it is uid 0 and gid 0 (id; the host's uid through uid_map)",
    points: 2,
    page: `${page}#become-root`,
    hint: 'Become uid 0 and gid 0 of the new namespace (setresuid, setresgid) once the maps are written.',
  },
  {
    id: 'groups',
    name: "it has no supplementary group of the host's (Groups: in /proc/PID/status)",
    points: 1,
    page: `${page}#setgroups`,
    hint: "The host's groups survive the unshare (gid 0 among them): drop them with setgroups(0, NULL) before the setresgid.",
  },
  {
    id: 'home-owner',
    name: 'a file it creates in /home belongs to the base uid and gid on the image',
    points: 2,
    page: `${page}#home-and-rootfs`,
    hint: "Before entering the namespace, chown /home (the image's root folder) to the base uid and gid; root inside can then write there.",
  },
  {
    id: 'root-only',
    name: "what needs the host's root fails: writing a host sysctl, mounting",
    points: 2,
    page: `${page}#what-root-inside-can-do`,
    hint: 'Only a real user namespace makes root inside powerless on the host: check that the unshare comes after the mounts and that the maps are not "0 0 ...".',
  },
];

export default defineCheck({
  step: 6,
  title: 'User namespace: root inside, an unprivileged uid outside',
  page,
  assertions,
  async run(t) {
    // a random base, so that a hard-coded 100000 fails
    const base = 100000 + t.random.int(1, 60) * USERNS_SIZE;
    const file = `/home/${t.random.name('cw6')}`;
    // writes the sysctl's current value back: the host is unchanged even when it works
    const sysctl = '/proc/sys/kernel/printk_ratelimit';
    // `sudo` gives the kit root's supplementary groups (gid 0 among them);
    // a test runner may have none: make sure there is one to drop
    // (Node's getgroups() adds the effective gid: read the kernel's list)
    const groups = ids(procStatus(process.pid).Groups);
    if (!groups.includes(0)) {
      process.setgroups?.([...groups, 0]);
      t.defer(() => process.setgroups?.(groups));
    }
    const probe = await t.start({
      argv: [
        'sh',
        '-c',
        [
          'echo "uid=$(id -u)"',
          'echo "gid=$(id -g)"',
          `touch ${file} && echo touched=yes`,
          `v=$(cat ${sysctl}); if (echo "$v" > ${sysctl}) 2>/dev/null; then echo sysctl=written; else echo sysctl=refused; fi`,
          'if mount -t tmpfs cw /tmp 2>/dev/null; then echo mount=done; else echo mount=refused; fi',
          'echo ready',
          'exec sleep 120',
        ].join('; '),
      ],
      options: { uidBase: base },
    });
    t.defer(() => fs.rmSync(`/proc/${probe.pid}/root${file}`, { force: true }));
    await probe.waitFor(/^ready$/m);
    const seen = probe.values();
    const pid = probe.pid;

    const hostUserns = namespaceId('self', 'user');
    const userns = namespaceId(pid, 'user');
    t.expect('userns', userns !== undefined && userns !== hostUserns, { expected: `not ${hostUserns}`, seen: String(userns) });

    const uidMap = idMap(pid, 'uid_map');
    const gidMap = idMap(pid, 'gid_map');
    const want = `0 ${base} ${USERNS_SIZE}`;
    t.expect('maps', describeMap(uidMap) === want && describeMap(gidMap) === want, {
      expected: `uid_map and gid_map: ${want}`,
      seen: `uid_map: ${describeMap(uidMap)}; gid_map: ${describeMap(gidMap)}`,
    });

    const status = procStatus(pid);
    const uids = ids(status.Uid);
    const gids = ids(status.Gid);
    t.expect('uid-outside', uids.length === 4 && gids.length === 4 && [...uids, ...gids].every((id) => id === base), {
      expected: `Uid: and Gid: all ${base}`,
      seen: `Uid: ${status.Uid}; Gid: ${status.Gid}`,
    });
    const uidIn = inside(uidMap, uids[1]);
    const gidIn = inside(gidMap, gids[1]);
    t.expect('uid-inside', uidIn === 0 && gidIn === 0 && seen.uid === '0' && seen.gid === '0', {
      expected: 'uid 0 and gid 0 inside',
      seen: `id: uid ${seen.uid}, gid ${seen.gid}; the host's ${uids[1]}:${gids[1]} through the maps: ${uidIn ?? 'unmapped'}:${gidIn ?? 'unmapped'}`,
    });
    t.expect('groups', (status.Groups ?? '') === '', { expected: 'Groups: (none)', seen: `Groups: ${status.Groups}` });

    // the container's /home, from the host, through its root (the image is mounted there only)
    let owner = 'no such file';
    try {
      const st = fs.statSync(`/proc/${pid}/root${file}`);
      owner = `${st.uid}:${st.gid}`;
    } catch {
      // stays "no such file"
    }
    t.expect('home-owner', seen.touched === 'yes' && owner === `${base}:${base}`, {
      expected: `${file} owned by ${base}:${base}`,
      seen: seen.touched === 'yes' ? `owned by ${owner}` : 'touch failed inside',
    });
    t.expect('root-only', seen.sysctl === 'refused' && seen.mount === 'refused', {
      expected: `writing ${sysctl} and mounting a tmpfs both refused`,
      seen: `sysctl ${seen.sysctl}, mount ${seen.mount}`,
    });
  },
});
