// The files `npm run release` writes rather than copies: the edition's
// package.json (no instructor scripts), tsconfig.json (no solutions/ or
// test/), .gitignore (results/ is handed in, so it is not ignored), README.md
// (which edition, a quick start without --solution) and the GitHub Classroom
// workflow, wired to the instructor's trusted kit.

import { KitError } from '../../core/errors.ts';
import { EDITION_MANIFEST } from './manifest.ts';

type Json = Record<string, unknown>;

export function editionPackageJson(full: string): string {
  const pkg = JSON.parse(full) as Json & { scripts?: Record<string, string> };
  const scripts = { ...(pkg.scripts ?? {}) };
  for (const s of EDITION_MANIFEST.scriptsRemoved) delete scripts[s];
  // dependencies stay as they are: package-lock.json must match for `npm ci`
  return `${JSON.stringify({ ...pkg, description: `${String(pkg.description ?? '')} Student edition.`.trim(), scripts }, null, 2)}\n`;
}

export function editionTsconfig(full: string): string {
  const ts = JSON.parse(full) as Json & { include?: string[] };
  const include = (ts.include ?? []).filter((p) => !/^(solutions|test|vitest\.config\.ts)\b/.test(p));
  return `${JSON.stringify({ ...ts, include }, null, 2)}\n`;
}

export function editionGitignore(full: string): string {
  // results/ holds the report and the benchmark the student hands in: a Classroom push must carry it
  return `${full
    .split('\n')
    .filter((l) => !/^\/?results\/?$/.test(l.trim()) && !/^submission-\*\.zip$/.test(l.trim()) && !/^grades\/?$/.test(l.trim()))
    .join('\n')
    .trim()}\n# the zip npm run submit writes (hand it in; it need not be committed)\nsubmission-*.zip\n`;
}

/** The placeholder a release without --trusted-kit leaves in the workflow. */
export const TRUSTED_KIT_PLACEHOLDER = 'OWNER/KIT-REPOSITORY@main';

/**
 * classroom/classroom.yml, with the instructor's trusted kit required: the
 * checks, kit and native shim are always taken from there, so a student who
 * edits checks/ changes nothing. The first of its trusted-kit steps that runs
 * a script (`if:` then `run: |`) gets the guard; every `if:` on the trusted
 * kit goes.
 */
export function editionWorkflow(full: string, trustedKit: string | undefined): string {
  const anchors = ['CW_TRUSTED_KIT: ""', "if: env.CW_TRUSTED_KIT != ''"];
  const missing = anchors.filter((a) => !full.includes(a));
  if (missing.length) {
    throw new KitError(
      `classroom/classroom.yml no longer has ${missing.map((m) => `\`${m}\``).join(' and ')}: the release cannot wire its workflow to the trusted kit.`,
      {
        hint: "Update kit/tools/release/generate.ts (editionWorkflow) to the workflow's new shape.",
        page: '/guide/instructor-grading#github-classroom',
      },
    );
  }
  const kit = trustedKit ?? TRUSTED_KIT_PLACEHOLDER;
  const guard = `if [ -z "$CW_TRUSTED_KIT" ] || [ "$CW_TRUSTED_KIT" = "${TRUSTED_KIT_PLACEHOLDER}" ]; then echo "::error::CW_TRUSTED_KIT is not set: the instructor sets it to owner/name@ref of the full kit (site/guide/instructor-grading.md)"; exit 1; fi`;
  const header =
    "# The student edition's workflow, written by `npm run release`: the checks and\n# the kit always come from the instructor's trusted kit (CW_TRUSTED_KIT).\n";
  const out =
    header +
    full
      .replace('CW_TRUSTED_KIT: ""', `CW_TRUSTED_KIT: "${kit}"`)
      // the first step that runs a script refuses to go on without the trusted kit...
      .replace(/^[ \t]*if: env\.CW_TRUSTED_KIT != ''\n([ \t]*)run: \|\n/m, (_all, ind: string) => `${ind}run: |\n${ind}  ${guard}\n`)
      // ...and every step that takes it (fetch, use) runs always, not only when set
      .replace(/^[ \t]*if: env\.CW_TRUSTED_KIT != ''\n/gm, '');
  if (!out.includes(guard) || out.includes("if: env.CW_TRUSTED_KIT != ''")) {
    throw new KitError(
      "classroom/classroom.yml's trusted-kit step no longer has the shape the release knows (`if:` then `run: |`): the edition's workflow would not require the trusted kit.",
      {
        hint: "Update kit/tools/release/generate.ts (editionWorkflow) to the workflow's new shape.",
        page: '/guide/instructor-grading#github-classroom',
      },
    );
  }
  return out;
}

export function editionReadme(o: { version: string; fullReadme: string }): string {
  const table = stepsTable(o.fullReadme);
  return `# container-workshop: student edition

**This is the student edition** of container-workshop ${o.version}, made by
your instructor from the full kit: the step files in \`steps/\` are skeletons
for you to complete, and there are **no reference solutions** in it (\`--solution\` says
so). Your instructor grades your work with the full kit, running the same
checks you run here.

You build a real Linux container, one piece at a time, in TypeScript; the
checker tells you whether each piece really works by looking at the kernel's
own state from the host (\`/proc/PID/ns/*\`, mountinfo, \`ip\`, cgroup files).

${table}
## Quick start

On Debian or Ubuntu (a VM is fine), with Node.js 20 or newer and root through sudo:

\`\`\`sh
npm install            # also builds the small C shim (native/)
npm run step 1         # your step 1: says which TODO is not done yet
npm run hint 1         # a nudge for the TODO you are on (call again for more)
npm run check 1        # checks your step 1 from the host
\`\`\`

Open \`steps/01-pid.ts\`, replace each \`todo(...)\` with real code, and run
\`npm run check 1\` until every line is green; then step 2, and so on. The
course is in \`site/\` (\`npm run docs\` serves it at http://localhost:5173).

## Handing in

1. \`npm run bench\` (step 5; \`-- --label NAME\` keeps a second run, e.g. with \`--cpus 1\`, next to the first).
2. \`npm run report\`: writes \`results/report.md\` (yours to edit: answer every
   question in your own words; running it again keeps what you wrote),
   \`report.html\` and \`report.pdf\`. It lists the questions still unanswered.
3. \`npm run submit\`: one zip with your steps, your results, the report's PDF
   and a README. Hand that zip in (or push, when your class uses GitHub
   Classroom: \`results/\` is committed with your work).

## The commands

| command | what it does |
|---|---|
| \`npm run step N\` | runs the container of your steps 1..N and drops you into a shell inside it |
| \`npm run step N -- -- CMD ARGS...\` | runs \`CMD\` inside and exits with its exit code |
| \`npm run step N -- --trace -- true\` | shows every command, cgroup write and syscall your container made (the report quotes it) |
| \`npm run check N\` | checks your step N from the host; \`npm run check\` checks every step |
| \`npm run hint N\` | the next hint for the TODO you are on |
| \`npm start\` | a menu of the steps: status, run, check, hint, reset, page |
| \`npm run watch N\` | re-checks step N on every save |
| \`npm run reset N\` | restores the skeleton of step N (your version is backed up in \`state/backups/\`) |
| \`npm run bench\` | step 5: sysbench on the host, in your container and in LXC |
| \`npm run report\` | writes your lab report: \`results/report.md\`, \`.html\`, \`.pdf\` |
| \`npm run submit\` | packs your work into one zip for your instructor |
| \`npm run clean\` | removes whatever a killed run left behind |
| \`npm run preflight\` | checks the machine and installs missing packages (asks first) |

Every command takes \`--help\`. As a normal user the kit re-runs itself through
\`sudo\` and says so; what it writes for you (\`results/\`, the report, the zip,
backups) stays yours.
`;
}

/** The table of steps from the full README (the rows between the first table's header and "## Quick start"). */
function stepsTable(readme: string): string {
  const start = readme.indexOf('| step |');
  const end = readme.indexOf('## Quick start');
  return start >= 0 && end > start ? `${readme.slice(start, end).trim()}\n\n` : '';
}

/** kit/tools/cli/full-kit.ts of the edition: the same exports, each saying the command needs the full kit. */
export function editionFullKitStub(): string {
  return `// The student edition's stand-in for the full kit's kit/tools/cli/full-kit.ts
// (written by \`npm run release\`): grading, perf, skeletons and release are
// not in this edition, and each says so.

import { requireFullKit } from '../../core/edition.ts';
import type { Command } from './command-type.ts';

export type FullKitCommand = 'grade' | 'perf' | 'skeletons' | 'release';

const absent =
  (name: FullKitCommand) =>
  async (): Promise<Command> => {
    requireFullKit(name);
    throw new Error(\`\${name} is not in the student edition\`);
  };

export const fullKitCommands: Record<FullKitCommand, () => Promise<Command>> = {
  grade: absent('grade'),
  perf: absent('perf'),
  skeletons: absent('skeletons'),
  release: absent('release'),
};
`;
}
