// Child operations become the C struct the shim executes; constants come from
// the C headers of this machine (never hard-coded in TypeScript).

import { describe, expect, it } from 'vitest';
import { loadShim } from '../../kit/core/native.ts';
import { chdir, describeOp, mkdir, mknod, mount, pivot_root, sethostname, symlink, umount2, write_file } from '../../kit/core/ops.ts';
import { toNativeOp } from '../../kit/core/spawn.ts';

const shim = loadShim();
const c = shim.constant;

describe('child operation serialisation', () => {
  it('mount carries source, target, fstype, data and OR-ed flags', () => {
    const n = toNativeOp(mount('proc', '/proc', 'proc', ['MS_NOSUID', 'MS_NODEV'], 'hidepid=2'), c);
    expect(n.kind).toBe(c('CW_MOUNT'));
    expect(n.s).toEqual(['proc', '/proc', 'proc', 'hidepid=2']);
    expect(n.n[0]).toBe(c('MS_NOSUID') | c('MS_NODEV'));
  });

  it('NULL arguments stay NULL (mount --make-rprivate /)', () => {
    const n = toNativeOp(mount(null, '/', null, ['MS_REC', 'MS_PRIVATE']), c);
    expect(n.s).toEqual([null, '/', null, null]);
    expect(n.n[0]).toBe(c('MS_REC') | c('MS_PRIVATE'));
  });

  it('mknod passes type, mode, major and minor separately (makedev is done in C)', () => {
    const n = toNativeOp(mknod('/dev/null', 'S_IFCHR', 0o666, 1, 3), c);
    expect(n.n).toEqual([c('S_IFCHR'), 0o666, 1, 3]);
  });

  it('every builder maps to a distinct kind known by the shim', () => {
    const ops = [
      sethostname('x'),
      mount(null, '/', null),
      umount2('/x', ['MNT_DETACH']),
      pivot_root('.', '.'),
      chdir('/'),
      mkdir('/x'),
      mknod('/x', 'S_IFCHR', 0o600),
      symlink('a', 'b'),
      write_file('/x', 'y'),
    ];
    const kinds = ops.map((o) => toNativeOp(o, c).kind);
    expect(new Set(kinds).size).toBe(ops.length);
    for (const k of kinds) expect(k).toBeGreaterThan(0);
  });

  it('constants match the kernel ABI on this machine', () => {
    expect(c('CLONE_NEWPID')).toBe(0x20000000);
    expect(c('MS_BIND')).toBe(4096);
    expect(c('MNT_DETACH')).toBe(2);
    expect(() => c('NOT_A_CONSTANT')).toThrow(/unknown constant/);
  });

  it('describes an operation as the C call it stands for', () => {
    expect(describeOp(mount('proc', '/proc', 'proc', ['MS_NOSUID']))).toBe('mount("proc", "/proc", "proc", MS_NOSUID, NULL)');
    expect(describeOp(pivot_root('.', '.'))).toBe('pivot_root(".", ".")');
    expect(describeOp(mkdir('/x', 0o700))).toBe('mkdir("/x", 0700)');
  });
});
