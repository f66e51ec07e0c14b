import { describe, expect, it } from 'vitest';
import { KitError } from '../../kit/core/errors.ts';
import { formatSize, parseSize } from '../../kit/core/size.ts';

describe('parseSize (dd/truncate meaning)', () => {
  it.each([
    ['64M', 64 * 1024 ** 2],
    ['64m', 64 * 1024 ** 2],
    ['1G', 1024 ** 3],
    ['1GiB', 1024 ** 3],
    ['512K', 512 * 1024],
    ['1.5G', 1.5 * 1024 ** 3],
    ['100MB', 100 * 1000 ** 2],
    ['4096', 4096],
    [' 8 M ', 8 * 1024 ** 2],
  ])('%s', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('takes a positive integer as bytes', () => {
    expect(parseSize(1024)).toBe(1024);
  });

  it.each(['', 'big', '64Q', '-1M', '0', '1e9', 'M'])('rejects %j with a hint naming the option', (text) => {
    let err: unknown;
    try {
      parseSize(text, 'home-size', '/steps/02-mount#troubleshooting');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KitError);
    expect((err as KitError).message).toContain('--home-size');
    expect((err as KitError).hint).toMatch(/--home-size 64M/);
    expect((err as KitError).page).toBe('/steps/02-mount#troubleshooting');
  });
});

describe('formatSize', () => {
  it.each([
    [64 * 1024 ** 2, '64 MiB'],
    [1024 ** 3, '1 GiB'],
    [1.5 * 1024 ** 3, '1.5 GiB'],
    [512, '512 bytes'],
    [4 * 1024, '4 KiB'],
  ])('%d -> %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
