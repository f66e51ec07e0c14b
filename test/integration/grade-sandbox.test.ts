// The grading sandbox (kit/tools/grade/sandbox.ts) gives its child a /run of its
// own: `ip netns attach|add` (a student's step 3) works whether or not the
// host has a /run/netns, under a read-only /, and leaves nothing on the host.

import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sandboxArgv } from '../../kit/tools/grade/sandbox.ts';
import { checkWorkspaceRoot } from '../../kit/tools/grade/workspace.ts';

describe('the grading sandbox', () => {
  it('has a writable /run of its own where ip netns works, under a read-only /, and the host keeps none of it', () => {
    const name = `cw-sbtest-${crypto.randomBytes(3).toString('hex')}`;
    const runBefore = fs.readdirSync('/run').sort();
    const script = `findmnt -n -o FSTYPE,OPTIONS /run | cut -d, -f1; ip netns add ${name}; ip netns list; ip netns delete ${name}; touch /cw-sandbox-ro-probe 2>/dev/null && echo root-writable || echo root-read-only`;
    const sb = sandboxArgv({ procsFiles: [], writable: [], tmpSize: '16m', argv: ['sh', '-c', script] });
    const r = spawnSync(sb.argv[0], sb.argv.slice(1), {
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...sb.env },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['tmpfs', 'rw']);
    expect(lines).toContain(name);
    expect(lines.at(-1)).toBe('root-read-only');
    expect(fs.existsSync(`/run/netns/${name}`)).toBe(false);
    expect(fs.existsSync('/cw-sandbox-ro-probe')).toBe(false);
    // nothing new in the host's /run (another engineer's run may add netns under /run/netns, not here)
    expect(
      fs
        .readdirSync('/run')
        .sort()
        .filter((e) => !runBefore.includes(e) && e !== 'netns'),
    ).toEqual([]);
  });

  it('refuses workspaces under the folders it covers with a tmpfs', () => {
    expect(() => checkWorkspaceRoot('/run/grading')).toThrow(/cannot live under \/run\/grading: the sandbox puts a fresh tmpfs there/);
    expect(() => checkWorkspaceRoot('/dev/shm/x')).toThrow(/fresh tmpfs/);
    expect(() => checkWorkspaceRoot('/var/grading')).not.toThrow();
  });
});
