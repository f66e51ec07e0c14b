// The cgroup driver on a real cgroup v2 hierarchy. Skips unless this machine
// is pure v2; on a v1 or hybrid host it runs inside the kit's test VM (test/vm).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCgroup, KIT_PARENT } from '../../kit/host/cgroup/index.ts';
import { Ledger } from '../../kit/core/ledger.ts';
import { cgroupSuite, machineLayout } from '../integration/cgroup-suite.ts';

cgroupSuite('cgroup driver on v2', ['v2']);

describe.skipIf(machineLayout() !== 'v2')('v2 rules the driver follows', () => {
  it("enables memory, cpu and pids for the kit's parent; the parent holds no process (no internal processes)", async () => {
    const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-cgv2-'));
    const cg = await createCgroup(new Ledger(runs, 'v2rules'), `v2rules-${process.pid}`, { pids: 5 });
    try {
      const parent = path.join('/sys/fs/cgroup', KIT_PARENT);
      const enabled = fs.readFileSync(path.join(parent, 'cgroup.subtree_control'), 'utf8').split(/\s+/);
      for (const c of ['cpu', 'memory', 'pids']) expect(enabled).toContain(c);
      expect(fs.readFileSync(path.join(cg.paths[0], 'cgroup.controllers'), 'utf8')).toMatch(/memory/);
      // the kernel refuses a process in a cgroup that hands controllers down
      let code: string | undefined;
      try {
        fs.writeFileSync(path.join(parent, 'cgroup.procs'), String(process.pid));
      } catch (err) {
        code = (err as NodeJS.ErrnoException).code;
      }
      expect(code).toBe('EBUSY');
    } finally {
      await cg.remove();
      fs.rmSync(runs, { recursive: true, force: true });
    }
  });
});
