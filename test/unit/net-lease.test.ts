import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../kit/core/ledger.ts';
import { formatCidr, parseCidr } from '../../kit/host/net/ipv4.ts';
import { leaseClaimer, leasePath, releaseLease, staleLeases } from '../../kit/host/net/lease.ts';
import { pickSubnet } from '../../kit/host/net/subnet.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-net-lease-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const pool = parseCidr('10.200.0.0/16');
const leases = () => path.join(dir, 'leases');

describe('subnet leases', () => {
  it('one subnet, one owner: the loser keeps no ledger entry for it', () => {
    const a = new Ledger(path.join(dir, 'runs'), 'aaaaaa');
    const b = new Ledger(path.join(dir, 'runs'), 'bbbbbb');
    const s = parseCidr('10.200.0.8/30');
    expect(leaseClaimer(a, leases())(s)).toBe(true);
    expect(leaseClaimer(b, leases())(s)).toBe(false);
    expect(a.entries()).toEqual([{ kind: 'path', path: leasePath(leases(), s), id: 1 }]);
    expect(b.entries()).toEqual([]);
  });

  it('runs that start from the same place get different subnets', () => {
    const picked = ['r1', 'r2', 'r3'].map((id) => {
      const ledger = new Ledger(path.join(dir, 'runs'), id);
      return formatCidr(pickSubnet({ pool, prefix: 30, occupied: [], start: 0, claim: leaseClaimer(ledger, leases()) })!);
    });
    expect(new Set(picked).size).toBe(3);
  });

  it('release removes the lock and the entry, so the subnet is free again', () => {
    const a = new Ledger(path.join(dir, 'runs'), 'aaaaaa');
    const s = parseCidr('10.200.0.8/30');
    leaseClaimer(a, leases())(s);
    releaseLease(a, leasePath(leases(), s));
    expect(fs.existsSync(leasePath(leases(), s))).toBe(false);
    expect(a.entries()).toEqual([]);
    expect(leaseClaimer(new Ledger(path.join(dir, 'runs'), 'bbbbbb'), leases())(s)).toBe(true);
  });

  it('lists leases whose owner is gone', () => {
    const a = new Ledger(path.join(dir, 'runs'), 'aaaaaa');
    const live = parseCidr('10.200.0.8/30');
    leaseClaimer(a, leases())(live);
    const dead = leasePath(leases(), parseCidr('10.200.0.12/30'));
    fs.writeFileSync(dead, JSON.stringify({ runId: 'dead00', pid: 2 ** 22 + 1, startTime: '1' }));
    expect(staleLeases(leases())).toEqual([dead]);
  });
});
