// /proc/PID/cgroup parsing and the membership test the check uses; the usage line.

import { describe, expect, it } from 'vitest';
import { missingMemberships, parseProcCgroup } from '../../kit/host/cgroup/membership.ts';
import { formatUsage } from '../../kit/host/cgroup/report.ts';
import type { Cgroup } from '../../kit/host/cgroup/types.ts';

const HYBRID = `9:name=systemd:/
8:pids:/container-workshop/run-1
4:memory:/container-workshop/run-1
2:cpuacct:/container-workshop/run-1
1:cpu,cpuset:/
0::/user.slice
`;

const fake = (driver: 'v1' | 'v2', controllers: string[]) =>
  ({ driver, controllers, procPath: () => '/container-workshop/run-1' }) as unknown as Cgroup;

describe('/proc/PID/cgroup', () => {
  it('splits v1 controller lines and the unified line', () => {
    expect(parseProcCgroup(HYBRID)).toEqual({
      unified: '/user.slice',
      v1: {
        pids: '/container-workshop/run-1',
        memory: '/container-workshop/run-1',
        cpuacct: '/container-workshop/run-1',
        cpu: '/',
        cpuset: '/',
      },
    });
    expect(parseProcCgroup('0::/container-workshop/run-1\n')).toEqual({ unified: '/container-workshop/run-1', v1: {} });
  });

  it("names the hierarchies a process did not join (v1), ignoring systemd's unified line on hybrid", () => {
    const seen = parseProcCgroup(HYBRID);
    expect(missingMemberships(fake('v1', ['memory', 'cpu', 'cpuacct', 'pids']), 1, seen)).toEqual(['cpu']);
    expect(missingMemberships(fake('v2', ['cpu', 'memory', 'pids']), 1, seen)).toEqual(['cpu', 'memory', 'pids']);
    expect(missingMemberships(fake('v2', ['cpu']), 1, parseProcCgroup('0::/container-workshop/run-1'))).toEqual([]);
    expect(missingMemberships(fake('v2', ['cpu']), 1, undefined)).toEqual(['cpu']);
  });
});

describe('usage report', () => {
  it('reads like a sentence', () => {
    expect(formatUsage({ cpuUsec: 1_234_567, memoryPeakBytes: 3 * 2 ** 20, oomKills: 1 })).toBe(
      'CPU time 1.23 s, peak memory 3 MiB, 1 OOM kill',
    );
    expect(formatUsage({ cpuUsec: 0, oomKills: 2 })).toBe('CPU time 0.00 s, peak memory not tracked by this kernel, 2 OOM kills');
  });
});
