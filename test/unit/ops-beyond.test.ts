// The ops of issue 18 (user namespace, hardening, exec) as the shim receives
// them, the seccomp program's encoding, and capability masks.

import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { capMask, capNames, capNumber } from '../../kit/core/caps.ts';
import { errnoHint } from '../../kit/core/errno.ts';
import { loadShim } from '../../kit/core/native.ts';
import {
  capset,
  chown,
  describeOp,
  fork,
  prctl,
  seccomp,
  setgroups,
  setns,
  setresgid,
  setresuid,
  unshare,
  wait_for_host,
} from '../../kit/core/ops.ts';
import { BPF_JUMP, BPF_STMT, encodeFilter, syscallNumber } from '../../kit/core/seccomp.ts';
import { toNativeOp } from '../../kit/core/spawn.ts';

const c = loadShim().constant;

describe('issue 18 ops', () => {
  it('each has a kind of its own, distinct from the core ops', () => {
    const ops = [
      unshare(['CLONE_NEWUSER']),
      setgroups([]),
      setresgid(0, 0, 0),
      setresuid(0, 0, 0),
      chown('/home', 1, 2),
      setns(5, 'CLONE_NEWNET'),
      fork(),
      prctl('PR_SET_NO_NEW_PRIVS', 1, 0, 0),
      capset([], [], []),
      seccomp([BPF_STMT(6, 0)]),
    ];
    const kinds = ops.map((o) => toNativeOp(o, c).kind);
    expect(new Set(kinds).size).toBe(ops.length);
    for (const k of kinds) expect(k).toBeGreaterThanOrEqual(100);
  });

  it('carries flags, ids and capability masks as numbers', () => {
    expect(toNativeOp(unshare(['CLONE_NEWUSER']), c).n[0]).toBe(0x10000000);
    expect(toNativeOp(setns(7, 'CLONE_NEWNS'), c).n.slice(0, 2)).toEqual([7, c('CLONE_NEWNS')]);
    expect(toNativeOp(chown('/home', 100000, 100001), c)).toMatchObject({ s: ['/home', null, null, null], n: [100000, 100001, 0, 0] });
    expect(toNativeOp(prctl('PR_CAP_AMBIENT', 'PR_CAP_AMBIENT_CLEAR_ALL', 0, 0), c).n).toEqual([
      c('PR_CAP_AMBIENT'),
      c('PR_CAP_AMBIENT_CLEAR_ALL'),
      0,
      0,
    ]);
    const n = toNativeOp(capset(['CAP_CHOWN', 'CAP_MKNOD'], ['CAP_CHOWN'], []), c).n;
    expect(n.slice(0, 3)).toEqual([1 + 2 ** 27, 1, 0]);
  });

  it('wait_for_host needs the pipes only spawnPaused makes', () => {
    expect(() => toNativeOp(wait_for_host('uid_map'), c)).toThrow(/pipes/);
  });

  it('setgroups supports only the empty list, with a clear error', () => {
    expect(() => toNativeOp({ op: 'setgroups', groups: [5] }, c)).toThrow(/empty list/);
  });

  it('reads like the C it stands for', () => {
    expect(describeOp(unshare(['CLONE_NEWUSER']))).toBe('unshare(CLONE_NEWUSER)');
    expect(describeOp(setgroups([]))).toBe('setgroups(0, NULL)');
    expect(describeOp(prctl('PR_CAPBSET_DROP', 21))).toBe('prctl(PR_CAPBSET_DROP, 21)');
    expect(describeOp(seccomp([BPF_STMT(6, 0), BPF_STMT(6, 0)]))).toMatch(/2 BPF instructions/);
    expect(errnoHint('seccomp', 'EACCES')).toMatch(/NO_NEW_PRIVS/);
  });
});

describe('seccomp program', () => {
  it("encodes struct sock_filter in the machine's byte order", () => {
    expect(c('sizeof(sock_filter)')).toBe(8);
    const hex = encodeFilter([BPF_JUMP(0x15, 0xc000003e, 1, 0), BPF_STMT(0x06, 0x7fff0000)]);
    const le = os.endianness() === 'LE';
    expect(hex).toBe(le ? '15000100' + '3e0000c0' + '06000000' + '0000ff7f' : '00150100' + 'c000003e' + '00060000' + '7fff0000');
  });

  it("knows this architecture's syscall numbers, and which it lacks", () => {
    if (os.arch() === 'x64') {
      expect(syscallNumber('unshare')).toBe(272);
      expect(syscallNumber('iopl')).toBe(172);
      expect(c('AUDIT_ARCH')).toBe(0xc000003e);
    }
    if (os.arch() === 'arm64') {
      expect(syscallNumber('unshare')).toBe(97);
      expect(syscallNumber('iopl')).toBeUndefined();
    }
    expect(syscallNumber('no_such_call')).toBeUndefined();
  });
});

describe('capabilities', () => {
  it('names and masks as /proc/PID/status shows them', () => {
    expect(capNumber('CAP_SYS_ADMIN')).toBe(21);
    expect(capMask(['CAP_CHOWN', 'CAP_KILL'])).toBe(0x21n);
    expect(capNames('00000000a00425fb')).toContain('CAP_NET_RAW');
    expect(capNames('00000000a00425fb')).not.toContain('CAP_MKNOD');
  });
});
