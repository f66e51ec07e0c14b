// Check of step 7: from the host (/proc/PID/status, the container's
// mountinfo) and from inside (what its root can still do): capabilities
// reduced to the documented set in all five sets, no_new_privs, a seccomp
// filter that refuses with EPERM, no new device nodes, /proc/sys read-only
// and runc's masked /proc paths.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  type AssertionSpec,
  capMask,
  type CapName,
  capNames,
  defineCheck,
  KitError,
  procStatus,
  projectRoot,
  readMountinfo,
  stateDir,
} from '../kit/check.ts';

const page = '/steps/07-harden';

/** The documented set (the page's table): Docker's default without CAP_MKNOD. */
export const DOCUMENTED: CapName[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_RAW',
  'CAP_SYS_CHROOT',
  'CAP_AUDIT_WRITE',
  'CAP_SETFCAP',
];

/** runc's masked paths the check can read from inside: files that are not empty on the host. */
const MASKED_FILES = ['/proc/timer_list', '/proc/sched_debug', '/proc/keys', '/proc/latency_stats'];

/** Denied syscalls whose failure without a filter is not EPERM (so only the filter makes it EPERM); the check tries three at random. */
const PROBED = ['keyctl', 'add_key', 'request_key', 'setns', 'clock_settime', 'unshare'];

/** The probe binary (checks/probes/syscalls.c), built static once into the state folder. */
function syscallProbe(): string {
  const src = path.join(projectRoot, 'checks', 'probes', 'syscalls.c');
  const out = path.join(stateDir(), 'probes', 'syscalls');
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(src).mtimeMs) return out;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const cc = spawnSync('cc', ['-static', '-O1', '-o', `${out}.tmp`, src], { encoding: 'utf8' });
  if (cc.status !== 0) {
    throw new KitError(`check 7 could not build its syscall probe: ${(cc.stderr || cc.error?.message || '').split('\n')[0]}`, {
      hint: 'It needs a C compiler and the static C library: sudo apt-get install -y gcc libc6-dev.',
      page: '/guide/troubleshooting#child-operations',
    });
  }
  fs.renameSync(`${out}.tmp`, out);
  return out;
}

export const assertions: AssertionSpec[] = [
  {
    id: 'bounding',
    name: 'the bounding set is the documented set (CapBnd)',
    points: 2,
    page: `${page}#capabilities`,
    hint: 'Drop every other capability with prctl(PR_CAPBSET_DROP, cap): for root, execve gives back whatever the bounding set still holds.',
  },
  {
    id: 'capsets',
    name: 'effective and permitted are the documented set, inheritable and ambient empty (seen from the host and inside)',
    points: 2,
    page: `${page}#capabilities`,
    hint: 'Clear the ambient set (PR_CAP_AMBIENT_CLEAR_ALL) and capset() effective = permitted = the set, inheritable = nothing.',
  },
  {
    id: 'no-new-privs',
    name: 'no_new_privs is set (NoNewPrivs: 1)',
    points: 1,
    page: `${page}#no-new-privs`,
    hint: 'prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) before the seccomp filter.',
  },
  {
    id: 'seccomp',
    name: 'a seccomp filter is installed (Seccomp: 2)',
    points: 2,
    page: `${page}#seccomp`,
    hint: 'Install the filter with seccomp(SECCOMP_SET_MODE_FILTER, ...) as the very last operation.',
  },
  {
    id: 'blocked',
    name: 'denied syscalls fail with EPERM inside (three of keyctl, add_key, request_key, setns, clock_settime, unshare, at random: calls that fail otherwise, or succeed)',
    points: 2,
    page: `${page}#seccomp`,
    hint: 'The filter must compare the syscall number with each denied one and return SECCOMP_RET_ERRNO | EPERM: every syscall of DENY, not only the ones you tried.',
  },
  {
    id: 'devices',
    name: 'no new device node: CAP_MKNOD is gone and mknod fails inside',
    points: 1,
    page: `${page}#devices`,
    hint: "Leave CAP_MKNOD out of the set (and keep step 6's user namespace): /dev keeps the nodes step 2 made, no more.",
  },
  {
    id: 'proc-sys',
    name: "/proc/sys and runc's other read-only paths are mounted read-only (writing a sysctl gives EROFS)",
    points: 1,
    page: `${page}#masked-proc`,
    hint: 'Bind-mount each read-only path onto itself, then remount the bind with MS_RDONLY, before the user namespace.',
  },
  {
    id: 'masked',
    name: "runc's masked /proc paths are covered (mountinfo) and read empty inside",
    points: 1,
    page: `${page}#masked-proc`,
    hint: 'Bind-mount /dev/null over each masked file (a read-only tmpfs over a folder), before the user namespace.',
  },
];

const hex = (mask: bigint) => mask.toString(16).padStart(16, '0');

export default defineCheck({
  step: 7,
  title: 'Hardening: capabilities, no_new_privs, seccomp, devices, masked /proc',
  page,
  assertions,
  async run(t) {
    const masked = MASKED_FILES.filter((f) => fs.existsSync(f));
    const node = `/tmp/${t.random.name('cw7')}`;
    const sysctl = '/proc/sys/kernel/printk_ratelimit';
    const binary = syscallProbe();
    const pool = [...PROBED];
    const tried = [0, 1, 2].map(() => pool.splice(t.random.int(0, pool.length - 1), 1)[0]);
    const inTmp = `/tmp/${t.random.name('cw7p')}`;
    const probe = await t.start({
      argv: [
        'sh',
        '-c',
        [
          'echo "inside.CapEff=$(sed -n "s/^CapEff:\\t//p" /proc/self/status)"',
          // the host copies the probe binary into the container's /tmp
          `while [ ! -e ${inTmp}.go ]; do sleep 0.05; done`,
          `${inTmp} ${tried.join(' ')}`,
          `if mknod ${node} c 1 3 2>/dev/null; then echo mknod=made; else echo mknod=refused; fi`,
          `echo "sysctl=$( (cat ${sysctl} > ${sysctl}) 2>&1 && echo written)"`,
          ...masked.map((f, i) => `echo "masked${i}=$(wc -c < ${f} 2>/dev/null || echo unreadable)"`),
          'echo ready',
          'exec sleep 120',
        ].join('; '),
      ],
    });
    fs.copyFileSync(binary, `/proc/${probe.pid}/root${inTmp}`);
    fs.chmodSync(`/proc/${probe.pid}/root${inTmp}`, 0o755);
    fs.writeFileSync(`/proc/${probe.pid}/root${inTmp}.go`, '');
    await probe.waitFor(/^ready$/m);
    const seen = probe.values();
    const status = procStatus(probe.pid);
    const want = hex(capMask(DOCUMENTED));
    const names = (field: string) =>
      capNames(status[field] ?? '')
        .map((n) => n.replace(/^CAP_/, ''))
        .join(' ') || 'none';

    t.expect('bounding', status.CapBnd === want, { expected: `CapBnd: ${want}`, seen: `CapBnd: ${status.CapBnd} (${names('CapBnd')})` });
    const empty = hex(0n);
    t.expect(
      'capsets',
      status.CapEff === want &&
        status.CapPrm === want &&
        status.CapInh === empty &&
        status.CapAmb === empty &&
        seen['inside.CapEff'] === want,
      {
        expected: `CapEff and CapPrm ${want}, CapInh and CapAmb ${empty}, inside too`,
        seen: `CapEff ${status.CapEff}, CapPrm ${status.CapPrm}, CapInh ${status.CapInh}, CapAmb ${status.CapAmb}; inside CapEff ${seen['inside.CapEff']}`,
      },
    );
    t.expect('no-new-privs', status.NoNewPrivs === '1', { expected: 'NoNewPrivs: 1', seen: `NoNewPrivs: ${status.NoNewPrivs}` });
    t.expect('seccomp', status.Seccomp === '2' && Number(status.Seccomp_filters ?? '1') >= 1, {
      expected: 'Seccomp: 2',
      seen: `Seccomp: ${status.Seccomp}, Seccomp_filters: ${status.Seccomp_filters}`,
    });
    const got = tried.map((n) => `${n}: ${seen[`sys.${n}`] ?? '(no answer)'}`);
    t.expect(
      'blocked',
      tried.every((n) => seen[`sys.${n}`] === 'EPERM'),
      { expected: tried.map((n) => `${n}: EPERM`).join(', '), seen: got.join(', ') },
    );
    t.expect('devices', seen.mknod === 'refused' && !capNames(status.CapBnd ?? '').includes('CAP_MKNOD'), {
      expected: 'mknod refused, CAP_MKNOD not in the bounding set',
      seen: `mknod ${seen.mknod}; CAP_MKNOD ${capNames(status.CapBnd ?? '').includes('CAP_MKNOD') ? 'kept' : 'dropped'}`,
    });

    const mounts = readMountinfo(probe.pid);
    const at = (p: string) => mounts.filter((m) => m.mountPoint === p).at(-1);
    const procSys = at('/proc/sys');
    const ro = procSys !== undefined && procSys.options.split(',').includes('ro');
    t.expect('proc-sys', ro && /Read-only file system/.test(seen.sysctl ?? ''), {
      expected: '/proc/sys mounted ro; writing a sysctl: Read-only file system',
      seen: `/proc/sys ${procSys ? procSys.options : 'not a mount point'}; writing: ${seen.sysctl}`,
    });
    const notCovered = masked.filter((f) => !at(f));
    const notEmpty = masked.filter((_, i) => seen[`masked${i}`] !== '0');
    t.expect('masked', masked.length > 0 && notCovered.length === 0 && notEmpty.length === 0, {
      expected: `${masked.join(', ') || '(none on this kernel)'} covered by a mount and empty inside`,
      seen:
        masked.length === 0
          ? 'none of them exists on this kernel'
          : `not covered: ${notCovered.join(', ') || 'none'}; not empty inside: ${notEmpty.join(', ') || 'none'}`,
    });
  },
});
