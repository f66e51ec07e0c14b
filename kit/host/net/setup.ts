// Step 3's network, end to end, for the kit and the reference solution:
//   allocate (prepare: names + a free subnet, leased)
//   connect  (setup: the child is paused; veth pair, netns name, addresses, route)
//   disconnect (teardown: name removed, veth verified gone, subnet released)
// Every resource is in the ledger before it exists.

import { KitError } from '../../core/errors.ts';
import type { RunContext, StepOptions } from '../../core/types.ts';
import { namespaceId } from '../proc.ts';
import type { NetPlan } from './commands.ts';
import { hostHasLink, hostOccupiedNetworks, waitFor } from './host.ts';
import { formatCidr } from './ipv4.ts';
import { IpCommandError, NET_PAGE, runIp, type IpCommand, type IpMode } from './ip.ts';
import { leaseClaimer, leasePath, leasesDir, releaseLease } from './lease.ts';
import { netNames } from './names.ts';
import { deleteLink, removeNetnsName } from './reclaim.ts';
import { DEFAULT_POOL, DEFAULT_PREFIX, parsePoolOptions, pickSubnet, planAddresses } from './subnet.ts';

/** What the run knows about its network: `ctx.facts.net`. */
export interface NetFacts extends NetPlan {
  /** the subnet's lock file (a ledger 'path') */
  lease: string;
  allocateMs: number;
  /** filled by connect */
  pid?: number;
  /** /proc/PID/ns/net of the container, e.g. 'net:[4026532246]' */
  netnsId?: string;
  setupMs?: number;
  ipProcesses?: number;
  ipMode?: IpMode;
  /** filled by disconnect: did the veth vanish on its own once the namespace died? */
  vethDiedWithNamespace?: boolean;
}

export interface NetworkOptions {
  /** pool to take the subnet from (default 10.200.0.0/16); CLI --subnet-pool */
  pool?: string;
  /** prefix length of the per-run subnet (default 30); CLI --subnet-prefix */
  prefix?: number;
  /** 'batch' (default): one `ip -batch` per namespace; 'each': one process per command; CLI --ip-mode */
  mode?: IpMode;
}

/** Step 3's options, read here (networkOptions); step 3 lists them in its `options`. */
export const NET_OPTIONS = {
  subnetPool: { type: 'string', default: DEFAULT_POOL, placeholder: 'CIDR', help: "where the veth pair's subnet comes from" },
  subnetPrefix: { type: 'integer', default: DEFAULT_PREFIX, help: "size of each container's subnet (prefix length)" },
  ipMode: { type: 'enum', values: ['batch', 'each'], default: 'batch', help: 'one `ip -batch` per namespace, or one `ip` per command' },
} as const satisfies StepOptions;

/** The step's options, typed (undefined: parsePoolOptions' defaults). */
export function networkOptions(ctx: RunContext): NetworkOptions {
  const { subnetPool: pool, subnetPrefix: prefix, ipMode: mode = NET_OPTIONS.ipMode.default } = ctx.options;
  if (mode !== 'batch' && mode !== 'each') throw new KitError(`--ip-mode ${String(mode)}: expected 'batch' or 'each'`, { page: NET_PAGE });
  return { pool, prefix, mode };
}

export function netFacts(ctx: RunContext): NetFacts {
  const net = ctx.facts.net;
  if (!net) throw new KitError('the network was not allocated: allocateNetwork(ctx) must run in prepare, before setup', { page: NET_PAGE });
  return net;
}

/** Prepare: per-run names and a subnet no route, address or concurrent run uses. */
export async function allocateNetwork(ctx: RunContext, opts: NetworkOptions = networkOptions(ctx)): Promise<NetFacts> {
  const t0 = performance.now();
  let parsed: ReturnType<typeof parsePoolOptions>;
  try {
    parsed = parsePoolOptions(opts.pool, opts.prefix);
  } catch (err) {
    throw new KitError(`bad subnet option: ${(err as Error).message}`, {
      hint: 'e.g. --subnet-pool 10.200.0.0/16 --subnet-prefix 30',
      page: `${NET_PAGE}#options`,
    });
  }
  const occupied = await hostOccupiedNetworks();
  const dir = leasesDir(ctx.stateDir);
  const subnet = pickSubnet({
    ...parsed,
    occupied,
    start: Number.parseInt(ctx.runId, 16) || 0,
    claim: leaseClaimer(ctx.ledger, dir),
  });
  if (!subnet) {
    throw new KitError(`no free /${parsed.prefix} left in ${formatCidr(parsed.pool)}: the host's routes or other runs use all of it`, {
      hint: 'Pick another private range that `ip route show table all` does not mention, e.g. --subnet-pool 172.31.0.0/16; `npm run clean` frees leases of killed runs.',
      page: `${NET_PAGE}#options`,
    });
  }
  const net: NetFacts = {
    ...netNames(ctx.runId),
    ...planAddresses(subnet),
    lease: leasePath(dir, subnet),
    allocateMs: performance.now() - t0,
    ipMode: opts.mode ?? 'batch',
  };
  ctx.facts.net = net;
  return net;
}

/** The child shares the host's network namespace: configuring "its" network would reconfigure the host's. */
export class HostNetnsError extends KitError {
  constructor(
    readonly netnsId: string,
    readonly net?: NetFacts,
  ) {
    super(
      `the container has no network namespace of its own (its /proc/PID/ns/net is the host's, ${netnsId}): refusing to run the network setup, which would reconfigure the host`,
      {
        hint: "Ask clone() for a new network namespace in configure: spec.cloneFlags.add('CLONE_NEWNET').",
        page: `${NET_PAGE}#the-namespace`,
      },
    );
    this.name = 'HostNetnsError';
  }
}

/**
 * Setup (child paused): record the veth and the netns name, then run the
 * commands the caller wrote (step 3's student; the bench and tests pass the
 * reference sequence of commands.ts themselves). There is no default list:
 * the student API must not run the reference commands for a step.
 */
export async function connectNetwork(ctx: RunContext, pid: number, commands: IpCommand[]): Promise<NetFacts> {
  if (!Array.isArray(commands) || commands.length === 0) {
    throw new KitError('connectNetwork(ctx, pid, commands) got no `ip` commands to run.', {
      hint: 'Build the list yourself with the ip tag, e.g. commands.push(ip`...`), one entry per `ip` command line, then pass it.',
      page: `${NET_PAGE}#the-task`,
    });
  }
  const net = netFacts(ctx);
  const t0 = performance.now();
  const hostNet = namespaceId('self', 'net');
  if (hostNet !== undefined && namespaceId(pid, 'net') === hostNet) throw new HostNetnsError(hostNet, net);
  const list = commands;
  // the planned names, and any other a student's commands would create
  ctx.ledger.record({ kind: 'veth', name: net.hostIf });
  ctx.ledger.record({ kind: 'netns', name: net.netns });
  for (const r of createdBy(list)) {
    if (!ctx.ledger.entries().some((e) => e.kind === r.kind && e.name === r.name)) ctx.ledger.record(r);
  }
  net.pid = pid;
  net.netnsId = namespaceId(pid, 'net');
  const stats = await runIp(list, net.ipMode ?? 'batch').catch((err: unknown) => {
    if (err instanceof IpCommandError) err.net = net;
    throw err;
  });
  net.setupMs = performance.now() - t0;
  net.ipProcesses = stats.processes;
  return net;
}

/** The veths (`link add NAME ... type veth`) and named namespaces (`netns attach|add NAME`) the commands create. */
export function createdBy(commands: IpCommand[]): ({ kind: 'veth'; name: string } | { kind: 'netns'; name: string })[] {
  const out: ({ kind: 'veth'; name: string } | { kind: 'netns'; name: string })[] = [];
  for (const { netns, args } of commands) {
    if (netns === undefined && args[0] === 'link' && args[1] === 'add' && args.includes('veth')) {
      const name = args[2] === 'name' || args[2] === 'dev' ? args[3] : args[2];
      if (name) out.push({ kind: 'veth', name });
    }
    if (args[0] === 'netns' && (args[1] === 'attach' || args[1] === 'add') && args[2]) out.push({ kind: 'netns', name: args[2] });
  }
  return out;
}

/** How long a dead namespace may take to be destroyed (the kernel does it asynchronously; ~1 ms here). */
const NETNS_DEATH_MS = 1000;

/**
 * Teardown: remove the name (its bind mount), then check the veth is gone.
 * A veth dies with the namespace holding either end: once the last process
 * and the last mount of the namespace are gone, the kernel destroys it and
 * both ends with it. If the namespace is still alive, delete the pair.
 */
export async function disconnectNetwork(ctx: RunContext): Promise<void> {
  const net = ctx.facts.net;
  if (!net) return;
  const entries = () => ctx.ledger.entries();
  await removeNetnsName(net.netns);
  for (const e of entries()) if (e.kind === 'netns' && e.name === net.netns) ctx.ledger.forget(e.id);

  if (hostHasLink(net.hostIf)) {
    // alive namespace, or a pair that never left the host: delete it now
    const stillInUse =
      hostHasLink(net.containerIf) || (net.pid !== undefined && net.netnsId !== undefined && namespaceId(net.pid, 'net') === net.netnsId);
    net.vethDiedWithNamespace = !stillInUse && (await waitFor(() => !hostHasLink(net.hostIf), NETNS_DEATH_MS));
    await deleteLink(net.hostIf);
  } else if (net.pid !== undefined) {
    net.vethDiedWithNamespace = true;
  }
  // a setup that failed before the move leaves the container end on the host too
  await deleteLink(net.containerIf);
  for (const e of entries()) if (e.kind === 'veth' && e.name === net.hostIf) ctx.ledger.forget(e.id);

  releaseLease(ctx.ledger, net.lease);
}
