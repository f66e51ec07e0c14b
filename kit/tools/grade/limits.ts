// Limits on what a submission may contain. They bound what unpacking costs
// (disk, memory, time) whatever the archive claims about itself. Sizes are
// parsed and printed by kit/core/size.ts.

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
