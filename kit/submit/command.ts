// `npm run submit [-- --name NAME --id ID --out FILE]`: pack the student's
// work into one zip for the instructor. Refuses when every step is still the
// pristine skeleton (nothing to submit).

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from '../cli/args.ts';
import { KitError } from '../errors.ts';
import { projectRoot, solutionsDir, stateDir, stepsDir } from '../paths.ts';
import { sha256 } from './manifest.ts';
import { buildManifest, changedSteps, collectFiles, localChecks, writeZip } from './pack.ts';
import { askStudent, loadStudent, saveStudent, validStudent, type Student } from './student.ts';

export const SUBMIT_USAGE = `usage: npm run submit [-- --name "Your Name" --id ID] [--out FILE]

Packs steps/, results/ and your report (if any) into one zip with a manifest
(kit version, your name and id, a sha256 per file, your last check results).
Asks your name and id once and remembers them (state/student.json).

  --name, --id   set (or change) who you are without being asked
  --out FILE     where to write the zip (default: submission-<id>.zip in the kit)`;

const PAGE = '/guide/instructor-grading#submit';

export interface SubmitOptions {
  root?: string;
  steps?: string;
  solutions?: string;
  state?: string;
  now?: Date;
  /** print nothing (tests) */
  quiet?: boolean;
}

export async function submitCommand(argv: string[], o: SubmitOptions = {}): Promise<number> {
  const args = parseArgs(argv);
  const root = o.root ?? projectRoot;
  const steps = o.steps ?? stepsDir;
  const state = o.state ?? stateDir();
  const say = (s: string) => {
    if (!o.quiet) process.stderr.write(`${s}\n`);
  };

  const { changed, pristine } = changedSteps(steps, o.solutions ?? solutionsDir);
  if (changed.length === 0) {
    throw new KitError('Nothing to submit yet: every step file is still the skeleton the kit came with.', {
      hint: 'Write the TODOs of a step (start with steps/01-*.ts), check it with `npm run check 1`, then submit.',
      page: PAGE,
      exitCode: 2,
    });
  }

  const flagName = typeof args.flags.name === 'string' ? args.flags.name.trim() : undefined;
  const flagId = typeof args.flags.id === 'string' ? args.flags.id.trim() : undefined;
  const saved = loadStudent(state);
  let student: Student;
  if (flagName !== undefined || flagId !== undefined) {
    student = { name: flagName ?? saved?.name ?? '', id: flagId ?? saved?.id ?? '' };
    const bad = validStudent(student);
    if (bad) throw new KitError(`Cannot submit: ${bad}.`, { hint: 'Give both: --name "Your Name" --id your-id', page: PAGE, exitCode: 2 });
  } else {
    student = saved ?? (await askStudent());
  }
  if (!saved || saved.name !== student.name || saved.id !== student.id) {
    const warning = saveStudent(state, student);
    if (warning) say(`note: ${warning}`);
  }

  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: string; version?: string };
  const { files, skipped } = collectFiles(root, steps);
  const manifest = buildManifest(files, {
    student,
    kit: { name: pkg.name ?? 'container-workshop', version: pkg.version ?? '0.0.0' },
    localChecks: localChecks(state, steps),
    now: o.now,
  });
  const safeId = student.id.replace(/[^A-Za-z0-9._-]+/g, '_');
  const out = path.resolve(typeof args.flags.out === 'string' ? args.flags.out : path.join(root, `submission-${safeId}.zip`));
  await writeZip(out, files, manifest);

  say(`submission for ${student.name} (${student.id}): ${path.relative(process.cwd(), out) || out}`);
  say(`  steps with your work: ${changed.join(', ')}${pristine.length ? `; still the skeleton: ${pristine.join(', ')}` : ''}`);
  if (manifest.localChecks) say(`  your last checks: passed ${manifest.localChecks.passed.join(', ') || 'none'}${manifest.localChecks.failed.length ? `, not passed ${manifest.localChecks.failed.join(', ')}` : ''}`);
  else say('  you have not run `npm run check` on these steps yet: the instructor will, but you may want to first');
  for (const s of skipped) say(`  left out (too big): ${s}`);
  say(`  sha256 ${sha256(fs.readFileSync(out))}`);
  say('Hand in this zip file as it is. Run `npm run submit` again after any change.');
  return 0;
}
