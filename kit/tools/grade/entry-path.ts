// Which paths inside a submission are safe, and which of them are taken.
// Only step files (steps/NN-name.ts) and the manifest are ever taken; every
// other entry is ignored, but an entry that *could* escape the destination
// (zip-slip) makes the whole submission suspect, so it is rejected.

export const STEP_FILE = /^(\d\d)-[A-Za-z0-9_-]+\.ts$/;
export const MANIFEST_FILE = 'manifest.json';
/** How many wrapper folders may sit above steps/ (e.g. "container-workshop-main/"). */
const MAX_PREFIX_DEPTH = 2;

/** Why this entry name is unsafe to extract anywhere, or undefined when it is fine. */
export function unsafeReason(name: string): string | undefined {
  if (name.includes('\0')) return `a NUL byte in the name ${JSON.stringify(name)}`;
  if (name.includes('\\')) return `a backslash in ${JSON.stringify(name)} (Windows path separators can escape the folder)`;
  if (name.startsWith('/')) return `an absolute path: ${name}`;
  if (/^[A-Za-z]:/.test(name)) return `a drive letter: ${name}`;
  if (name.split('/').includes('..')) return `a path that climbs out with "..": ${name}`;
  return undefined;
}

export type EntryRole =
  | { role: 'step'; prefix: string; step: number; file: string }
  | { role: 'manifest'; prefix: string }
  | { role: 'other' };

/** Classify a safe, '/'-separated entry name. */
export function classify(name: string): EntryRole {
  const parts = name.split('/');
  const base = parts[parts.length - 1];
  if (base === MANIFEST_FILE && parts.length - 1 <= MAX_PREFIX_DEPTH) {
    return { role: 'manifest', prefix: parts.slice(0, -1).join('/') };
  }
  const m = STEP_FILE.exec(base);
  if (m && parts.length >= 2 && parts[parts.length - 2] === 'steps' && parts.length - 2 <= MAX_PREFIX_DEPTH) {
    return { role: 'step', prefix: parts.slice(0, -2).join('/'), step: Number(m[1]), file: base };
  }
  return { role: 'other' };
}

export interface Selection<T> {
  steps: { step: number; file: string; item: T }[];
  manifest?: T;
}

/**
 * Pick the step files of one steps/ folder (the shallowest one) and the
 * manifest next to it. Returns a reason string when the choice is ambiguous.
 */
export function select<T>(items: { name: string; item: T }[]): Selection<T> | string {
  const steps: { prefix: string; step: number; file: string; item: T }[] = [];
  const manifests: { prefix: string; item: T }[] = [];
  for (const { name, item } of items) {
    const c = classify(name);
    if (c.role === 'step') steps.push({ prefix: c.prefix, step: c.step, file: c.file, item });
    else if (c.role === 'manifest') manifests.push({ prefix: c.prefix, item });
  }
  if (steps.length === 0) return 'no step files (steps/NN-name.ts) in the submission';
  const depth = (p: string) => (p === '' ? 0 : p.split('/').length);
  const shallowest = Math.min(...steps.map((s) => depth(s.prefix)));
  const prefixes = [...new Set(steps.filter((s) => depth(s.prefix) === shallowest).map((s) => s.prefix))];
  if (prefixes.length > 1) {
    return `two steps/ folders at the same level (${prefixes.map((p) => `${p || '.'}/steps`).join(', ')}): submit one`;
  }
  const prefix = prefixes[0];
  const chosen = steps.filter((s) => s.prefix === prefix);
  const byStep = new Map<number, string>();
  for (const s of chosen) {
    const other = byStep.get(s.step);
    if (other !== undefined) return `two files for step ${s.step} (${other}, ${s.file}): keep one`;
    byStep.set(s.step, s.file);
  }
  const nextToSteps = manifests.filter((m) => m.prefix === prefix);
  if (nextToSteps.length > 1) return `two ${MANIFEST_FILE} files in ${prefix || 'the top folder'}: keep one`;
  return {
    steps: chosen.map(({ step, file, item }) => ({ step, file, item })).sort((a, b) => a.step - b.step),
    manifest: nextToSteps[0]?.item,
  };
}
