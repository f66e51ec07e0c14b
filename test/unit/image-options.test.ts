// Options, prompts and messages of the image module that need no root.

import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KitError } from '../../kit/core/errors.ts';
import type { Ledger } from '../../kit/core/ledger.ts';
import { offerFix } from '../../kit/core/ask.ts';
import { homeImageOptions } from '../../kit/host/image/home.ts';
import { imageBusyError } from '../../kit/host/image/lock.ts';
import { noLoopDeviceError } from '../../kit/host/image/loop.ts';
import type { RunContext, RunOptions } from '../../kit/core/types.ts';

const ctx = (options: Partial<RunOptions> = {}): RunContext => ({
  runId: 'abcd1234',
  options: { argv: [], solution: false, stepsDir: '', ...options },
  stateDir: '/srv/cw/state',
  ledger: {} as Ledger,
  facts: {},
});

describe('homeImageOptions', () => {
  it('defaults to state/images/home.img, 64 MiB, no recreate', () => {
    expect(homeImageOptions(ctx())).toEqual({ file: '/srv/cw/state/images/home.img', bytes: 64 * 1024 ** 2, recreate: false, yes: false });
  });

  it('reads the typed options', () => {
    const a = homeImageOptions(ctx({ homeSize: 2 ** 30, homeImage: 'b.img', recreateImage: true, yes: true }));
    expect(a).toEqual({ file: '/srv/cw/state/images/b.img', bytes: 1024 ** 3, recreate: true, yes: true });
  });

  it('takes a path with a slash as a path', () => {
    expect(homeImageOptions(ctx({ homeImage: './x/h.img' })).file).toBe(path.resolve('x/h.img'));
  });

  it('refuses sizes too small for ext4', () => {
    expect(() => homeImageOptions(ctx({ homeSize: 2 * 2 ** 20 }))).toThrow(/too small for an ext4/);
  });
});

describe('offerFix without a terminal', () => {
  const offer = {
    problem: 'The home image is damaged.',
    fixes: [{ value: 'recreate' as const, title: 'recreate it' }],
    yes: false,
    flagHint: 'run again with --recreate-image or --yes',
    page: '/steps/02-mount#troubleshooting',
  };
  const saved = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
  afterEach(() => {
    if (saved) Object.defineProperty(process.stdin, 'isTTY', saved);
    else delete (process.stdin as { isTTY?: boolean }).isTTY;
  });

  it('never prompts: it names the flags instead', async () => {
    Object.defineProperty(process.stdin, 'isTTY', { value: false, configurable: true });
    const err = await offerFix(offer).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KitError);
    expect((err as KitError).message).toBe('The home image is damaged.');
    expect((err as KitError).hint).toMatch(/not a terminal.*--recreate-image or --yes/);
  });

  it('takes the fix chosen by flag, or the first one with --yes', async () => {
    expect(await offerFix({ ...offer, chosen: 'recreate' })).toBe('recreate');
    expect(await offerFix({ ...offer, yes: true })).toBe('recreate');
  });
});

describe('messages', () => {
  it('no loop driver: says modprobe loop', () => {
    const err = noLoopDeviceError('losetup: cannot find an unused loop device', '/nonexistent/loop-control');
    expect(err.message).toMatch(/loop-control does not exist/);
    expect(err.hint).toMatch(/modprobe loop/);
    expect(err.page).toBe('/steps/02-mount#troubleshooting');
  });

  it('all loop devices taken: says what losetup said and how to get more', () => {
    const err = noLoopDeviceError('losetup: cannot find an unused loop device', '/dev/null');
    expect(err.message).toMatch(/No free loop device: losetup said "losetup: cannot find an unused loop device"/);
    expect(err.hint).toMatch(/max_loop/);
  });

  it('image busy: names the other run and suggests another image', () => {
    const err = imageBusyError('/s/images/home.img', { runId: 'feed0001', pid: process.pid, since: '2025-01-01T12:34:56.000Z' });
    expect(err.message).toBe(
      'The home image /s/images/home.img is busy: run feed0001 (pid ' + process.pid + ', since 12:34:56) is using it.',
    );
    expect(err.hint).toMatch(/--home-image/);
  });
});
