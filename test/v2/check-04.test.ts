// Check 4 on a real cgroup v2 hierarchy: the reference (the student's own
// mkdir, limit files, cgroup.procs, usage files, cgroup.kill, rmdir) passes,
// and a step that writes v1 files fails naming the file it tried. Skips unless
// this machine is pure v2; on a v1 or hybrid host it runs inside the kit's
// test VM (test/vm).

import { describe, expect, it } from 'vitest';
import check from '../../checks/04-cgroups.ts';
import { runCheck } from '../../kit/tools/check/framework.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { makeMutant } from '../helpers/mutants.ts';
import { machineLayout } from '../integration/cgroup-suite.ts';

describe.skipIf(machineLayout() !== 'v2')('check 4 on cgroup v2', () => {
  it('passes on the reference solution', async () => {
    const r = await runCheck(check, { stepsDir: solutionsDir, timeoutMs: 240_000 });
    expect(r.assertions.filter((a) => a.status !== 'pass')).toEqual([]);
    expect(r.status).toBe('pass');
  }, 300_000);

  it('fails a step that writes the v1 files, naming the file it tried', async () => {
    const find = "    if (version === 'v2') {\n      fs.writeFileSync(path.join(dirs.memory!, 'memory.max')";
    const m = makeMutant('04v2', [{ file: '04-cgroups.ts', find, replace: find.replace("version === 'v2'", "version !== 'v2'") }]);
    try {
      const r = await runCheck(check, { stepsDir: m.dir, timeoutMs: 240_000 });
      expect(r.status).toBe('fail');
      // the student writes the file with fs: the kernel's refusal names the v1 file they tried
      expect(r.assertions.find((a) => a.id === 'setup')?.seen).toMatch(/memory\.limit_in_bytes/);
    } finally {
      m.dispose();
    }
  }, 300_000);
});
