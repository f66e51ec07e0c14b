// Step 6's options (a tool, like cgroupOptions): which host uids and gids the
// container's 0..65535 stand for. --uid-base N (default 100000, as Docker's
// dockremap and /etc/subuid's first range), always 65536 ids. Declared here,
// where it is read; step 6 lists it in its `options`.

import { KitError } from '../core/errors.ts';
import type { RunOptions, StepOptions } from '../core/types.ts';

export const USERNS_OPTIONS = {
  uidBase: { type: 'integer', default: 100000, placeholder: 'N', help: 'host uid and gid of root inside the user namespace' },
} as const satisfies StepOptions;
/** how many ids the container gets: 0..65535 inside, as a normal system expects */
export const USERNS_SIZE = 65536;

export interface UsernsOptions {
  /** host uid (and gid) of root inside */
  base: number;
  /** ids mapped, from 0 inside */
  count: number;
}

export function usernsOptions(options: RunOptions): UsernsOptions {
  const base = options.uidBase ?? USERNS_OPTIONS.uidBase.default;
  const max = 2 ** 32 - 1 - USERNS_SIZE;
  if (!Number.isInteger(base) || base < 1 || base > max) {
    throw new KitError(`--uid-base must be a whole number from 1 to ${max} (the host uid of root inside); got ${base}.`, {
      hint: `Leave it out for ${USERNS_OPTIONS.uidBase.default}, or pick a range no user of this machine has, e.g. --uid-base 200000.`,
      page: '/steps/06-user#uid-map',
      exitCode: 2,
    });
  }
  return { base, count: USERNS_SIZE };
}
