// Sizes as people type them on the command line ('64M', '1G', '512MiB'),
// with the same meaning as dd, truncate and fallocate: K, M, G, T (and KiB ...)
// are powers of 1024; KB, MB, GB, TB are powers of 1000; a bare number is bytes.
// The kit's one size parser and printer: image sizes, cgroup limits, the
// grader's submission limits, the bench's file sizes.

import { KitError } from './errors.ts';

export const MiB = 1024 * 1024;

const UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  K: 1024,
  KIB: 1024,
  KB: 1000,
  M: 1024 ** 2,
  MIB: 1024 ** 2,
  MB: 1000 ** 2,
  G: 1024 ** 3,
  GIB: 1024 ** 3,
  GB: 1000 ** 3,
  T: 1024 ** 4,
  TIB: 1024 ** 4,
  TB: 1000 ** 4,
};

/** '64M' -> 67108864. Throws a KitError naming the option for anything else. */
export function parseSize(text: string | number, option = 'size', page?: string): number {
  if (typeof text === 'number' && Number.isSafeInteger(text) && text > 0) return text;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(text));
  const unit = m ? UNITS[m[2].toUpperCase()] : undefined;
  if (!m || unit === undefined) {
    throw new KitError(`--${option} ${JSON.stringify(String(text))} is not a size.`, {
      hint: `Write a number with a unit, like --${option} 64M or --${option} 1G (K, M, G, T are powers of 1024).`,
      page,
    });
  }
  const bytes = Math.round(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new KitError(`--${option} ${JSON.stringify(String(text))} is out of range.`, { hint: `Try --${option} 64M.`, page });
  }
  return bytes;
}

/** 67108864 -> '64 MiB' (exact where it can be, one decimal otherwise). */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}
