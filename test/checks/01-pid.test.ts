// Check 1 passes on the reference, reports "not attempted" on the skeleton,
// and fails on typical mistakes.

import { afterAll, describe, expect, it } from 'vitest';
import check from '../../checks/01-pid.ts';
import { runCheck } from '../../kit/tools/check/framework.ts';
import { hostHostname } from '../../kit/host/namespaces.ts';
import { solutionsDir, stepsDir } from '../../kit/core/paths.ts';
import { expectCheatRefused, expectMutantFails, failed, makeMutant } from '../helpers/mutants.ts';

const hostname = hostHostname();
afterAll(() => expect(hostHostname()).toBe(hostname));

describe('check 1 (PID namespace)', () => {
  it('passes on the reference solution', async () => {
    const r = await runCheck(check, { stepsDir: solutionsDir });
    expect(failed(r)).toEqual([]);
    expect(r.status).toBe('pass');
    expect(r.score).toBe(r.maxScore);
  });

  it('reports "not attempted" on the untouched skeleton, naming the TODO', async () => {
    const r = await runCheck(check, { stepsDir });
    expect(r.status).toBe('not-attempted');
    expect(r.score).toBe(0);
    expect(r.assertions[0].message).toMatch(/TODO "namespaces" in steps\/01-pid\.ts:\d+/);
  });

  const mutants: [string, string[], Parameters<typeof makeMutant>[1]][] = [
    ['no CLONE_NEWPID', ['pid1', 'pidns'], [{ file: '01-pid.ts', find: "spec.cloneFlags.add('CLONE_NEWPID');", replace: '' }]],
    [
      '/proc not remounted',
      ['proc'],
      [{ file: '01-pid.ts', find: "spec.ops.push(mount('proc', '/proc', 'proc', ['MS_NOSUID', 'MS_NODEV', 'MS_NOEXEC']));", replace: '' }],
    ],
    // sethostname() before the UTS namespace exists renames the host
    [
      'hostname set without a UTS namespace',
      ['host-hostname', 'utsns'],
      [{ file: '01-pid.ts', find: "spec.cloneFlags.add('CLONE_NEWUTS');", replace: '' }],
    ],
    ['no CLONE_NEWIPC', ['ipcns'], [{ file: '01-pid.ts', find: "spec.cloneFlags.add('CLONE_NEWIPC');", replace: '' }]],
    [
      'hostname option ignored',
      ['hostname'],
      [{ file: '01-pid.ts', find: 'spec.ops.push(sethostname(hostname));', replace: "spec.ops.push(sethostname('container'));" }],
    ],
    // cheat: no sethostname(), the name the check asked for bind-mounted over /proc/sys/kernel/hostname
    // (on a tmpfs of the container's own); the probe must ask the kernel (uname), not read that file
    [
      'cheat: a file with the hostname mounted over /proc/sys/kernel/hostname',
      ['hostname'],
      [
        { file: '01-pid.ts', find: 'import { mount, sethostname,', replace: 'import { mount, sethostname, write_file,' },
        {
          file: '01-pid.ts',
          find: 'spec.ops.push(sethostname(hostname));',
          replace:
            "void sethostname;\n    spec.ops.push(mount('tmpfs', '/mnt', 'tmpfs', []), write_file('/mnt/hostname', `${hostname}\\n`), mount('/mnt/hostname', '/proc/sys/kernel/hostname', null, ['MS_BIND']));",
        },
      ],
    ],
  ];

  it("refuses a mutant without CLONE_NEWNS before it touches the host's mounts", async () => {
    const m = makeMutant('01', [{ file: '01-pid.ts', find: "spec.cloneFlags.add('CLONE_NEWNS');", replace: '' }]);
    try {
      const r = await runCheck(check, { stepsDir: m.dir });
      expect(r.status).toBe('error');
      expect(r.score).toBe(0);
      expect(r.assertions[0].message).toMatch(
        /Refusing to run mount\(NULL, "\/", NULL, MS_REC \| MS_PRIVATE, NULL\) \(.*01-pid\.ts:\d+\) without a mount namespace/,
      );
      expect(r.assertions[0].page).toBe('/steps/01-pid#its-own-proc');
    } finally {
      m.dispose();
    }
  });

  for (const [name, mustFail, mutations] of mutants) {
    it(`fails on a mutant: ${name}`, async () => {
      try {
        await expectMutantFails(check, '01', mutations, { mustFail, page: /^\/steps\/01-pid/ });
      } finally {
        expect(hostHostname()).toBe(hostname);
      }
    });
  }

  // cheat: step 1 had no shortcut, but the import rule holds for every step
  it('refuses a cheat: a deep import past the student API', async () => {
    await expectCheatRefused(
      check,
      '01',
      [
        {
          file: '01-pid.ts',
          find: "} from '../kit/student.ts';",
          replace: "} from '../kit/student.ts';\nimport { sethostname as set } from '../kit/core/ops.ts';\nvoid set;",
        },
      ],
      /\.\.\/kit\/core\/ops\.ts/,
    );
  });
});
