// `npm run clean`: reclaim what killed runs left behind (their ledgers).

import { ensureLinux, ensureRoot } from './privileges.ts';
import { reclaimOrphans } from './common.ts';
import type { Command } from './command-type.ts';
import { say } from './output.ts';

export const cleanCommand: Command = {
  usage: `usage: npm run clean

Reads the ledgers of runs whose process is gone (state/runs/) and removes,
newest first, every mount, loop device, veth, network namespace, cgroup and
process they recorded, listing each one.`,
  async run() {
    ensureLinux();
    ensureRoot();
    const n = await reclaimOrphans(true);
    say(n ? `removed ${n} leftover resource(s)` : 'nothing to clean');
    return 0;
  },
};
