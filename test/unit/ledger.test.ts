import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger, adoptLedger, orphanLedgers, type LedgerFile } from '../../kit/core/ledger.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-ledger-'));
  dirs.push(d);
  return d;
};

describe('resource ledger', () => {
  it('is on disk before teardown and tears down newest first', async () => {
    const dir = tmp();
    const l = new Ledger(dir, 'abc123');
    l.record({ kind: 'path', path: '/x' });
    const id = l.record({ kind: 'loop', backingFile: '/img' });
    l.update(id, { device: '/dev/loop9' });
    const onDisk = JSON.parse(fs.readFileSync(l.file, 'utf8')) as LedgerFile;
    expect(onDisk.entries.map((e) => e.kind)).toEqual(['path', 'loop']);
    expect(onDisk.entries[1]).toMatchObject({ device: '/dev/loop9' });
    const order: string[] = [];
    const errors = await l.teardown({ path: async () => void order.push('path'), loop: async () => void order.push('loop') });
    expect(errors).toEqual([]);
    expect(order).toEqual(['loop', 'path']);
    expect(fs.existsSync(l.file)).toBe(false);
  });

  it('keeps entries whose removal failed, and reports the error', async () => {
    const l = new Ledger(tmp(), 'def456');
    l.record({ kind: 'veth', name: 'cw0' });
    const errors = await l.teardown({ veth: async () => Promise.reject(new Error('busy')) });
    expect(errors.map((e) => e.message)).toEqual(['busy']);
    expect(l.entries()).toHaveLength(1);
  });

  it('finds ledgers of dead runs and adopts them', async () => {
    const dir = tmp();
    const live = new Ledger(dir, 'live01');
    live.record({ kind: 'path', path: '/a' });
    const dead: LedgerFile = {
      runId: 'dead01',
      ownerPid: 2 ** 22 + 7,
      ownerStartTime: '1',
      createdAt: '',
      entries: [{ id: 1, kind: 'path', path: '/b' }],
    };
    fs.writeFileSync(path.join(dir, 'dead01.json'), JSON.stringify(dead));
    const orphans = orphanLedgers(dir);
    expect(orphans.map((o) => o.runId)).toEqual(['dead01']);
    const seen: string[] = [];
    await adoptLedger(dir, orphans[0]).teardown({ path: async (e) => void seen.push(e.kind === 'path' ? e.path : '') });
    expect(seen).toEqual(['/b']);
    expect(fs.existsSync(path.join(dir, 'dead01.json'))).toBe(false);
  });
});
