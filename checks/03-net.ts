// Check of step 3: from the host, does the probe have a network namespace of
// its own, holding exactly lo and its end of a veth pair, configured and up,
// with a default route via the host's end; does TCP cross the pair both ways;
// and is the host's network exactly as before once the container is gone?

import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import {
  type AssertionSpec,
  type Cidr,
  defineCheck,
  echoServerOnHost,
  eventually,
  formatCidr,
  formatIp,
  hostLinks,
  HostNetnsError,
  hostOccupiedNetworks,
  IpCommandError,
  KIT_IF_NAME,
  KitError,
  namespaceId,
  type NetFacts,
  need,
  NotDoneError,
  overlaps,
  parseCidr,
  tcpEcho,
} from '../kit/check.ts';

const page = '/steps/03-net';

export const assertions: AssertionSpec[] = [
  {
    id: 'setup',
    name: 'the network setup commands run without error',
    points: 1,
    page: `${page}#common-errors`,
    hint: "The failing `ip` command, the kernel's reason and what to try are shown above; the commands run in order, so fix the first one that fails.",
  },
  {
    id: 'netns',
    name: "its network namespace differs from the host's (/proc/PID/ns/net)",
    points: 2,
    page: `${page}#the-namespace`,
    hint: "Ask clone() for CLONE_NEWNET in configure: spec.cloneFlags.add('CLONE_NEWNET').",
  },
  {
    id: 'links',
    name: "inside, the interfaces are exactly lo and the container's veth end",
    points: 2,
    page: `${page}#the-pair`,
    hint: "Create the pair with the per-run names (hostIf, containerIf) and put the containerIf end into the child's namespace (`... peer name C netns PID`, or `link set C netns PID`).",
  },
  {
    id: 'address',
    name: 'the container end has its address and is up',
    points: 2,
    page: `${page}#addresses`,
    hint: 'Inside the namespace (`ip -n NAME ...`): `addr add containerAddress/prefix dev containerIf`, then `link set containerIf up`.',
  },
  {
    id: 'lo',
    name: 'lo is up inside',
    points: 1,
    page: `${page}#addresses`,
    hint: "A new namespace's lo starts down: `ip -n NAME link set lo up`.",
  },
  {
    id: 'route',
    name: 'the default route inside goes via the host end',
    points: 1,
    page: `${page}#the-route`,
    hint: '`ip -n NAME route add default via hostAddress` (after the address and the link are up).',
  },
  {
    id: 'host-end',
    name: 'the host end has its address and is up',
    points: 1,
    page: `${page}#addresses`,
    hint: 'On the host: `addr add hostAddress/prefix dev hostIf` and `link set hostIf up`.',
  },
  {
    id: 'tcp-in',
    name: 'TCP from the host reaches a server inside the container',
    points: 2,
    page: `${page}#try-it`,
    hint: 'Both ends need their address and must be up; the container end must be inside the namespace.',
  },
  {
    id: 'tcp-out',
    name: 'TCP from the container reaches a server on the host end',
    points: 2,
    page: `${page}#try-it`,
    hint: 'Both ends need their address and must be up.',
  },
  {
    id: 'host-unchanged',
    name: "the host's interfaces and addresses are as before after exit",
    points: 1,
    page: `${page}#teardown`,
    hint: "Configure the container's side with `ip -n NAME`, never on the host.",
  },
  {
    id: 'no-leftovers',
    name: 'no named namespace, veth, address or lease is left after exit',
    points: 1,
    page: `${page}#teardown`,
    hint: 'Use the per-run names from netFacts(ctx): the kit removes exactly those at teardown.',
  },
];

interface LinkJson {
  ifname: string;
  flags?: string[];
  addr_info?: { family: string; local: string; prefixlen: number }[];
}
interface RouteJson {
  dst: string;
  gateway?: string;
  dev?: string;
}

/** `ip -j ARGS`, in the network namespace of `pid` when given (nsenter -n only: the host's ip binary). */
function ipJson<T>(args: string[], pid?: number): T[] {
  const argv = pid === undefined ? ['ip', '-j', ...args] : ['nsenter', '-t', String(pid), '-n', 'ip', '-j', ...args];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 5000 });
  try {
    return r.status === 0 && r.stdout.trim() ? (JSON.parse(r.stdout) as T[]) : [];
  } catch {
    return [];
  }
}

const inet = (l: LinkJson | undefined): string[] =>
  (l?.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
const isUp = (l: LinkJson | undefined): boolean => (l?.flags ?? []).includes('UP');
const describeLink = (l: LinkJson): string => `${l.ifname}${isUp(l) ? ' UP' : ' down'} ${inet(l).join(',') || 'no IPv4'}`;

/** Every host interface with its state and IPv4 addresses: "eth0 UP 192.0.2.2/24". */
const hostState = (): Map<string, string> => new Map(ipJson<LinkJson>(['addr', 'show']).map((l) => [l.ifname, describeLink(l)]));

/**
 * A random /30 for this check, not overlapping anything the host uses: the
 * pool is this one block, so the addresses are known before the start (the
 * probe needs the host end's) and a solution with hard-coded ones fails.
 */
async function randomSubnet(int: (min: number, max: number) => number): Promise<Cidr> {
  const occupied = await hostOccupiedNetworks();
  // private ranges, most likely free first (a LAN is often 192.168.x or all of 10/8)
  const ranges = [
    () => `10.${int(200, 254)}.${int(0, 255)}.${int(0, 63) * 4}/30`,
    () => `172.${int(16, 31)}.${int(0, 255)}.${int(0, 63) * 4}/30`,
    () => `192.168.${int(0, 255)}.${int(0, 63) * 4}/30`,
  ];
  for (const random of ranges) {
    for (let i = 0; i < 50; i++) {
      const c = parseCidr(random());
      if (!occupied.some((o) => overlaps(o, c))) return c;
    }
  }
  throw new KitError('the host routes every private range the check could use for its subnet', {
    hint: 'See `ip route show table all`.',
    page: `${page}#options`,
  });
}

// The probe serves one TCP echo inside (busybox nc -e cat), says ready, sends a
// token to the host end until it is echoed back, then waits to be inspected.
// It keeps trying for a minute: the host's server starts only after the
// check's other assertions, which on a busy machine (a class being graded)
// can take many seconds. The check stops waiting long before that.
function probeScript(port: number, host: string, hostPort: number, token: string): string {
  return [
    `busybox nc -l -p ${port} -e cat &`,
    'echo ready',
    'i=0',
    `while [ $i -lt 600 ]; do out=$(echo ${token} | busybox nc -w 1 ${host} ${hostPort} 2>/dev/null); [ -n "$out" ] && break; sleep 0.1; i=$((i+1)); done`,
    'echo "out=$out"',
    'exec sleep 120',
  ].join('\n');
}

export default defineCheck({
  step: 3,
  title: 'Network namespace: a veth pair to the host',
  page,
  assertions,
  async run(t) {
    const subnet = await randomSubnet(t.random.int);
    const hostAddress = formatIp(subnet.network + 1);
    const containerAddress = formatIp(subnet.network + 2);
    const port = t.random.int(20000, 39999);
    const hostPort = t.random.int(40000, 59999);
    const tokenIn = t.random.name('in');
    const tokenOut = t.random.name('out');

    const before = hostState();
    const hostNet = namespaceId('self', 'net');
    let net: NetFacts | undefined;

    // After exit, whatever happened: the host as before, nothing of this run
    // left. Other containers may come and go meanwhile: their interfaces
    // (kit names that are not this run's) are not compared.
    const afterExit = () => {
      const ours = net ? [net.hostIf, net.containerIf] : [];
      const foreign = (name: string) => KIT_IF_NAME.test(name) && !ours.includes(name);
      const after = hostState();
      const changed = [...before]
        .filter(([name, state]) => !foreign(name) && after.get(name) !== state)
        .map(([name]) => `${name}: ${before.get(name)} -> ${after.get(name) ?? 'gone'}`);
      const inOurSubnet = [...after.values()].filter(
        (s) =>
          s.includes(` ${hostAddress}/`) ||
          s.includes(` ${containerAddress}/`) ||
          s.includes(`,${hostAddress}/`) ||
          s.includes(`,${containerAddress}/`),
      );
      t.expect('host-unchanged', changed.length === 0 && inOurSubnet.length === 0, {
        expected: "every host interface with the same state and addresses; no address of the run's subnet",
        seen: [...changed, ...inOurSubnet].join('; ') || 'unchanged',
      });
      const left: string[] = [];
      if (net) {
        if (fs.existsSync(`/run/netns/${net.netns}`)) left.push(`/run/netns/${net.netns}`);
        for (const name of ours) if (hostLinks().includes(name)) left.push(`interface ${name}`);
        if (fs.existsSync(net.lease)) left.push(`lease ${net.lease}`);
      }
      t.expect('no-leftovers', left.length === 0, { expected: 'nothing', seen: left.join(', ') || 'nothing' });
    };

    let probe;
    try {
      probe = await t.start({
        argv: ['sh', '-c', probeScript(port, hostAddress, hostPort, tokenOut)],
        options: { subnetPool: formatCidr(subnet), subnetPrefix: 30 },
      });
    } catch (err) {
      if (err instanceof NotDoneError || !(err instanceof IpCommandError || err instanceof HostNetnsError)) throw err;
      // the kit refused or the kernel rejected a command: the container never ran
      net = err.net as NetFacts | undefined;
      t.expect('setup', false, { expected: 'every ip command succeeds', seen: [err.message, err.hint].filter(Boolean).join(' ') });
      if (err instanceof HostNetnsError) t.expect('netns', false, { expected: `not ${hostNet}`, seen: err.netnsId });
      afterExit();
      return;
    }
    net = need(probe.ctx, 'net');
    t.expect('setup', true, { seen: 'all ip commands succeeded' });
    await probe.waitFor(/^ready$/m);

    const childNet = namespaceId(probe.pid, 'net');
    t.expect('netns', childNet !== undefined && childNet !== hostNet, { expected: `not ${hostNet}`, seen: String(childNet) });

    // inside, seen from the host through the probe's namespace
    const inside = ipJson<LinkJson>(['addr', 'show'], probe.pid);
    const names = inside.map((l) => l.ifname).sort();
    t.expect('links', names.length === 2 && names.includes('lo') && names.includes(net.containerIf), {
      expected: ['lo', net.containerIf].sort().join(', '),
      seen: names.join(', ') || '(none)',
    });
    const end = inside.find((l) => l.ifname === net!.containerIf);
    t.expect('address', isUp(end) && inet(end).includes(`${containerAddress}/30`), {
      expected: `${net.containerIf} UP ${containerAddress}/30`,
      seen: end ? describeLink(end) : `no ${net.containerIf} inside`,
    });
    const lo = inside.find((l) => l.ifname === 'lo');
    t.expect('lo', isUp(lo) && inet(lo).includes('127.0.0.1/8'), { expected: 'lo UP 127.0.0.1/8', seen: lo ? describeLink(lo) : 'no lo' });
    const routes = ipJson<RouteJson>(['-4', 'route', 'show'], probe.pid);
    const def = routes.find((r) => r.dst === 'default');
    t.expect('route', def?.gateway === hostAddress && def?.dev === net.containerIf, {
      expected: `default via ${hostAddress} dev ${net.containerIf}`,
      seen: def ? `default via ${def.gateway ?? '-'} dev ${def.dev ?? '-'}` : 'no default route',
    });
    const hostEnd = ipJson<LinkJson>(['addr', 'show', 'dev', net.hostIf])[0];
    t.expect('host-end', isUp(hostEnd) && inet(hostEnd).includes(`${hostAddress}/30`), {
      expected: `${net.hostIf} UP ${hostAddress}/30`,
      seen: hostEnd ? describeLink(hostEnd) : `no ${net.hostIf} on the host`,
    });

    // TCP, both ways; only the run's own two addresses are ever contacted
    let echoedIn = '';
    try {
      echoedIn = await tcpEcho(containerAddress, port, tokenIn, 8000);
    } catch (err) {
      echoedIn = `(${(err as Error).message})`;
    }
    t.expect('tcp-in', echoedIn === tokenIn, {
      expected: `${tokenIn} echoed by ${containerAddress}:${port}`,
      seen: echoedIn || '(nothing)',
    });

    let server: Awaited<ReturnType<typeof echoServerOnHost>> | undefined;
    try {
      server = await echoServerOnHost(hostAddress, hostPort);
    } catch (err) {
      t.expect('tcp-out', false, {
        expected: `a server on ${hostAddress}:${hostPort}`,
        seen: `cannot listen there: ${(err as Error).message}`,
      });
    }
    if (server) {
      try {
        await probe.waitFor(/^out=.*$/m, 10_000).catch(() => undefined);
        const out = probe.values().out;
        t.expect('tcp-out', out === tokenOut, {
          expected: `${tokenOut} echoed by ${hostAddress}:${hostPort}`,
          seen: out === undefined ? '(the probe got no answer)' : out || '(nothing)',
        });
      } finally {
        await server.close();
      }
    }

    await probe.stop();
    await probe.teardown();
    await eventually(() => !hostLinks().includes(net!.hostIf), 1000);
    afterExit();
  },
});
