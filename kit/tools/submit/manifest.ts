// The manifest inside a submission zip: who submitted, with which kit, which
// files (sha256 each), and what the student's own checks said. The grader
// reads it but trusts none of it: grades come from running the checks.

import crypto from 'node:crypto';

export const MANIFEST_FORMAT = 'container-workshop-submission';

/** How big the step files of a submission may be: the grader takes no more, `npm run submit` packs no more. */
export const STEP_FILE_LIMITS = { fileBytes: 512 * 1024, totalBytes: 4 * 1024 * 1024 } as const;

export interface SubmissionManifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  kit: { name: string; version: string };
  student: { name: string; id: string };
  createdAt: string;
  files: { path: string; sha256: string; bytes: number }[];
  /** from the last `npm run check` on the student's machine, if recorded */
  localChecks?: { at: string; passed: number[]; failed: number[] };
  node: string;
}

export const sha256 = (data: Buffer | string): string => crypto.createHash('sha256').update(data).digest('hex');

const str = (v: unknown, max = 200): string | undefined => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : undefined);

/** Parsed leniently: any field may be missing or wrong in an untrusted manifest. */
export interface ManifestView {
  studentName?: string;
  studentId?: string;
  kitVersion?: string;
  createdAt?: string;
  localPasses?: number[];
  files?: Record<string, string>;
}

export function parseManifest(data: Buffer): ManifestView | string {
  let raw: unknown;
  try {
    raw = JSON.parse(data.toString('utf8'));
  } catch (err) {
    return `manifest.json is not valid JSON (${(err as Error).message})`;
  }
  if (!raw || typeof raw !== 'object') return 'manifest.json is not an object';
  const m = raw as Record<string, unknown>;
  const student = (m.student && typeof m.student === 'object' ? m.student : {}) as Record<string, unknown>;
  const kit = (m.kit && typeof m.kit === 'object' ? m.kit : {}) as Record<string, unknown>;
  const out: ManifestView = {
    studentName: str(student.name),
    studentId: str(student.id, 100),
    kitVersion: str(kit.version, 50),
    createdAt: str(m.createdAt, 50),
  };
  const checks = m.localChecks as Record<string, unknown> | undefined;
  if (checks && Array.isArray(checks.passed)) {
    out.localPasses = checks.passed.filter((n): n is number => Number.isInteger(n)).slice(0, 20);
  }
  if (Array.isArray(m.files)) {
    out.files = {};
    for (const f of m.files.slice(0, 1000) as unknown[]) {
      const rec = (f ?? {}) as Record<string, unknown>;
      const p = str(rec.path, 300);
      const h = str(rec.sha256, 64);
      if (p && h) out.files[p] = h;
    }
  }
  return out;
}
