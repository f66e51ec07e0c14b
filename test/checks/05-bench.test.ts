// Check 5 passes on the reference, reports "not attempted" on the skeleton,
// and fails on the two typical mistakes: sysbench run on the host instead of
// inside the container, and file I/O on the rootfs (the host's disk) instead
// of the loop-backed /home. Each check benchmarks for about half a minute.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import check from '../../checks/05-bench.ts';
import { runCheck } from '../../kit/tools/check/framework.ts';
import { rootfsDir, solutionsDir } from '../../kit/core/paths.ts';
import { sysbenchOnHost } from '../helpers/bench-mutants.ts';
import { expectCheatRefused, failed, makeMutant, skeletonAt } from '../helpers/mutants.ts';

/** id: seen, for messages that explain an unexpected failure */
const failures = (r: Awaited<ReturnType<typeof runCheck>>) =>
  r.assertions.filter((a) => a.status !== 'pass').map((a) => `${a.id}: ${a.seen ?? a.message}`);
const TIMEOUT = 240_000;
const opts = (stepsDir: string) => ({ stepsDir, timeoutMs: 200_000 });

describe('check 5 (benchmark)', () => {
  it('passes on the reference solution', { timeout: TIMEOUT }, async () => {
    const r = await runCheck(check, opts(solutionsDir));
    // with what was seen, so that a failure here explains itself
    expect(failures(r)).toEqual([]);
    expect(r.status).toBe('pass');
  });

  it('reports "not attempted" on the untouched skeleton, naming the TODO', { timeout: TIMEOUT }, async () => {
    const s = skeletonAt(5);
    try {
      const r = await runCheck(check, opts(s.dir));
      expect(r.status).toBe('not-attempted');
      expect(r.assertions[0].message).toMatch(/TODO "[\w-]+" in .*05-bench\.ts:\d+/);
    } finally {
      s.dispose();
    }
  });

  it('fails when sysbench runs on the host instead of inside the container', { timeout: TIMEOUT }, async () => {
    // what a student might write: run the command with the student API's $, right here
    const m = sysbenchOnHost('05-host');
    try {
      const r = await runCheck(check, opts(m.dir));
      expect(r.status).toBe('fail');
      for (const id of ['in-container', 'cgroup', 'home']) expect(failed(r), failures(r).join('; ')).toContain(id);
      const a = r.assertions.find((x) => x.id === 'in-container');
      expect(a?.seen).toMatch(/no sysbench process was seen inside the container/);
      expect(a?.hint).toMatch(/tools\.container/);
      expect(a?.page).toMatch(/^\/steps\/05-bench/);
    } finally {
      m.dispose();
    }
  });

  it("fails when the file I/O runs on the rootfs (the host's disk) instead of /home", { timeout: TIMEOUT }, async () => {
    const m = makeMutant('05-rootfs', [{ file: '05-bench.ts', find: "return '/home/bench';", replace: "return '/root/bench';" }]);
    try {
      const r = await runCheck(check, opts(m.dir));
      expect(r.status).toBe('fail');
      expect(failed(r), failures(r).join('; ')).toEqual(['home']);
      expect(r.assertions.find((x) => x.id === 'home')?.seen).toMatch(/^ext4 from \/dev\/\S+ on \/$/);
    } finally {
      m.dispose();
      // the mutant's folder is in the shared rootfs
      fs.rmSync(path.join(rootfsDir(), 'root', 'bench'), { recursive: true, force: true });
    }
  });

  // cheat: the kit's own workload commands, past the student API
  it("refuses a cheat: the kit's bench modules through a deep import", { timeout: TIMEOUT }, async () => {
    await expectCheatRefused(
      check,
      '05',
      [
        {
          file: '05-bench.ts',
          find: "} from '../kit/student.ts';",
          replace: "} from '../kit/student.ts';\nimport * as workloads from '../kit/tools/bench/workloads.ts';\nvoid workloads;",
        },
      ],
      /\.\.\/kit\/tools\/bench\/workloads\.ts/,
    );
  });
});
