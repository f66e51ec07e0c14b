// Step 3: a network namespace of its own, connected to the host by a veth pair.
//
// With CLONE_NEWNET the container starts on an island: a loopback interface,
// down, and nothing else. While the child waits on its sync pipe, the host
// builds a virtual cable (a veth pair), puts one end into the child's
// namespace, gives both ends an address from a small per-run subnet, brings
// everything up and gives the container a default route via the host's end.
// The theory: site/theory/veth.md; the task: site/steps/03-net.md.

import {
  allocateNetwork,
  connectNetwork,
  disconnectNetwork,
  ip,
  NET_OPTIONS,
  netFacts,
  todo,
  type IpCommand,
  type StepDefinition,
} from '../kit/student.ts';

const step: StepDefinition = {
  id: 3,
  name: 'net',
  title: 'Network namespace: a veth pair to the host',
  page: '/steps/03-net',
  // --subnet-pool, --subnet-prefix, --ip-mode: read by allocateNetwork, declared next to it
  options: NET_OPTIONS,

  async prepare(ctx) {
    // Per-run names (cw<run>h, cw<run>c, cw-<run>) and a /30 subnet that no
    // route of the host and no other run uses: ctx.facts.net.
    await allocateNetwork(ctx);
  },

  configure(ctx, spec) {
    // @todo netns: Ask clone() for a new network namespace.
    spec.cloneFlags.add('CLONE_NEWNET');
    // @end
  },

  async setup(ctx, child) {
    // The child is paused: its namespace exists, its command has not started.
    const { netns, hostIf, containerIf, hostAddress, containerAddress, prefix } = netFacts(ctx);
    const pid = child.pid;
    // Each entry is one `ip ...` command line, exactly as you would type it
    // after `ip`; `-n NAME` in front runs it inside the namespace NAME.
    const commands: IpCommand[] = [];

    // @todo veth: Create the veth pair hostIf <-> containerIf with the containerIf end in the child's network namespace (ip link add ... type veth peer name ... netns PID), then name that namespace netns (ip netns attach NAME PID).
    commands.push(
      // = `link add H type veth peer name C` + `link set C netns PID`, minus the
      // slow move (the page explains why moving costs ~25 ms)
      ip`link add ${hostIf} type veth peer name ${containerIf} netns ${pid}`,
      // bind-mounts /proc/PID/ns/net on /run/netns/NAME, so `ip -n NAME` works
      ip`netns attach ${netns} ${pid}`,
    );
    // @end

    // @todo host-end: Give the host end (hostIf) the address hostAddress/prefix and bring it up.
    commands.push(ip`addr add ${hostAddress}/${prefix} dev ${hostIf}`, ip`link set ${hostIf} up`);
    // @end

    // @todo container-end: Inside the namespace (ip -n NAME ...): give containerIf the address containerAddress/prefix, bring it and lo up, and add a default route via hostAddress.
    commands.push(
      ip`-n ${netns} addr add ${containerAddress}/${prefix} dev ${containerIf}`,
      ip`-n ${netns} link set ${containerIf} up`,
      ip`-n ${netns} link set lo up`,
      ip`-n ${netns} route add default via ${hostAddress}`,
    );
    // @end

    // Records the veth and the name in the run's ledger, then runs the
    // commands: one `ip -batch` for the host's, one `ip -n NAME -batch` for
    // the namespace's.
    await connectNetwork(ctx, pid, commands);
  },

  async teardown(ctx) {
    // Removes the name (umount + rm); the veth dies with the namespace, which
    // the kit verifies; the subnet goes back to the pool.
    await disconnectNetwork(ctx);
  },
};

export default step;
