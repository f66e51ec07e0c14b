// Check 7 passes on the reference, reports "not attempted" on the skeleton,
// and fails on typical mistakes and on shortcuts.

import { describe, expect, it } from 'vitest';
import check, { DOCUMENTED } from '../../checks/07-harden.ts';
import { runCheck } from '../../kit/tools/check/framework.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { KEEP } from '../../solutions/07-harden.ts';
import { expectMutantFails, failed, makeMutant, skeletonAt } from '../helpers/mutants.ts';

const NNP = "spec.ops.push(prctl('PR_SET_NO_NEW_PRIVS', 1, 0, 0));";
const SECCOMP = 'spec.ops.push(seccomp(denyList(DENY)));';

describe('check 7 (hardening)', () => {
  it("checks the set the page documents, which is the reference's", () => {
    expect([...KEEP].sort()).toEqual([...DOCUMENTED].sort());
  });

  it('passes on the reference solution', async () => {
    const r = await runCheck(check, { stepsDir: solutionsDir });
    expect(failed(r)).toEqual([]);
    expect(r.status).toBe('pass');
  });

  it('reports "not attempted" on the untouched skeleton, naming the TODO', async () => {
    const s = skeletonAt(7);
    try {
      const r = await runCheck(check, { stepsDir: s.dir });
      expect(r.status).toBe('not-attempted');
      expect(r.assertions[0].message).toMatch(/TODO "mask" in .*07-harden\.ts:\d+/);
    } finally {
      s.dispose();
    }
  });

  it('names seccomp and EACCES when the filter comes without no_new_privs', async () => {
    const m = makeMutant('07', [{ file: '07-harden.ts', find: NNP, replace: '' }]);
    try {
      const r = await runCheck(check, { stepsDir: m.dir });
      expect(r.status).toBe('error');
      expect(r.assertions[0].message).toMatch(/seccomp\(SECCOMP_SET_MODE_FILTER.*EACCES/);
    } finally {
      m.dispose();
    }
  });

  const mutants: [string, string[], Parameters<typeof makeMutant>[1]][] = [
    // no_new_privs keeps execve from raising the permitted set: only the bounding set shows it
    [
      'bounding set left whole',
      ['bounding', 'devices'],
      [{ file: '07-harden.ts', find: /for \(let cap = 0; cap <= lastCap\(\); cap\+\+\)[^\n]*\n/, replace: '' }],
    ],
    ['inheritable set kept', ['capsets'], [{ file: '07-harden.ts', find: 'capset(KEEP, KEEP, [])', replace: 'capset(KEEP, KEEP, KEEP)' }]],
    [
      'no seccomp filter (nor no_new_privs)',
      ['seccomp', 'blocked', 'no-new-privs'],
      [
        { file: '07-harden.ts', find: SECCOMP, replace: '' },
        { file: '07-harden.ts', find: NNP, replace: '' },
      ],
    ],
    // the check tries three of six at random: five missing fail it every time
    [
      'the keyring and namespace syscalls not on the deny list',
      ['blocked'],
      [
        { file: '07-harden.ts', find: "  'keyctl',\n  'add_key',\n  'request_key',\n", replace: '' },
        { file: '07-harden.ts', find: "  'unshare',\n  'setns',\n", replace: '' },
      ],
    ],
    [
      'filter returns ALLOW for a denied syscall',
      ['blocked'],
      [
        {
          file: '07-harden.ts',
          find: "const eperm = K('SECCOMP_RET_ERRNO') | K('EPERM');",
          replace: "const eperm = K('SECCOMP_RET_ALLOW');",
        },
      ],
    ],
    [
      'CAP_MKNOD kept and no user namespace',
      ['devices', 'bounding'],
      [
        { file: '07-harden.ts', find: "'CAP_SETFCAP',\n];", replace: "'CAP_SETFCAP', 'CAP_MKNOD',\n];" },
        {
          file: '06-user.ts',
          find: "spec.ops.push(unshare(['CLONE_NEWUSER']));\n    spec.ops.push(wait_for_host('uid_map'));",
          replace: '',
        },
      ],
    ],
    [
      '/proc/sys left writable',
      ['proc-sys'],
      [{ file: '07-harden.ts', find: /for \(const p of READONLY\.filter\(present\)\) \{[\s\S]*?\n    \}\n/, replace: '' }],
    ],
    [
      'nothing masked',
      ['masked'],
      [{ file: '07-harden.ts', find: /for \(const p of MASKED\.filter\(present\)\) \{[\s\S]*?\n    \}\n/, replace: '' }],
    ],
    // cheat: deny only what a student saw the probe try
    [
      'cheat: a deny-list of unshare alone',
      ['blocked'],
      [
        {
          file: '07-harden.ts',
          find: 'spec.ops.push(seccomp(denyList(DENY)));',
          replace: "spec.ops.push(seccomp(denyList(['unshare'])));",
        },
      ],
    ],
    // cheat: only what the probe looks at inside, CapEff, and not what execve recomputes from
    [
      'cheat: capset only (bounding and ambient left)',
      ['bounding', 'devices'],
      [
        { file: '07-harden.ts', find: /for \(let cap = 0; cap <= lastCap\(\); cap\+\+\)[^\n]*\n/, replace: '' },
        { file: '07-harden.ts', find: "spec.ops.push(prctl('PR_CAP_AMBIENT', 'PR_CAP_AMBIENT_CLEAR_ALL', 0, 0));", replace: '' },
      ],
    ],
  ];

  for (const [name, mustFail, mutations] of mutants) {
    it(`fails on a mutant: ${name}`, async () => {
      await expectMutantFails(check, '07', mutations, { mustFail, page: /^\/steps\/07-harden/, seen: true });
    });
  }
});
