// The last word of `npm test` about cgroup v2: whether test/v2 ran for real
// (test/integration/cgroup-v2-vm.test.ts), and if not, why, in a frame that
// cannot be missed at the end of the output. Silent when that file was not
// part of the run (a single test file run by hand).

import chalk from 'chalk';
import type { Reporter, TestModule } from 'vitest/node';

export const V2_TEST_FILE = 'test/integration/cgroup-v2-vm.test.ts';

/** What to say about cgroup v2 after a run, or undefined when the v2 test was not in it. */
export function v2Verdict(modules: ReadonlyArray<TestModule>): { tested: boolean; line: string } | undefined {
  const mod = modules.find((m) => m.moduleId.endsWith(V2_TEST_FILE));
  if (!mod) return undefined;
  const tests = [...mod.children.allTests()];
  if (tests.length === 0) return { tested: false, line: `cgroup v2 was NOT tested: ${V2_TEST_FILE} did not load (see its error above)` };
  const results = tests.map((t) => t.result());
  const skipped = results.find((r) => r.state === 'skipped');
  if (skipped?.state === 'skipped')
    return { tested: false, line: `cgroup v2 was NOT tested: ${skipped.note ?? 'the test was skipped in this run'}` };
  if (results.some((r) => r.state === 'failed')) return { tested: false, line: `cgroup v2 tests FAILED (${V2_TEST_FILE}, above)` };
  if (results.some((r) => r.state === 'pending'))
    return { tested: false, line: 'cgroup v2 was NOT tested: the run stopped before its test' };
  return { tested: true, line: 'cgroup v2 was tested for real (test/v2 on a pure v2 hierarchy)' };
}

export default class V2Reporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const v = v2Verdict(modules);
    if (!v) return;
    if (v.tested) {
      process.stdout.write(`${chalk.green(v.line)}\n`);
      return;
    }
    const bar = '!'.repeat(Math.min(Math.max(v.line.length + 6, 40), 100));
    process.stdout.write(`\n${chalk.red.bold(bar)}\n${chalk.red.bold(`!! ${v.line}`)}\n${chalk.red.bold(bar)}\n\n`);
  }
}
