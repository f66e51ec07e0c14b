// What the kit writes for the student through sudo is given back to them.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { giveBack, invokingUser } from '../../kit/core/owner.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('owner', () => {
  it('knows the invoking user only when root through sudo', () => {
    expect(invokingUser({ SUDO_UID: '1000', SUDO_GID: '1001' }, 0)).toEqual({ uid: 1000, gid: 1001 });
    expect(invokingUser({ SUDO_UID: '1000', SUDO_GID: '1001' }, 1000)).toBeUndefined();
    expect(invokingUser({}, 0)).toBeUndefined();
    expect(invokingUser({ SUDO_UID: '0', SUDO_GID: '0' }, 0)).toBeUndefined();
    expect(invokingUser({ SUDO_UID: 'x', SUDO_GID: '1' }, 0)).toBeUndefined();
  });

  it.skipIf(process.getuid?.() !== 0)('gives a folder and everything in it back, never through a symlink', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-owner-'));
    dirs.push(d);
    const results = path.join(d, 'results');
    fs.mkdirSync(path.join(results, 'bench-cpus1'), { recursive: true });
    fs.writeFileSync(path.join(results, 'report.md'), 'x');
    fs.writeFileSync(path.join(results, 'bench-cpus1', 'bench.json'), '{}');
    const outside = path.join(d, 'outside');
    fs.writeFileSync(outside, 'root stays owner');
    fs.symlinkSync(outside, path.join(results, 'link'));
    expect(giveBack([results], { uid: 65534, gid: 65534 })).toEqual([]);
    for (const p of [results, path.join(results, 'report.md'), path.join(results, 'bench-cpus1', 'bench.json')])
      expect(fs.statSync(p)).toMatchObject({ uid: 65534, gid: 65534 });
    expect(fs.lstatSync(path.join(results, 'link')).uid).toBe(65534);
    expect(fs.statSync(outside).uid).toBe(0);
    // not through sudo: nothing changes
    fs.writeFileSync(path.join(results, 'new.md'), 'y');
    expect(giveBack([results], undefined)).toEqual([]);
    expect(fs.statSync(path.join(results, 'new.md')).uid).toBe(0);
  });
});
