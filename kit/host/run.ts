// A container's whole life on this host: the core's lifecycle
// (kit/core/lifecycle.ts) given the host's part of it, the one place that
// binds them. Every kind's reclaimer (./reclaim.ts), the failed host commands
// the kit can explain (./host-command.ts) and the image locks a run held
// (./image/lock.ts).

import * as lifecycle from '../core/lifecycle.ts';
import type { ExitStatus } from '../core/reaper.ts';
import type { RunContext } from '../core/types.ts';
import { explainHostCommand } from './host-command.ts';
import { releaseLocksOfRun } from './image/lock.ts';
import { reclaimers } from './reclaim.ts';

export const hostHooks: lifecycle.HostHooks = {
  reclaimers,
  explain: explainHostCommand,
  afterTeardown: releaseLocksOfRun,
};

/** What starting a container takes, the host's hooks aside. */
export type StartOptions = Omit<lifecycle.StartOptions, 'host'>;
export type { RunningContainer } from '../core/lifecycle.ts';

/** Start the container made of `steps`; see kit/core/lifecycle.ts's startContainer. */
export const startContainer = (start: StartOptions): Promise<lifecycle.RunningContainer> =>
  lifecycle.startContainer({ ...start, host: hostHooks });

/** start + wait + teardown: the whole life of one container. */
export const runContainer = (start: StartOptions): Promise<{ status: ExitStatus; ctx: RunContext }> =>
  lifecycle.runContainer({ ...start, host: hostHooks });
