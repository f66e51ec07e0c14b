// Unpacking one submission (zip or folder) into a workspace's steps folder.
// Reading happens in memory with limits first; only a submission that passed
// every test is written, so a rejected one leaves nothing half-extracted.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseManifest, sha256, STEP_FILE_LIMITS, type ManifestView } from '../submit/manifest.ts';
import { STEP_FILE } from './entry-path.ts';
import type { RawSubmission, SubmissionSource, UnpackLimits } from './types.ts';
import { readFolderSubmission } from './unpack-folder.ts';
import { readZipSubmission } from './unpack-zip.ts';

// Limits on what a submission may contain. They bound what unpacking costs
// (disk, memory, time) whatever the archive claims about itself. Sizes are
// parsed and printed by kit/core/size.ts. Their type is in types.ts.
export const DEFAULT_LIMITS: UnpackLimits = {
  maxArchiveBytes: 20 * 1024 * 1024,
  maxEntries: 2000,
  maxFileBytes: STEP_FILE_LIMITS.fileBytes,
  maxTotalBytes: STEP_FILE_LIMITS.totalBytes,
};

export type ReadOutcome = { ok: true; raw: RawSubmission; sha256: string } | { ok: false; reason: string; sha256: string };

export async function readSubmission(src: SubmissionSource, limits: UnpackLimits = DEFAULT_LIMITS): Promise<ReadOutcome> {
  let raw: RawSubmission | string;
  let digest: string;
  try {
    if (src.kind === 'zip') {
      digest = await hashFile(src.path);
      raw = await readZipSubmission(src.path, limits);
    } else {
      raw = readFolderSubmission(src.path, limits);
      digest = typeof raw === 'string' ? sha256(`${src.path}\0${raw}`) : hashRaw(raw);
    }
  } catch (err) {
    // unreadable source (permissions, vanished): still a graded failure, not a crash
    return { ok: false, reason: `cannot read ${src.path} (${(err as Error).message})`, sha256: sha256(src.path) };
  }
  return typeof raw === 'string' ? { ok: false, reason: raw, sha256: digest } : { ok: true, raw, sha256: digest };
}

export interface Written {
  steps: { step: number; file: string; sha256: string; bytes: number }[];
  manifest?: ManifestView;
  notes: string[];
}

/** Write the taken step files into `stepsDir` (created empty) and read the manifest. */
export function writeSubmission(raw: RawSubmission, stepsDir: string): Written {
  fs.mkdirSync(stepsDir, { recursive: true });
  const notes: string[] = [];
  const steps = raw.steps.map((s) => {
    // the name matched STEP_FILE already; checked again because it becomes a path
    if (!STEP_FILE.test(s.file)) throw new Error(`bug: unexpected step file name ${s.file}`);
    fs.writeFileSync(path.join(stepsDir, s.file), s.data, { flag: 'wx', mode: 0o644 });
    return { step: s.step, file: s.file, sha256: sha256(s.data), bytes: s.data.length };
  });
  let manifest: ManifestView | undefined;
  if (raw.manifest) {
    const parsed = parseManifest(raw.manifest);
    if (typeof parsed === 'string') notes.push(parsed);
    else manifest = parsed;
  } else {
    notes.push('no manifest.json (not made with `npm run submit`)');
  }
  if (manifest?.files) {
    for (const s of steps) {
      const listed = manifest.files[`steps/${s.file}`];
      if (listed && listed !== s.sha256) notes.push(`steps/${s.file} differs from the hash in its manifest (changed after packing)`);
    }
  }
  return { steps, manifest, notes };
}

function hashRaw(raw: RawSubmission): string {
  const h = crypto.createHash('sha256');
  for (const s of raw.steps) h.update(`${s.file}\0`).update(s.data).update('\0');
  if (raw.manifest) h.update('manifest\0').update(raw.manifest);
  return h.digest('hex');
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash('sha256');
    fs.createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
