// The kit's running containers, from the ledgers in state/runs/: which run,
// which step, which pid, which namespaces. For `npm run ps` and `npm run exec`.

import { readLedgers, type ContainerNote } from '../core/ledger.ts';
import { namespaceId, processStartTime } from './proc.ts';

/** Namespace files in /proc/PID/ns, in the order `exec` joins them (see joinOrder). */
export const NAMESPACES = ['ipc', 'uts', 'net', 'cgroup', 'pid', 'mnt', 'user'] as const;
export type NamespaceName = (typeof NAMESPACES)[number];

export interface RunningRun {
  runId: string;
  ownerPid: number;
  createdAt: string;
  container: ContainerNote;
  /** namespace -> its id ("pid:[4026532...]"), only those that differ from the kit's own */
  namespaces: Partial<Record<NamespaceName, string>>;
}

/** Every run whose container still runs, newest first. */
export function runningContainers(runsDir: string): RunningRun[] {
  const out: RunningRun[] = [];
  for (const data of readLedgers(runsDir)) {
    const c = data.container;
    if (!c || processStartTime(c.pid) !== c.startTime) continue; // gone, or its pid reused
    const namespaces: RunningRun['namespaces'] = {};
    for (const ns of NAMESPACES) {
      const id = namespaceId(c.pid, ns);
      if (id !== undefined && id !== namespaceId('self', ns)) namespaces[ns] = id;
    }
    out.push({ runId: data.runId, ownerPid: data.ownerPid, createdAt: data.createdAt, container: c, namespaces });
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
