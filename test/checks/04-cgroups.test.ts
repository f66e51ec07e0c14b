// Check 4 passes on the reference, reports "not attempted" on the untouched
// skeleton, and fails on typical mistakes, leaving no cgroup behind.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import check from '../../checks/04-cgroups.ts';
import { detectLayout, KIT_PARENT } from '../../kit/host/cgroup/index.ts';
import { runCheck } from '../../kit/tools/check/framework.ts';
import { eventually } from '../../kit/host/namespaces.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { expectCheatRefused, expectMutantFails, makeMutant, skeletonAt } from '../helpers/mutants.ts';

/** The kit's run cgroups (cw-<run id>) on every hierarchy. */
function runCgroups(): string[] {
  const l = detectLayout();
  const roots = l.kind === 'v2' ? [l.root] : [...new Set(Object.values(l.v1).map((h) => h.mountPoint))];
  return roots.flatMap((r) => {
    const parent = path.join(r, KIT_PARENT);
    return fs.existsSync(parent)
      ? fs
          .readdirSync(parent)
          .filter((d) => d.startsWith('cw-'))
          .map((d) => path.join(parent, d))
      : [];
  });
}

// other tests may make cgroups meanwhile: only ours must be gone
let before: string[];
beforeAll(() => {
  before = runCgroups();
});
const leftovers = () => runCgroups().filter((d) => !before.includes(d));
/** Ours are removed by the time runCheck returns; someone else's run may hold one for a few seconds. */
const noLeftovers = async () => expect((await eventually(() => leftovers().length === 0, 15_000)) ? [] : leftovers()).toEqual([]);
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
  const otherVersion = "    if (version === 'v2') {\n      fs.writeFileSync(path.join(dirs.memory!, 'memory.max')";
  const record = "    const entry = ctx.ledger.record({ kind: 'cgroup', paths });\n";
  const usageRegion = /    const usage: CgroupUsage =[\s\S]*?ctx\.facts\.usage = usage;\n/;
  const mutants: [string, string[], Parameters<typeof makeMutant>[1]][] = [
    // TODO cgroup
    ['the cgroup is not named after the run', ['member'], [{ file: f, find: '`cw-${ctx.runId}`', replace: "'cw-container'" }]],
    ['the cgroup is not recorded in the ledger', ['removed'], [{ file: f, find: record, replace: '    const entry = -1;\n' }]],
    // v1 (this machine): the cpu and pids hierarchies get no directory
    [
      'a directory in the memory hierarchy only',
      ['setup'],
      [{ file: f, find: 'const paths = [...new Set(Object.values(dirs))];', replace: 'const paths = [dirs.memory!];' }],
    ],
    // TODO limits
    // a tutorial for the other version: the file does not exist here
    [
      "limits written to the other version's files",
      ['setup'],
      [{ file: f, find: otherVersion, replace: otherVersion.replace("version === 'v2'", "version !== 'v2'") }],
    ],
    [
      'no CPU quota',
      ['cpu'],
      [
        { file: f, find: "      fs.writeFileSync(path.join(dirs.cpu!, 'cpu.max'), `${quotaUs} ${periodUs}`);\n", replace: '' },
        { file: f, find: "      fs.writeFileSync(path.join(dirs.cpu!, 'cpu.cfs_quota_us'), String(quotaUs));\n", replace: '' },
      ],
    ],
    [
      'no pids limit',
      ['pids'],
      [{ file: f, find: "    fs.writeFileSync(path.join(dirs.pids!, 'pids.max'), String(pids));\n", replace: '' }],
    ],
    // TODO join
    // (its unlimited busy loop competes with the whole machine, so 'cpu' may or may not show it)
    [
      'the child never joins the cgroup',
      ['member', 'member-at-start', 'memory-oom', 'pids', 'usage'],
      [{ file: f, find: join, replace: '' }],
    ],
    // not awaited: the command runs (and forks) before it joins
    [
      'the child joins after it started running',
      ['member', 'member-at-start'],
      [{ file: f, find: join, replace: `    setTimeout(() => {\n  ${join}\n    }, 300);` }],
    ],
    // v1 (this machine): only the first hierarchy
    [
      'the child joins one directory only',
      ['member'],
      [{ file: f, find: join, replace: "    fs.writeFileSync(path.join(cg.paths[0], 'cgroup.procs'), String(child.pid));" }],
    ],
    // TODO account
    ['usage not read at exit', ['usage'], [{ file: f, find: usageRegion, replace: '' }]],
    // v1 (this machine): cpuacct.usage counts nanoseconds
    [
      'CPU time in nanoseconds taken for microseconds',
      ['usage'],
      [
        {
          file: f,
          find: "Math.round((number(path.join(dirs.cpuacct!, 'cpuacct.usage')) ?? 0) / 1000)",
          replace: "number(path.join(dirs.cpuacct!, 'cpuacct.usage')) ?? 0",
        },
      ],
    ],
    [
      'peak memory left out',
      ['usage'],
      [
        { file: f, find: "memoryPeakBytes: number(path.join(dirs.memory!, 'memory.peak')),", replace: 'memoryPeakBytes: undefined,' },
        {
          file: f,
          find: "memoryPeakBytes: number(path.join(dirs.memory!, 'memory.max_usage_in_bytes')),",
          replace: 'memoryPeakBytes: undefined,',
        },
      ],
    ],
    // TODO remove
    [
      "the cgroup is not removed (the kit's cleanup does it)",
      ['removed'],
      [{ file: f, find: /    const inside = [\s\S]*?ctx\.ledger\.forget\(cg\.entry\);\n/, replace: '' }],
    ],
    // v1 (this machine): the other hierarchies keep theirs
    [
      'rmdir of one directory only',
      ['removed'],
      [{ file: f, find: '    for (const dir of cg.paths) fs.rmdirSync(dir);', replace: '    fs.rmdirSync(cg.paths[0]);' }],
    ],
    [
      'the ledger entry forgotten before anything is removed',
      ['removed'],
      [
        {
          file: f,
          find: '    for (const dir of cg.paths) fs.rmdirSync(dir);\n    ctx.ledger.forget(cg.entry);\n',
          replace: '    ctx.ledger.forget(cg.entry);\n',
        },
      ],
    ],
    [
      'the usage read after the cgroup is gone',
      ['usage'],
      [
        { file: f, find: usageRegion, replace: '' },
        {
          file: f,
          find: '    ctx.ledger.forget(cg.entry);\n',
          replace:
            "    ctx.ledger.forget(cg.entry);\n    ctx.facts.usage = { cpuUsec: Number(fs.readFileSync(path.join(dirs.cpuacct ?? dirs.cpu!, 'cpuacct.usage'), 'utf8')), oomKills: 0 };\n",
        },
      ],
    ],
  ];

  for (const [name, mustFail, mutations] of mutants) {
    it(`fails on a mutant: ${name}`, async () => {
      await expectMutantFails(check, '04', mutations, { mustFail, page: /^\/steps\/04-cgroups#/, seen: true });
      await noLeftovers();
    }, 90_000);
  }

  it("names the right file when a limit goes to the other version's file", async () => {
    const m = makeMutant('04', [{ file: f, find: otherVersion, replace: otherVersion.replace("version === 'v2'", "version !== 'v2'") }]);
    try {
      const r = await runCheck(check, { stepsDir: m.dir });
      const setup = r.assertions.find((a) => a.id === 'setup');
      // the kernel's own error, naming the file the student wrote
      expect(setup?.seen).toMatch(detectLayout().kind === 'v2' ? /memory\.limit_in_bytes/ : /memory\.max/);
    } finally {
      m.dispose();
    }
  });

  // cheats: the former shortcuts, by a deep import; refused before anything runs
  const cheats: [string, Parameters<typeof makeMutant>[1], RegExp][] = [
    [
      'createCgroup with the limits applied by the kit',
      [
        {
          file: f,
          find: "import fs from 'node:fs';",
          replace: "import fs from 'node:fs';\nimport { createCgroup } from '../kit/host/cgroup/index.ts';",
        },
        { file: f, find: record, replace: `${record}    await createCgroup(ctx.ledger, 'x', { memoryBytes, cpuFraction, pids });\n` },
      ],
      /\.\.\/kit\/host\/cgroup\/index\.ts/,
    ],
    [
      'the limit tables v1LimitWrites / v2LimitWrites',
      [
        {
          file: f,
          find: "import fs from 'node:fs';",
          replace:
            "import fs from 'node:fs';\nimport { v1LimitWrites, v2LimitWrites } from '../kit/host/cgroup/limits.ts';\nvoid v1LimitWrites; void v2LimitWrites;",
        },
      ],
      /\.\.\/kit\/host\/cgroup\/limits\.ts/,
    ],
    [
      "the driver's usage() and remove() through a re-export",
      [
        {
          file: f,
          find: "import fs from 'node:fs';",
          replace: "import fs from 'node:fs';\nexport { createCgroup } from '../kit/host/cgroup/driver.ts';",
        },
      ],
      /\.\.\/kit\/host\/cgroup\/driver\.ts/,
    ],
  ];
  for (const [name, mutations, refused] of cheats) {
    it(`refuses a cheat: ${name}`, async () => {
      await expectCheatRefused(check, '04', mutations, refused);
    });
  }
});
