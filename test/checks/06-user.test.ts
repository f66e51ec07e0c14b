// Check 6 passes on the reference, reports "not attempted" on the skeleton,
// and fails on typical mistakes and on shortcuts.

import { describe, expect, it } from 'vitest';
import check from '../../checks/06-user.ts';
import { runCheck } from '../../kit/tools/check/framework.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { expectMutantFails, failed, makeMutant, skeletonAt } from '../helpers/mutants.ts';

const UNSHARE = "spec.ops.push(unshare(['CLONE_NEWUSER']));\n    spec.ops.push(wait_for_host('uid_map'));";

describe('check 6 (user namespace)', () => {
  it('passes on the reference solution', async () => {
    const r = await runCheck(check, { stepsDir: solutionsDir });
    expect(failed(r)).toEqual([]);
    expect(r.status).toBe('pass');
  });

  it('reports "not attempted" on the untouched skeleton, naming the TODO', async () => {
    const s = skeletonAt(6);
    try {
      const r = await runCheck(check, { stepsDir: s.dir });
      expect(r.status).toBe('not-attempted');
      expect(r.assertions[0].message).toMatch(/TODO "chown-home" in .*06-user\.ts:\d+/);
    } finally {
      s.dispose();
    }
  });

  const mutants: [string, string[], Parameters<typeof makeMutant>[1]][] = [
    ['no user namespace', ['userns', 'maps', 'uid-outside', 'root-only'], [{ file: '06-user.ts', find: UNSHARE, replace: '' }]],
    [
      'identity map (0 0 65536)',
      ['maps', 'uid-outside', 'root-only'],
      [{ file: '06-user.ts', find: /`0 \$\{base\} \$\{count\}\\n`/g, replace: '`0 0 ${count}\\n`' }],
    ],
    [
      'never becomes root inside',
      ['uid-outside', 'uid-inside', 'home-owner'],
      [{ file: '06-user.ts', find: 'spec.ops.push(setresgid(0, 0, 0));\n    spec.ops.push(setresuid(0, 0, 0));', replace: '' }],
    ],
    ['host groups kept', ['groups'], [{ file: '06-user.ts', find: 'spec.ops.push(setgroups([]));', replace: '' }]],
    [
      "/home not given to the container's root",
      ['home-owner'],
      [{ file: '06-user.ts', find: "spec.ops.push(chown('/home', ids.base, ids.base));", replace: '' }],
    ],
    [
      'hard-coded base 100000',
      ['maps', 'uid-outside', 'home-owner'],
      [
        {
          file: '06-user.ts',
          find: 'const ids = usernsOptions(ctx.options);',
          replace: 'const ids = usernsOptions({ ...ctx.options, uidBase: 100000 });',
        },
      ],
    ],
    // cheat: no namespace, just an unprivileged uid on the host
    [
      'cheat: setresuid to the base uid instead of a user namespace',
      ['userns', 'uid-inside'],
      [
        { file: '06-user.ts', find: UNSHARE, replace: '' },
        {
          file: '06-user.ts',
          find: 'spec.ops.push(setresgid(0, 0, 0));\n    spec.ops.push(setresuid(0, 0, 0));',
          replace: 'spec.ops.push(setresgid(ids.base, ids.base, ids.base));\n    spec.ops.push(setresuid(ids.base, ids.base, ids.base));',
        },
      ],
    ],
  ];

  for (const [name, mustFail, mutations] of mutants) {
    it(`fails on a mutant: ${name}`, async () => {
      await expectMutantFails(check, '06', mutations, { mustFail, page: /^\/steps\/06-user/, seen: true });
    });
  }
});
