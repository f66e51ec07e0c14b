// Per-run names, so that two containers can run at once and a leftover can be
// traced to its run. Interface names must fit IFNAMSIZ: 15 characters + NUL.

export const IFNAMSIZ = 16;

export interface NetNames {
  /** name under /run/netns, for `ip -n NAME` */
  netns: string;
  /** the veth end that stays on the host */
  hostIf: string;
  /** the veth end moved into the container */
  containerIf: string;
}

export function netNames(runId: string): NetNames {
  const id = runId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 12);
  if (!id) throw new Error(`run id ${JSON.stringify(runId)} has no usable characters`);
  return { netns: `cw-${id}`, hostIf: `cw${id}h`, containerIf: `cw${id}c` };
}

/** Every name the kit ever gives, for spotting leftovers (`npm run clean`, checks). */
export const KIT_IF_NAME = /^cw[a-zA-Z0-9]{1,12}[hc]$/;
export const KIT_NETNS_NAME = /^cw-[a-zA-Z0-9]{1,12}$/;
