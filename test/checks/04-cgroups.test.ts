// Check 4 passes on the reference, reports "not attempted" on the untouched
// skeleton, and fails on typical mistakes, leaving no cgroup behind.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import check from '../../checks/04-cgroups.ts';
import { detectLayout, KIT_PARENT } from '../../kit/cgroup/index.ts';
import { runCheck } from '../../kit/check/framework.ts';
import { eventually } from '../../kit/check/host.ts';
import { solutionsDir } from '../../kit/paths.ts';
import { expectMutantFails, makeMutant, skeletonAt } from '../helpers/mutants.ts';

/** The kit's run cgroups (cw-<run id>) on every hierarchy. */
function runCgroups(): string[] {
  const l = detectLayout();
  const roots = l.kind === 'v2' ? [l.root] : [...new Set(Object.values(l.v1).map((h) => h.mountPoint))];
  return roots.flatMap((r) => {
    const parent = path.join(r, KIT_PARENT);
    return fs.existsSync(parent) ? fs.readdirSync(parent).filter((d) => d.startsWith('cw-')).map((d) => path.join(parent, d)) : [];
  });
}

// other tests may make cgroups meanwhile: only ours must be gone
let before: string[];
beforeAll(() => {
  before = runCgroups();
});
const leftovers = () => runCgroups().filter((d) => !before.includes(d));
/** Ours are removed by the time runCheck returns; someone else's run may hold one for a few seconds. */
const noLeftovers = async () => expect(await eventually(() => leftovers().length === 0, 15_000) ? [] : leftovers()).toEqual([]);
afterAll(noLeftovers, 30_000);


describe('check 4 (cgroups)', () => {
  it('passes on the reference solution', async () => {
    const r = await runCheck(check, { stepsDir: solutionsDir });
    expect(r.assertions.filter((a) => a.status !== 'pass')).toEqual([]);
    expect(r.status).toBe('pass');
    expect(r.score).toBe(r.maxScore);
    await noLeftovers();
  });

  it('reports "not attempted" on the untouched skeleton, naming the TODO', async () => {
    const s = skeletonAt(4);
    try {
      const r = await runCheck(check, { stepsDir: s.dir });
      expect(r.status).toBe('not-attempted');
      expect(r.score).toBe(0);
      expect(r.assertions[0].message).toMatch(/TODO "cgroup" in .*04-cgroups\.ts:\d+/);
    } finally {
      s.dispose();
    }
    await noLeftovers();
  });

  const f = '04-cgroups.ts';
  const join = "    for (const dir of cg.paths) fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(child.pid));";
  const mutants: [string, string[], Parameters<typeof makeMutant>[1]][] = [
    // (its unlimited busy loop competes with the whole machine, so 'cpu' may or may not show it)
    ['the child never joins the cgroup', ['member', 'member-at-start', 'memory-oom', 'pids', 'usage'], [{ file: f, find: join, replace: '' }]],
    // not awaited: the command runs (and forks) before it joins
    ['the child joins after it started running', ['member', 'member-at-start'], [{ file: f, find: join, replace: `    setTimeout(() => {\n  ${join}\n    }, 300);` }]],
    // a tutorial for the other version: the file does not exist here
    ['limits written to the other version\'s files', ['setup'], [{ file: f, find: "if (cg.driver === 'v2') {", replace: "if (cg.driver !== 'v2') {" }]],
    ['no CPU quota', ['cpu'], [
      { file: f, find: "      cg.write('cpu', 'cpu.max', `${quotaUs} ${periodUs}`);\n", replace: '' },
      { file: f, find: "      cg.write('cpu', 'cpu.cfs_period_us', String(periodUs));\n      cg.write('cpu', 'cpu.cfs_quota_us', String(quotaUs));\n", replace: '' },
    ]],
    ['no pids limit', ['pids'], [{ file: f, find: "    cg.write('pids', 'pids.max', String(pids));\n", replace: '' }]],
    ['the cgroup is not removed (the kit\'s cleanup does it)', ['removed'], [{ file: f, find: '    await cg.killAll();\n    await cg.remove();\n', replace: '' }]],
    ['usage not read at exit', ['usage'], [{ file: f, find: '    const usage = cg.usage();\n    ctx.facts.usage = usage;\n    reportUsage(ctx, usage);\n', replace: '' }]],
  ];

  for (const [name, mustFail, mutations] of mutants) {
    it(`fails on a mutant: ${name}`, async () => {
      await expectMutantFails(check, '04', mutations, { mustFail, page: /^\/steps\/04-cgroups#/, seen: true });
      await noLeftovers();
    }, 90_000);
  }

  it('names the right file when a limit goes to the other version\'s file', async () => {
    const m = makeMutant('04', [{ file: f, find: "if (cg.driver === 'v2') {", replace: "if (cg.driver !== 'v2') {" }]);
    try {
      const r = await runCheck(check, { stepsDir: m.dir });
      const setup = r.assertions.find((a) => a.id === 'setup');
      expect(setup?.seen).toMatch(detectLayout().kind === 'v2' ? /There is no memory\.limit_in_bytes .* where that limit is memory\.max/ : /There is no memory\.max .* where that limit is memory\.limit_in_bytes/);
    } finally {
      m.dispose();
    }
  });
});
