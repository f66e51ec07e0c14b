// The ip commands that connect a paused child's network namespace to the host,
// one builder per idea of the lesson. Each returns the command; nothing runs
// until runIp() (ip.ts) gets the list.

import { ip, type IpCommand } from './ip.ts';

/**
 * `ip link add H type veth peer name C`: two linked interfaces, both on the host.
 * With a pid, `... peer name C netns PID` creates C directly in that process's
 * namespace: the same result as creating then moving it, minus the move.
 */
export const createVethPair = (hostIf: string, containerIf: string, peerPid?: number): IpCommand =>
  peerPid === undefined
    ? ip`link add ${hostIf} type veth peer name ${containerIf}`
    : ip`link add ${hostIf} type veth peer name ${containerIf} netns ${peerPid}`;

/**
 * `ip link set C netns PID`: move an interface into the namespace of process PID
 * (it loses its addresses and goes down). Slow: the kernel waits for an RCU
 * grace period (synchronize_net) while unregistering it from the old
 * namespace, about 25 ms on the course machine, most of step 3's setup time.
 */
export const moveToNetns = (ifname: string, pid: number): IpCommand => ip`link set ${ifname} netns ${pid}`;

/**
 * `ip netns attach NAME PID`: the "persistent namespace" trick. It creates the
 * empty file /run/netns/NAME and bind-mounts /proc/PID/ns/net onto it, which is
 * what `mount --bind /proc/PID/ns/net /run/netns/NAME` does by hand; from then
 * on `ip -n NAME ...` can enter the namespace by name (open + setns).
 */
export const nameNetns = (name: string, pid: number): IpCommand => ip`netns attach ${name} ${pid}`;

/** `ip [-n NS] addr add A/P dev D` */
export const addAddress = (dev: string, address: string, prefix: number, netns?: string): IpCommand =>
  netns ? ip`-n ${netns} addr add ${address}/${prefix} dev ${dev}` : ip`addr add ${address}/${prefix} dev ${dev}`;

/** `ip [-n NS] link set D up` */
export const linkUp = (dev: string, netns?: string): IpCommand => (netns ? ip`-n ${netns} link set ${dev} up` : ip`link set ${dev} up`);

/** `ip -n NS route add default via GW`: everything not on the pair goes to the host end. */
export const defaultRoute = (via: string, netns: string): IpCommand => ip`-n ${netns} route add default via ${via}`;

/** The names and addresses of one run's pair (ctx.facts.net). */
export interface NetPlan {
  netns: string;
  hostIf: string;
  containerIf: string;
  subnet: string;
  prefix: number;
  hostAddress: string;
  containerAddress: string;
}

export interface SequenceOptions {
  /** create the pair on the host, then `link set C netns PID` (the lecture's order; ~25 ms slower) */
  separateMove?: boolean;
}

/** The whole sequence, in the order the lesson explains it. */
export function setupCommands(net: NetPlan, pid: number, o: SequenceOptions = {}): IpCommand[] {
  return [
    ...(o.separateMove
      ? [createVethPair(net.hostIf, net.containerIf), moveToNetns(net.containerIf, pid)]
      : [createVethPair(net.hostIf, net.containerIf, pid)]),
    nameNetns(net.netns, pid),
    addAddress(net.hostIf, net.hostAddress, net.prefix),
    linkUp(net.hostIf),
    addAddress(net.containerIf, net.containerAddress, net.prefix, net.netns),
    linkUp(net.containerIf, net.netns),
    linkUp('lo', net.netns),
    defaultRoute(net.hostAddress, net.netns),
  ];
}
