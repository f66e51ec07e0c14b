// `npm run release -- --out DIR`: the student edition, by the explicit
// manifest of kit/tools/release/manifest.ts. Runs as the user who types it (no
// root): it only reads the kit and writes DIR.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from '../cli/args.ts';
import { say, warn } from '../cli/output.ts';
import { editionFile, kitVersion, shippedSkeletonFile } from '../../core/edition.ts';
import { KitError } from '../../core/errors.ts';
import { projectRoot, solutionsDir } from '../../core/paths.ts';
import { generateSkeletons } from '../skeleton.ts';
import { importClosure } from './closure.ts';
import {
  editionFullKitStub,
  editionGitignore,
  editionPackageJson,
  editionReadme,
  editionTsconfig,
  editionWorkflow,
  TRUSTED_KIT_PLACEHOLDER,
} from './generate.ts';
import { EDITION_MANIFEST } from './manifest.ts';

const PAGE = '/guide/instructor#student-edition';

export interface ReleaseResult {
  out: string;
  files: string[];
}

export async function releaseCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['force']);
  if (typeof args.flags.out !== 'string' || !args.flags.out.trim()) {
    throw new KitError('Where to? Give the folder for the student edition: `npm run release -- --out ../container-workshop-student`.', {
      page: PAGE,
      exitCode: 2,
    });
  }
  const trusted = typeof args.flags['trusted-kit'] === 'string' ? args.flags['trusted-kit'] : undefined;
  if (trusted !== undefined && !/^[\w.-]+\/[\w.-]+@[\w./-]+$/.test(trusted)) {
    throw new KitError(`--trusted-kit ${JSON.stringify(trusted)} is not OWNER/NAME@REF.`, {
      hint: 'For example: --trusted-kit my-course/container-workshop@main',
      page: PAGE,
      exitCode: 2,
    });
  }
  const r = release({ out: args.flags.out, trustedKit: trusted, force: args.flags.force === true });
  say(`wrote the student edition to ${r.out}: ${r.files.length} files, no solutions/`);
  if (!trusted)
    warn(
      `its Classroom workflow names the trusted kit ${TRUSTED_KIT_PLACEHOLDER}: set CW_TRUSTED_KIT in .github/workflows/classroom.yml, or release again with --trusted-kit OWNER/NAME@REF`,
    );
  say("next: cd into it, `git init`, commit, push it as the assignment's template repository (site/guide/instructor.md#student-edition)");
  return 0;
}

export function release(o: { out: string; trustedKit?: string; force?: boolean; root?: string }): ReleaseResult {
  const root = o.root ?? projectRoot;
  const out = path.resolve(o.out);
  const inside = path.relative(root, out);
  if (!inside.startsWith('..') && !path.isAbsolute(inside)) {
    throw new KitError(`--out ${out} is inside the kit: the edition must be a folder of its own.`, {
      hint: 'For example: --out ../container-workshop-student',
      page: PAGE,
      exitCode: 2,
    });
  }
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    if (!o.force)
      throw new KitError(`${out} exists and is not empty.`, {
        hint: 'Give a new folder, or --force to replace it.',
        page: PAGE,
        exitCode: 2,
      });
    fs.rmSync(out, { recursive: true, force: true });
  }
  const solutions = o.root ? path.join(root, 'solutions') : solutionsDir;
  const skeletons = generateSkeletons(solutions);
  if (skeletons.size === 0) throw new KitError(`No solutions in ${solutions} to make the skeletons from.`, { page: PAGE, exitCode: 2 });

  const files = new Map<string, Buffer | string>();
  const skip = (rel: string) => EDITION_MANIFEST.skip.some((s) => rel === s || rel.startsWith(`${s}/`));
  for (const top of EDITION_MANIFEST.copy)
    for (const rel of walk(root, top)) if (!skip(rel)) files.set(rel, fs.readFileSync(path.join(root, rel)));

  // the kit: what the student's commands, steps and checks import, and nothing the manifest forbids
  const entries = [...EDITION_MANIFEST.kitEntries, ...[...files.keys()].filter((f) => /^(steps|checks)\/.*\.ts$/.test(f))];
  for (const rel of importClosure(root, entries, EDITION_MANIFEST.never))
    if (!files.has(rel)) files.set(rel, fs.readFileSync(path.join(root, rel)));

  // steps/: the skeletons, generated from solutions/ now (not whatever steps/ holds in this checkout)
  const version = kitVersion(root);
  for (const [name, text] of skeletons) {
    files.set(`steps/${name}`, text);
    files.set(path.relative(root, shippedSkeletonFile(name, root)).split(path.sep).join('/'), text);
  }
  const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
  files.set(
    path.relative(root, editionFile(root)).split(path.sep).join('/'),
    `${JSON.stringify({ edition: 'student', version, madeAt: new Date().toISOString() }, null, 2)}\n`,
  );
  files.set('package.json', editionPackageJson(read('package.json')));
  files.set('kit/tools/cli/full-kit.ts', editionFullKitStub());
  files.set('tsconfig.json', editionTsconfig(read('tsconfig.json')));
  files.set('.gitignore', editionGitignore(read('.gitignore')));
  files.set('README.md', editionReadme({ version, fullReadme: read('README.md') }));
  files.set('.github/workflows/classroom.yml', editionWorkflow(read('classroom/classroom.yml'), o.trustedKit));

  for (const [rel, data] of files) {
    const dest = path.join(out, rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, data);
  }
  return { out, files: [...files.keys()].sort() };
}

/** Regular files under root/top (or top itself), relative to root with '/'; symlinks are not followed. */
function walk(root: string, top: string): string[] {
  const full = path.join(root, top);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(full);
  } catch {
    return [];
  }
  if (st.isFile()) return [top];
  if (!st.isDirectory()) return [];
  return fs
    .readdirSync(full)
    .sort()
    .flatMap((name) => walk(root, `${top}/${name}`));
}
