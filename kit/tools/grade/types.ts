// What the grader knows about one student's submission, from unpacking to the
// reports. Results stay the raw CheckResult[] of the checks; weights are applied
// when reports are written (so a new weights file needs no regrading).

import type { CheckResult } from '../check/types.ts';
import type { ManifestView } from '../submit/manifest.ts';

/** What was taken from a submission, still in memory (unpack.ts, from unpack-zip.ts or unpack-folder.ts). */
export interface RawSubmission {
  steps: { step: number; file: string; data: Buffer }[];
  manifest?: Buffer;
}

/** Limits on what a submission may contain (the defaults are unpack.ts's DEFAULT_LIMITS). */
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

/** Where a submission came from: a zip file or a folder, as given on the command line. */
export interface SubmissionSource {
  /** unique in this run; used in file names of the reports */
  key: string;
  path: string;
  kind: 'zip' | 'folder';
}

export interface StudentGrade {
  key: string;
  source: string;
  /** sha256 of the archive, or of the taken files of a folder */
  sha256: string;
  /** what the student's manifest says (untrusted, for display) */
  manifest?: ManifestView;
  /** rejected: the submission could not be used at all (bad archive, nothing to grade) */
  status: 'graded' | 'rejected';
  reason?: string;
  /** one per graded step, raw points from the checks */
  results: CheckResult[];
  /** things the instructor should know (hash mismatches, suspicious code, timeouts) */
  notes: string[];
  gradedAt: string;
  durationMs: number;
}
