import { describe, expect, it } from 'vitest';
import { errnoHint, errnoName } from '../../kit/errno.ts';
import os from 'node:os';

describe('errno names and hints', () => {
  it('names errno values from the C headers', () => {
    expect(errnoName(os.constants.errno.EINVAL)).toBe('EINVAL');
    expect(errnoName(os.constants.errno.ENOENT)).toBe('ENOENT');
    expect(errnoName(os.constants.errno.EPERM)).toBe('EPERM');
    expect(errnoName(99999)).toBe('errno 99999');
  });

  it('gives the usual cause for a syscall and errno', () => {
    expect(errnoHint('pivot_root', 'EINVAL')).toMatch(/mount point/);
    expect(errnoHint('execve', 'ENOENT')).toMatch(/not found/);
    expect(errnoHint('mount', 'ENOENT')).toMatch(/mkdir/);
    expect(errnoHint('chdir', 'EXDEV')).toBeUndefined();
  });
});
