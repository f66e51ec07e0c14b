// Check 4 on a real cgroup v2 hierarchy: the reference passes, and a step
// that writes v1 files fails naming the v2 one. Skips unless this machine is
// pure v2; on a v1 or hybrid host it runs inside the kit's test VM (test/vm).

import { describe, expect, it } from 'vitest';
import check from '../../checks/04-cgroups.ts';
import { runCheck } from '../../kit/check/framework.ts';
import { solutionsDir } from '../../kit/paths.ts';
import { makeMutant } from '../helpers/mutants.ts';
import { machineLayout } from '../integration/cgroup-suite.ts';

describe.skipIf(machineLayout() !== 'v2')('check 4 on cgroup v2', () => {
  it('passes on the reference solution', async () => {
    const r = await runCheck(check, { stepsDir: solutionsDir, timeoutMs: 240_000 });
    expect(r.assertions.filter((a) => a.status !== 'pass')).toEqual([]);
    expect(r.status).toBe('pass');
  }, 300_000);

  it('fails a step that writes the v1 files, naming memory.max', async () => {
    const m = makeMutant('04v2', [{ file: '04-cgroups.ts', find: "if (cg.driver === 'v2') {", replace: "if (cg.driver !== 'v2') {" }]);
    try {
      const r = await runCheck(check, { stepsDir: m.dir, timeoutMs: 240_000 });
      expect(r.status).toBe('fail');
      expect(r.assertions.find((a) => a.id === 'setup')?.seen).toMatch(/There is no memory\.limit_in_bytes .* where that limit is memory\.max/);
    } finally {
      m.dispose();
    }
  }, 300_000);
});
