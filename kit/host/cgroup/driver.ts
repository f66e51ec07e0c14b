// createCgroup: the one entry point. Detects the machine's layout and hands
// the work to the v2 driver (unified machines) or the v1 driver (v1 and
// hybrid machines), so the caller's code is the same everywhere.

import type { Ledger } from '../../core/ledger.ts';
import { KitError } from '../../core/errors.ts';
import { detectLayout, type CgroupLayout } from './detect.ts';
import { CGROUP_PAGE } from './errors.ts';
import { realHost, type CgroupHost } from './host.ts';
import { v1LimitWrites, v2LimitWrites, validateLimits } from './limits.ts';
import type { Cgroup, CgroupLimits } from './types.ts';
import { KIT_PARENT } from './tree.ts';
import { createV1 } from './v1.ts';
import { createV2 } from './v2.ts';

export interface CreateOptions {
  /** the machine (tests pass a fixture tree) */
  host?: CgroupHost;
  /** where the hierarchies are (default /sys/fs/cgroup) */
  root?: string;
  /** skip detection */
  layout?: CgroupLayout;
  /**
   * The directory the cgroup goes below on each hierarchy: the kit's parent
   * (KIT_PARENT) unless told; '' puts it at the hierarchy's root, where it
   * competes for the CPUs with the machine's other top-level groups on its own
   * weight (the grader's jails, one per grading child).
   */
  parent?: string;
}

const NAME = /^[A-Za-z0-9][\w.-]*$/;

/**
 * Create the cgroup `name` (it should carry the run id) below the kit's
 * parent directory on every hierarchy needed, with `limits` applied.
 * Recorded in the ledger before anything is made.
 */
export async function createCgroup(ledger: Ledger, name: string, limits: CgroupLimits = {}, opts: CreateOptions = {}): Promise<Cgroup> {
  if (!NAME.test(name) || name.length > 64) {
    throw new KitError(`${JSON.stringify(name)} is not a usable cgroup name.`, {
      hint: 'Use letters, digits, dot, dash and underscore, e.g. `run-${ctx.runId}`.',
      page: `${CGROUP_PAGE}#one-cgroup-per-run`,
    });
  }
  validateLimits(limits);
  const host = opts.host ?? realHost;
  const layout = opts.layout ?? detectLayout(host, opts.root);
  const v2 = layout.kind === 'v2';
  const parent = opts.parent ?? KIT_PARENT;
  const cg = v2 ? createV2(host, layout, ledger, name, limits, parent) : createV1(host, layout, ledger, name, limits, parent);
  try {
    cg.applyLimits(v2 ? v2LimitWrites(limits) : v1LimitWrites(limits));
  } catch (err) {
    await cg.remove().catch(() => undefined);
    throw err;
  }
  return cg;
}
