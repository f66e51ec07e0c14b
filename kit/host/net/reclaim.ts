// Removing what step 3 creates. Used by the normal teardown and, through the
// ledger, by `npm run clean` after a killed run. Idempotent: each resource may
// be half made or already gone.

import { KitError } from '../../core/errors.ts';
import type { Reclaimer, ResourceKind } from '../../core/ledger.ts';
import { hostHasLink, netnsNameExists } from './host.ts';
import { run as exec } from '../../core/shell.ts';
import { NET_PAGE } from './ip.ts';

/** `ip netns delete NAME`: umount2(/run/netns/NAME, MNT_DETACH) + unlink. The namespace itself lives on while a process is in it. */
export async function removeNetnsName(name: string): Promise<void> {
  if (!netnsNameExists(name)) return;
  const r = await exec('ip', ['netns', 'delete', name]);
  if (r.code !== 0 && netnsNameExists(name)) {
    throw new KitError(`could not remove the named network namespace /run/netns/${name}: ${r.stderr.trim()}`, {
      hint: `Try \`ip netns delete ${name}\` as root.`,
      page: `${NET_PAGE}#common-errors`,
    });
  }
}

/** `ip link delete NAME`: deleting either end of a veth deletes the pair. */
export async function deleteLink(name: string): Promise<void> {
  if (!hostHasLink(name)) return;
  const r = await exec('ip', ['link', 'delete', name]);
  // it may have vanished in between, with its namespace
  if (r.code !== 0 && hostHasLink(name)) {
    throw new KitError(`could not delete the interface ${name}: ${r.stderr.trim()}`, {
      hint: `Try \`ip link delete ${name}\` as root.`,
      page: `${NET_PAGE}#common-errors`,
    });
  }
}

export const reclaimers: Partial<Record<ResourceKind, Reclaimer>> = {
  netns: async (e) => {
    if (e.kind === 'netns') await removeNetnsName(e.name);
  },
  veth: async (e) => {
    if (e.kind === 'veth') await deleteLink(e.name);
  },
};
