import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { $ } from 'zx';
import { KitError } from '../../kit/core/errors.ts';
import { need, type RunContext } from '../../kit/core/types.ts';
import { projectRoot } from '../../kit/core/paths.ts';
import { namespaceId } from '../../kit/host/proc.ts';
import { allocateNetwork, connectNetwork, disconnectNetwork, HostNetnsError, type NetFacts } from '../../kit/host/net/setup.ts';
import { hostLinks, namedNetns } from '../../kit/host/net/host.ts';
import { ip } from '../../kit/host/net/ip.ts';
import { KIT_IF_NAME } from '../../kit/host/net/names.ts';
import type { Ipv4Address, Ipv4Route } from '../../kit/host/net/netlink.ts';
import { setupCommands } from '../../kit/host/net/commands.ts';
import {
  echoServerInNetns,
  echoServerOnHost,
  inNetns,
  netSandbox,
  randomPort,
  randomToken,
  tcpEcho,
  allReclaimers,
  type NetSandbox,
} from './net-helpers.ts';

const q = $({ quiet: true });
/** The reference `ip` commands (connectNetwork has no default list: the student writes theirs). */
const reference = (ctx: RunContext, pid: number) => setupCommands(need(ctx, 'net'), pid);
const json = async <T>(p: Promise<{ stdout: string }>): Promise<T> => JSON.parse((await p).stdout) as T;
interface LinkJson {
  ifname: string;
  flags: string[];
  operstate: string;
  addr_info?: { family: string; local: string; prefixlen: number }[];
}
interface RouteJson {
  dst: string;
  gateway?: string;
  dev: string;
}

let sb: NetSandbox;
let linksBefore: string[];
beforeEach(() => {
  sb = netSandbox();
  linksBefore = hostLinks();
});
afterEach(async () => {
  await sb.cleanup();
});

// Other tests (other files, other helpers) may create veths at the same time:
// compare what this test made, and that nothing the host had is gone.
async function expectHostClean(nets: NetFacts[]): Promise<void> {
  const links = hostLinks();
  expect(linksBefore.filter((l) => !KIT_IF_NAME.test(l) && !links.includes(l))).toEqual([]);
  const named = namedNetns();
  const addrs = (await q`ip -o -4 addr show`).stdout;
  for (const n of nets) {
    expect(links).not.toContain(n.hostIf);
    expect(links).not.toContain(n.containerIf);
    expect(named).not.toContain(n.netns);
    expect(fs.existsSync(`/run/netns/${n.netns}`)).toBe(false);
    expect(fs.existsSync(n.lease)).toBe(false);
    expect(addrs).not.toContain(`${n.hostAddress}/`);
    expect(addrs).not.toContain(`${n.containerAddress}/`);
  }
}

describe('a veth pair into a network namespace', { timeout: 20_000 }, () => {
  it('connects the namespace, carries TCP both ways, and leaves nothing behind', async () => {
    const ctx = sb.ctx();
    const h = await sb.holder();
    const net = await allocateNetwork(ctx);
    await connectNetwork(ctx, h.pid, reference(ctx, h.pid));
    expect(ctx.facts.net).toBe(net);
    expect(net.netnsId).toBe(namespaceId(h.pid, 'net'));
    expect(net.ipProcesses).toBe(2);

    // the ledger knew every resource (written before creation)
    expect(
      ctx.ledger
        .entries()
        .map((e) => e.kind)
        .sort(),
    ).toEqual(['netns', 'path', 'veth']);

    // inside: exactly lo and the container end, both up, with the address
    const inside = await json<LinkJson[]>(q`ip -n ${net.netns} -j addr show`);
    expect(inside.map((l) => l.ifname).sort()).toEqual([net.containerIf, 'lo'].sort());
    const c = inside.find((l) => l.ifname === net.containerIf)!;
    expect(c.flags).toContain('UP');
    expect(c.addr_info?.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)).toEqual([`${net.containerAddress}/30`]);
    expect(inside.find((l) => l.ifname === 'lo')!.flags).toContain('UP');
    const routes = await json<RouteJson[]>(q`ip -n ${net.netns} -j -4 route show`);
    expect(routes).toContainEqual(expect.objectContaining({ dst: 'default', gateway: net.hostAddress, dev: net.containerIf }));

    // host side: the other end with the host address; the container end is not on the host
    const host = await json<LinkJson[]>(q`ip -j addr show dev ${net.hostIf}`);
    expect(host[0].addr_info?.some((a) => a.local === net.hostAddress)).toBe(true);
    expect(hostLinks()).not.toContain(net.containerIf);

    // host -> container
    const port = randomPort();
    const server = echoServerInNetns(h.pid, port);
    try {
      const token = randomToken();
      expect(await tcpEcho(net.containerAddress, port, token)).toBe(token);
    } finally {
      server.kill();
    }
    // container -> host, to the host end's address
    const hostServer = await echoServerOnHost(net.hostAddress);
    try {
      const token = randomToken();
      const r = await inNetns(h.pid, ['busybox', 'nc', '-w', '2', net.hostAddress, String(hostServer.port)], token);
      expect(r.stdout).toBe(token);
    } finally {
      await hostServer.close();
    }

    await h.kill();
    await disconnectNetwork(ctx);
    expect(net.vethDiedWithNamespace).toBe(true);
    expect(ctx.ledger.entries()).toEqual([]);
    await expectHostClean([net]);
  });

  it('gives two containers at once different names and subnets, each reaching the host', async () => {
    const [a, b] = [sb.ctx(), sb.ctx()];
    const [ha, hb] = await Promise.all([sb.holder(), sb.holder()]);
    const [na, nb] = await Promise.all([allocateNetwork(a), allocateNetwork(b)]);
    await Promise.all([connectNetwork(a, ha.pid, reference(a, ha.pid)), connectNetwork(b, hb.pid, reference(b, hb.pid))]);
    expect(na.subnet).not.toBe(nb.subnet);
    expect(new Set([na.hostIf, na.containerIf, nb.hostIf, nb.containerIf, na.netns, nb.netns]).size).toBe(6);
    for (const [n, h] of [
      [na, ha],
      [nb, hb],
    ] as const) {
      const server = await echoServerOnHost(n.hostAddress);
      try {
        const token = randomToken();
        expect((await inNetns(h.pid, ['busybox', 'nc', '-w', '2', n.hostAddress, String(server.port)], token)).stdout).toBe(token);
      } finally {
        await server.close();
      }
    }
    await Promise.all([ha.kill(), hb.kill()]);
    await Promise.all([disconnectNetwork(a), disconnectNetwork(b)]);
    await expectHostClean([na, nb]);
  });

  it('avoids a subnet the host already routes, and one another run holds', async () => {
    // a blackhole route (carries no traffic) over the first /30 of a small pool, removed in finally
    const pool = '10.201.7.0/28';
    await q`ip route add blackhole 10.201.7.0/30`;
    try {
      const first = sb.ctx({ subnetPool: pool });
      const n1 = await allocateNetwork(first);
      expect(n1.subnet).not.toBe('10.201.7.0/30');
      const second = sb.ctx({ subnetPool: pool });
      const n2 = await allocateNetwork(second); // leased by first, not yet routed: still taken
      const third = sb.ctx({ subnetPool: pool });
      const n3 = await allocateNetwork(third);
      expect(new Set([n1.subnet, n2.subnet, n3.subnet, '10.201.7.0/30']).size).toBe(4);
      await expect(allocateNetwork(sb.ctx({ subnetPool: pool }))).rejects.toThrow(/no free \/30 left in 10.201.7.0\/28/);
      for (const c of [first, second, third]) await disconnectNetwork(c);
      // released: the next run may take them again
      expect((await allocateNetwork(sb.ctx({ subnetPool: pool }))).subnet).not.toBe('10.201.7.0/30');
    } finally {
      await q`ip route del blackhole 10.201.7.0/30`.nothrow();
    }
  });

  it('still deletes the pair when the namespace outlives the teardown', async () => {
    const ctx = sb.ctx();
    const h = await sb.holder();
    const net = await allocateNetwork(ctx);
    await connectNetwork(ctx, h.pid, reference(ctx, h.pid));
    await disconnectNetwork(ctx); // the holder is still alive: its namespace keeps the veth
    expect(net.vethDiedWithNamespace).toBe(false);
    expect(hostLinks()).not.toContain(net.hostIf);
    const r = await inNetns(h.pid, ['ip', '-o', 'link']);
    expect(r.stdout).not.toContain(net.containerIf);
    await h.kill();
    await expectHostClean([net]);
  });

  it('names the failing command, and the ledger reclaims a half-made setup', async () => {
    const ctx = sb.ctx();
    const h = await sb.holder();
    const net = await allocateNetwork(ctx);
    // route before the address: the kernel refuses, after the pair and the name exist
    const cmds = setupCommands(net, h.pid).filter((c) => !(c.netns && c.args[0] === 'addr'));
    const err = await connectNetwork(ctx, h.pid, cmds).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KitError);
    expect((err as KitError).message).toContain(`ip -n ${net.netns} route add default via ${net.hostAddress}`);
    expect((err as KitError).hint).toMatch(/address/);
    expect(hostLinks()).toContain(net.hostIf);
    // as `npm run clean` would, after a crash: only the ledger
    await h.kill();
    await ctx.ledger.teardown(allReclaimers);
    expect(ctx.ledger.entries()).toEqual([]);
    await expectHostClean([net]);
  });

  it("refuses to touch anything when the child shares the host's network namespace", async () => {
    const ctx = sb.ctx();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await allocateNetwork(ctx);
      await expect(connectNetwork(ctx, child.pid!, reference(ctx, child.pid!))).rejects.toBeInstanceOf(HostNetnsError);
      const net = ctx.facts.net as NetFacts;
      expect(hostLinks()).not.toContain(net.hostIf);
      expect(namedNetns()).not.toContain(net.netns);
    } finally {
      child.kill('SIGKILL');
    }
    await disconnectNetwork(ctx);
    await expectHostClean([ctx.facts.net as NetFacts]);
  });

  it('reclaims names a student chose instead of the per-run ones', async () => {
    const ctx = sb.ctx();
    const h = await sb.holder();
    const net = await allocateNetwork(ctx);
    const id = ctx.runId;
    const [v0, v1, ns] = [`my${id}a`, `my${id}b`, `mine-${id}`];
    await connectNetwork(ctx, h.pid, [ip`link add ${v0} type veth peer name ${v1} netns ${h.pid}`, ip`netns attach ${ns} ${h.pid}`]);
    expect(hostLinks()).toContain(v0);
    await h.kill();
    await disconnectNetwork(ctx);
    await ctx.ledger.teardown(allReclaimers); // what the lifecycle does after the steps' teardowns
    expect(hostLinks()).not.toContain(v0);
    expect(namedNetns()).not.toContain(ns);
    await expectHostClean([net]);
  });

  it('refuses a value that would smuggle in a second command', () => {
    expect(() => ip`link delete ${'x\nlink delete eth0'}`).toThrow(KitError);
  });
});

// One process in a fresh network namespace of its own (unshare --net, as a
// grading child keeps the host's /sys), given what netlink's readers must not
// miss: an address on a link that is down (it routes nothing), a
// point-to-point peer, a noprefixroute address, a route in a policy table.
// It prints, from inside, `ip -j`'s view and the kit's (one node start for
// both tests: tsx costs a second on a loaded machine).
describe('in a network namespace of its own (unshare --net, as a grading child)', () => {
  const setup = [
    'ip link set lo up',
    'ip link add cwnl0 type veth peer name cwnl1',
    'ip addr add 10.123.0.1/24 dev cwnl0',
    'ip addr add 10.124.0.1 peer 10.124.9.9/32 dev lo',
    'ip addr add 10.125.0.1/24 dev lo noprefixroute',
    'ip route add 10.126.0.0/16 dev lo table 100',
    'ip route add 10.127.0.0/16 dev lo',
  ];
  const probe =
    "Promise.all([import('./kit/host/net/host.ts'), import('./kit/host/net/netlink.ts'), import('./kit/host/net/ipv4.ts')]).then(async ([h, n, c]) => " +
    'console.log(JSON.stringify({ links: h.hostLinks(), lo: h.hostHasLink("lo"), routes: n.ipv4Routes(), addrs: n.ipv4Addresses(), occupied: (await h.hostOccupiedNetworks()).map(c.formatCidr) })))';
  let seen: { ipRoutes: { dst: string }[]; ipAddrs: IpAddrJson[]; kit: KitView };
  interface IpAddrJson {
    addr_info: { family: string; local: string; address?: string; prefixlen: number }[];
  }
  interface KitView {
    links: string[];
    lo: boolean;
    routes: Ipv4Route[];
    addrs: Ipv4Address[];
    occupied: string[];
  }
  beforeAll(() => {
    const script = [...setup, 'ip -4 -j route show table all', 'ip -4 -j addr show', 'exec "$@"'].join(' && ');
    const r = spawnSync('unshare', ['--net', '--', 'sh', '-c', script, 'sh', process.execPath, '--import', 'tsx', '-e', probe], {
      cwd: projectRoot,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    const [routes, addrs, kit] = r.stdout.split('\n').filter(Boolean);
    seen = {
      ipRoutes: JSON.parse(routes) as { dst: string }[],
      ipAddrs: JSON.parse(addrs) as IpAddrJson[],
      kit: JSON.parse(kit) as KitView,
    };
  });

  it('sees the interfaces of its own namespace, not those of the /sys it kept', () => {
    expect([seen.kit.links, seen.kit.lo]).toEqual([['cwnl0', 'cwnl1', 'lo'], true]);
    // the /sys it kept still lists the host's interfaces, not these
    expect(fs.readdirSync('/sys/class/net')).not.toContain('cwnl0');
  });

  it('reads the same routes and addresses over netlink as `ip -4 -j route show table all` / `ip -4 -j addr show`', () => {
    const sorted = (xs: string[]) => [...xs].sort();
    expect(sorted(seen.kit.routes.map((r) => r.dst))).toEqual(sorted(seen.ipRoutes.map((r) => r.dst)));
    expect(seen.kit.routes).toContainEqual({ dst: '10.126.0.0/16', table: 100, type: 1 });
    const fromIp = seen.ipAddrs.flatMap((l) =>
      l.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local} ${a.address ?? a.local}/${a.prefixlen}`),
    );
    expect(sorted(seen.kit.addrs.map((a) => `${a.local} ${a.address}/${a.prefixlen}`))).toEqual(sorted(fromIp));
    // what the subnet picker must avoid, including what no route shows
    expect(seen.kit.occupied).toEqual(
      expect.arrayContaining([
        '10.123.0.0/24',
        '10.124.0.1/32',
        '10.124.9.9/32',
        '10.125.0.0/24',
        '10.126.0.0/16',
        '10.127.0.0/16',
        '127.0.0.0/8',
      ]),
    );
  });
});
