// Hints nudge, they never dictate (issue 15): hint 1 names the idea, hint 2
// the syscall or command and its man page section, hint 3 the shape. Neither
// a hint nor a TODO's task text (the skeleton's todo() message) may contain a
// line of the solution's @todo region verbatim: each is compared, normalised
// (no spaces, quotes alike, no trailing ; or ,), with every line of the
// region of the same TODO and of every other TODO of that step.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { solutionsDir } from '../../kit/core/paths.ts';
import { listStepFiles } from '../../kit/core/steps.ts';
import { parseStepPage } from '../../kit/tools/ux/step-pages.ts';

const START = /^\s*\/\/ @todo ([\w-]+): (.*)$/;
const END = /^\s*\/\/ @end\s*$/;

/** Each @todo region's id, task text and code lines. */
function regions(source: string): { id: string; task: string; lines: string[] }[] {
  const out: { id: string; task: string; lines: string[] }[] = [];
  let open: { id: string; task: string; lines: string[] } | undefined;
  for (const line of source.split('\n')) {
    const m = START.exec(line);
    if (m) {
      open = { id: m[1], task: m[2], lines: [] };
      out.push(open);
    } else if (END.test(line)) {
      open = undefined;
    } else if (open && !/^\s*\/\//.test(line)) {
      open.lines.push(line);
    }
  }
  return out;
}

export const normalise = (s: string): string =>
  s
    .replace(/["'`]/g, "'")
    .replace(/\s+/g, '')
    .replace(/[;,]+$/g, '')
    .replace(/[;,]+(?=\n|$)/g, '');

/** Lines long enough to be an answer (`}`, `} else {`, `return x;` are not). */
const MIN = 14;

/** The solution lines (normalised) that `text` contains verbatim. */
export function verbatimLines(text: string, lines: string[]): string[] {
  const t = normalise(text);
  // (an opening line alone, `commands.push(` or `switch (x) {`, is shape, not answer)
  return lines.map(normalise).filter((l) => l.length >= MIN && !/[({[]$/.test(l) && t.includes(l));
}

/** A man page reference: mount(2), losetup(8), cgroups(7). */
const MAN = /\b[\w.-]+\((\d)\)/;

const steps = listStepFiles(solutionsDir).map((f) => ({
  ...f,
  page: path.join(solutionsDir, '..', 'site', 'steps', path.basename(f.file).replace(/\.ts$/, '.md')),
}));

describe('hints nudge, they do not dictate', () => {
  it('finds a verbatim line however it is spaced or quoted (the test can fail)', () => {
    const lines = ["    spec.ops.push(mount('proc', '/proc', 'proc', ['MS_NOSUID']));"];
    expect(verbatimLines('Write `spec.ops.push(mount("proc", "/proc", "proc", ["MS_NOSUID"]))` in configure.', lines)).toHaveLength(1);
    expect(verbatimLines('Mount a procfs on /proc with mount(2): source, target, type, then flags.', lines)).toEqual([]);
  });

  for (const s of steps) {
    const source = fs.readFileSync(s.file, 'utf8');
    const regs = regions(source);
    const all = regs.flatMap((r) => r.lines);
    const todos = parseStepPage(fs.readFileSync(s.page, 'utf8')).todos;

    describe(`step ${s.id} (${path.basename(s.page)})`, () => {
      it('no hint contains a line of the solution', () => {
        const found = todos.flatMap((t) => t.hints.flatMap((h) => verbatimLines(h.body, all).map((l) => `${t.id} hint ${h.level}: ${l}`)));
        expect(found).toEqual([]);
      });

      it('no TODO task text (the todo() message) contains a line of the solution', () => {
        const found = regs.flatMap((r) => verbatimLines(r.task, all).map((l) => `${r.id}: ${l}`));
        expect(found).toEqual([]);
      });

      if (s.id <= 4) {
        it('hint 2 of every TODO names its syscall or command with the man page section', () => {
          const missing = todos.filter((t) => !MAN.test(t.hints.find((h) => h.level === 2)?.body ?? '')).map((t) => t.id);
          expect(missing).toEqual([]);
        });
      }
    });
  }
});
