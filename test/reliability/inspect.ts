// Looking at a running container from the host, feature by feature, so that
// the same checks cover whatever steps exist: its own namespaces, a /home on
// a loop device (step 2), an address the host can reach (step 3), a cgroup of
// its own (step 4).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { namespaceId } from '../../kit/host/proc.ts';

export interface ContainerView {
  pid: number;
  namespaces: Record<string, string | undefined>;
  /** source of the /home mount (a /dev/loopN), if it has one */
  homeDevice?: string;
  /** its IPv4 address and the host end it routes through, if it has its own network */
  address?: string;
  gateway?: string;
  /** the cgroup paths of its first process that carry a "cw-" name */
  cgroups: string[];
}

/** The host pid of the process whose command line is exactly `cmdline` (words joined by spaces). */
export function findProcess(cmdline: string): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') === cmdline) return Number(entry);
    } catch {
      // gone
    }
  }
  return undefined;
}

const inNetns = (pid: number, argv: string[]) =>
  spawnSync('nsenter', ['-t', String(pid), '-n', ...argv], { encoding: 'utf8', timeout: 10_000 });

export function inspectContainer(pid: number): ContainerView {
  const namespaces = Object.fromEntries(['pid', 'mnt', 'uts', 'ipc', 'net', 'cgroup'].map((ns) => [ns, namespaceId(pid, ns)]));
  const home = fs
    .readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .find((f) => f[4] === '/home');
  const view: ContainerView = { pid, namespaces, cgroups: [] };
  if (home) view.homeDevice = home[home.indexOf('-') + 2];
  if (namespaces.net !== namespaceId('self', 'net')) {
    const addr = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(inNetns(pid, ['ip', '-4', '-o', 'addr', 'show', 'scope', 'global']).stdout);
    const via = /via (\d+\.\d+\.\d+\.\d+)/.exec(inNetns(pid, ['ip', '-4', 'route', 'show', 'default']).stdout);
    view.address = addr?.[1];
    view.gateway = via?.[1];
  }
  view.cgroups = fs
    .readFileSync(`/proc/${pid}/cgroup`, 'utf8')
    .split('\n')
    .filter((l) => /\/cw-/.test(l));
  return view;
}

/** One ping from the host to the container, and one from the container to its gateway (the host end). */
export function reachable(view: ContainerView): { hostToContainer: boolean; containerToHost: boolean } {
  const hostToContainer =
    view.address !== undefined && spawnSync('busybox', ['ping', '-c', '1', '-W', '3', view.address], { timeout: 10_000 }).status === 0;
  const containerToHost =
    view.gateway !== undefined && inNetns(view.pid, ['busybox', 'ping', '-c', '1', '-W', '3', view.gateway]).status === 0;
  return { hostToContainer, containerToHost };
}
