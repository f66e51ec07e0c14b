// Check 3 passes on the reference, reports "not attempted" on the untouched
// skeleton, and fails on typical mistakes, leaving the host's network as it was.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import check from '../../checks/03-net.ts';
import { runCheck } from '../../kit/tools/check/framework.ts';
import { hostLinks } from '../../kit/host/net/host.ts';
import { KIT_IF_NAME } from '../../kit/host/net/names.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { expectCheatRefused, expectMutantFails, failed, makeMutant, skeletonAt } from '../helpers/mutants.ts';

// Other tests may create veths and named namespaces at the same time: what
// this file's runs leave is the check's own 'no-leftovers' assertion; here,
// nothing the host had may be gone, and no kit name may stay for long.
let links: string[];
beforeAll(() => {
  links = hostLinks();
});
const hostAsBefore = () => {
  const now = hostLinks();
  expect(links.filter((l) => !KIT_IF_NAME.test(l) && !now.includes(l))).toEqual([]);
};
afterAll(hostAsBefore);

describe('check 3 (network namespace)', () => {
  it('passes on the reference solution', async () => {
    const r = await runCheck(check, { stepsDir: solutionsDir });
    expect(r.assertions.filter((a) => a.status !== 'pass')).toEqual([]);
    expect(r.status).toBe('pass');
    expect(r.score).toBe(r.maxScore);
    hostAsBefore();
  });

  it('reports "not attempted" on the untouched skeleton, naming the TODO', async () => {
    const s = skeletonAt(3);
    try {
      const r = await runCheck(check, { stepsDir: s.dir });
      expect(r.status).toBe('not-attempted');
      expect(r.score).toBe(0);
      expect(r.assertions[0].message).toMatch(/TODO "netns"/);
    } finally {
      s.dispose();
    }
    hostAsBefore();
  });

  const f = '03-net.ts';
  const mutants: [string, string[], Parameters<typeof makeMutant>[1]][] = [
    // the kit refuses to run ip commands that would reconfigure the host
    ['no CLONE_NEWNET', ['setup', 'netns'], [{ file: f, find: "spec.cloneFlags.add('CLONE_NEWNET');", replace: '' }]],
    // the container end stays on the host: `ip -n NS ... dev C` cannot find it
    [
      'veth end not moved into the namespace',
      ['setup', 'links'],
      [{ file: f, find: 'peer name ${containerIf} netns ${pid}`', replace: 'peer name ${containerIf}`' }],
    ],
    [
      'no address on the container end',
      ['setup', 'address', 'tcp-in'],
      [{ file: f, find: 'ip`-n ${netns} addr add ${containerAddress}/${prefix} dev ${containerIf}`,', replace: '' }],
    ],
    ['container end left down', ['setup', 'address'], [{ file: f, find: 'ip`-n ${netns} link set ${containerIf} up`,', replace: '' }]],
    ['host end left down', ['host-end', 'tcp-in', 'tcp-out'], [{ file: f, find: ', ip`link set ${hostIf} up`);', replace: ');' }]],
    ['lo left down', ['lo'], [{ file: f, find: 'ip`-n ${netns} link set lo up`,', replace: '' }]],
    [
      'hard-coded addresses',
      ['address', 'route'],
      [
        {
          file: f,
          find: 'addr add ${containerAddress}/${prefix} dev ${containerIf}',
          replace: "addr add ${'10.199.0.2'}/${prefix} dev ${containerIf}",
        },
        { file: f, find: 'route add default via ${hostAddress}', replace: "route add default via ${'10.199.0.1'}" },
      ],
    ],
  ];

  for (const [name, mustFail, mutations] of mutants) {
    it(`fails on a mutant: ${name}`, async () => {
      const r = await expectMutantFails(check, '03', mutations, { mustFail, page: /^\/steps\/03-net/ });
      // whatever went wrong, nothing is left on the host
      expect(failed(r)).not.toContain('no-leftovers');
      expect(failed(r)).not.toContain('host-unchanged');
      hostAsBefore();
    });
  }

  // cheats: the former shortcuts. connectNetwork without a command list used to
  // run the reference sequence; now it refuses. The reference list itself is
  // out of reach of a step file.
  it("fails on a cheat: connectNetwork without the student's commands", async () => {
    const m = makeMutant('03', [
      {
        file: f,
        find: '    await connectNetwork(ctx, pid, commands);',
        replace: '    await (connectNetwork as (c: typeof ctx, p: number) => Promise<unknown>)(ctx, pid);',
      },
    ]);
    try {
      const r = await runCheck(check, { stepsDir: m.dir });
      expect(r.status).not.toBe('pass');
      expect(r.score).toBe(0);
      expect(JSON.stringify(r.assertions)).toMatch(/got no `ip` commands/);
    } finally {
      m.dispose();
    }
    hostAsBefore();
  });
  it('refuses a cheat: the reference commands through kit/host/net/commands.ts', async () => {
    await expectCheatRefused(
      check,
      '03',
      [
        {
          file: f,
          find: "} from '../kit/student.ts';",
          replace: "} from '../kit/student.ts';\nimport { setupCommands } from '../kit/host/net/commands.ts';",
        },
        {
          file: f,
          find: '    await connectNetwork(ctx, pid, commands);',
          replace: '    await connectNetwork(ctx, pid, setupCommands(netFacts(ctx), pid));',
        },
      ],
      /\.\.\/kit\/host\/net\/commands\.ts/,
    );
    hostAsBefore();
  });
});
