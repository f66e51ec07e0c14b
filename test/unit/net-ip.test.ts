import { describe, expect, it } from 'vitest';
import { setupCommands, type NetPlan } from '../../kit/host/net/commands.ts';
import { formatIpCommand, groupByNetns, ip } from '../../kit/host/net/ip.ts';
import { IFNAMSIZ, KIT_IF_NAME, KIT_NETNS_NAME, netNames } from '../../kit/host/net/names.ts';
import { createdBy } from '../../kit/host/net/setup.ts';

const plan: NetPlan = {
  ...netNames('a1b2c3'),
  subnet: '10.200.0.4/30',
  prefix: 30,
  hostAddress: '10.200.0.5',
  containerAddress: '10.200.0.6',
};

describe('ip`...` commands', () => {
  it('splits literal text on whitespace and glues values into their word', () => {
    const addr = '10.200.0.5';
    expect(ip`addr add ${addr}/${30} dev cw${'abc'}h`).toEqual({ args: ['addr', 'add', '10.200.0.5/30', 'dev', 'cwabch'] });
  });
  it('takes -n NAME in front like the real ip', () => {
    expect(ip`-n ${'cw-x'} link set lo up`).toEqual({ netns: 'cw-x', args: ['link', 'set', 'lo', 'up'] });
  });
  it('refuses values that would become several words or lines', () => {
    expect(() => ip`link del ${'x\nlink del eth0'}`).toThrow(/not a valid argument/);
    expect(() => ip`link del ${'a b'}`).toThrow();
    expect(() => ip`link del ${'"eth0"'}`).toThrow();
  });
  it('prints the command a person would type', () => {
    expect(formatIpCommand(ip`-n ${'cw-x'} route add default via ${'10.0.0.1'}`)).toBe('ip -n cw-x route add default via 10.0.0.1');
  });
});

describe('names', () => {
  it('fit IFNAMSIZ and are recognisable', () => {
    const n = netNames('ffffffffffffffff');
    expect(n.hostIf.length).toBeLessThan(IFNAMSIZ);
    expect(n.containerIf.length).toBeLessThan(IFNAMSIZ);
    expect(KIT_IF_NAME.test(n.hostIf) && KIT_IF_NAME.test(n.containerIf)).toBe(true);
    expect(KIT_NETNS_NAME.test(n.netns)).toBe(true);
    expect(netNames('a1b2c3')).toEqual({ netns: 'cw-a1b2c3', hostIf: 'cwa1b2c3h', containerIf: 'cwa1b2c3c' });
  });
});

describe('the setup sequence', () => {
  it('is the lesson, in order', () => {
    expect(setupCommands(plan, 4242, { separateMove: true }).map(formatIpCommand)).toEqual([
      'ip link add cwa1b2c3h type veth peer name cwa1b2c3c',
      'ip link set cwa1b2c3c netns 4242',
      'ip netns attach cw-a1b2c3 4242',
      'ip addr add 10.200.0.5/30 dev cwa1b2c3h',
      'ip link set cwa1b2c3h up',
      'ip -n cw-a1b2c3 addr add 10.200.0.6/30 dev cwa1b2c3c',
      'ip -n cw-a1b2c3 link set cwa1b2c3c up',
      'ip -n cw-a1b2c3 link set lo up',
      'ip -n cw-a1b2c3 route add default via 10.200.0.5',
    ]);
  });
  it('by default creates the peer directly in the namespace', () => {
    expect(formatIpCommand(setupCommands(plan, 7)[0])).toBe('ip link add cwa1b2c3h type veth peer name cwa1b2c3c netns 7');
  });
  it('runs as two ip processes in batch mode: host, then namespace', () => {
    const groups = groupByNetns(setupCommands(plan, 7));
    expect(groups.map((g) => [g[0].netns, g.length])).toEqual([
      [undefined, 4],
      ['cw-a1b2c3', 4],
    ]);
  });
});

describe('what a list of commands creates (recorded in the ledger before they run)', () => {
  it('finds veths and named namespaces, whatever the names', () => {
    expect(
      createdBy([
        ip`link add myveth0 type veth peer name myveth1 netns 7`,
        ip`link add name other type veth peer name x`,
        ip`link add br0 type bridge`,
        ip`netns attach mycontainer 7`,
        ip`-n mycontainer link set lo up`,
      ]),
    ).toEqual([
      { kind: 'veth', name: 'myveth0' },
      { kind: 'veth', name: 'other' },
      { kind: 'netns', name: 'mycontainer' },
    ]);
  });
});
