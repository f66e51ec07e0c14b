// Step 6 (beyond the lab): a user namespace, so that root inside the
// container is an ordinary, unprivileged uid on the host.
//
// Steps 1 to 5 run the container as the host's real root: one mistake in a
// mount and it is the host's problem. A user namespace maps ids: uid 0 inside
// stands for uid 100000 outside (--uid-base), and the kernel checks every
// permission with the outside uid. Root inside keeps its capabilities, but
// only over what its namespace owns.
//
// The order matters. The mount namespace of steps 1 and 2 must belong to the
// host's user namespace, or mounting the ext4 /home (a block device) and
// pivot_root would be refused; so the container does all its mounts first,
// as the host's root, and enters the user namespace last, with unshare(). The
// host writes the maps while the child waits (only the parent namespace's
// root may map a range of ids), then the child becomes root of the new one.
// The theory: site/theory/namespaces.md; the task: site/steps/06-user.md.

import fs from 'node:fs';
import {
  chown,
  need,
  setgroups,
  setresgid,
  setresuid,
  todo,
  unshare,
  USERNS_OPTIONS,
  usernsOptions,
  wait_for_host,
  type StepDefinition,
} from '../kit/student.ts';

const step: StepDefinition = {
  id: 6,
  name: 'user',
  title: 'User namespace: root inside, an unprivileged uid outside',
  page: '/steps/06-user',
  // --uid-base: read by usernsOptions, declared next to it
  options: USERNS_OPTIONS,

  configure(ctx, spec) {
    // --uid-base N: root inside is uid (and gid) N outside, 65536 ids from there
    const ids = usernsOptions(ctx.options);
    ctx.facts.userns = ids;

    // Still the host's root here, after step 2's mounts: the last moment to
    // give /home (the ext4 image, mounted by step 2) to the container's root.
    todo("chown-home", "Give the root folder of /home (the image) to the host uid and gid that root inside will be (ids.base), so that root inside may write there.");

    todo("unshare", "Now that every mount is done, move the child into a new user namespace (unshare), then let the host write its maps: wait_for_host('uid_map').");

    todo("become-root", "The child is still the host's uid 0, which the new namespace does not map: drop the host's supplementary groups, then become gid 0 and uid 0 of the namespace (real, effective and saved).");
  },

  whileChildWaits(ctx, child, label) {
    if (label !== 'uid_map') return;
    const { base, count } = need(ctx, 'userns');
    // The child waits in its new user namespace. Each map line is
    // "ID-INSIDE ID-OUTSIDE COUNT", written once, by a process with
    // CAP_SETUID (CAP_SETGID) in the parent namespace: the kit, as root.
    todo("maps", "Map uid 0..count-1 inside to base.. outside (/proc/PID/uid_map), and the same for the groups (/proc/PID/gid_map).");
  },
};

export default step;
