// Limits on what a submission may contain. They bound what unpacking costs
// (disk, memory, time) whatever the archive claims about itself.

export interface UnpackLimits {
  /** size of the zip file itself */
  maxArchiveBytes: number;
  /** entries in the archive, or directory entries looked at in a folder */
  maxEntries: number;
  /** bytes actually produced by decompressing one taken file */
  maxFileBytes: number;
  /** bytes actually produced over all taken files */
  maxTotalBytes: number;
}

export const DEFAULT_LIMITS: UnpackLimits = {
  maxArchiveBytes: 20 * 1024 * 1024,
  maxEntries: 2000,
  maxFileBytes: 512 * 1024,
  maxTotalBytes: 4 * 1024 * 1024,
};

/** '512K', '4M', '1G' or plain bytes. */
export function parseBytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Math.floor(Number(m[1]) * unit);
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
