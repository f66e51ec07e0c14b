// Every step page follows site/steps/FORMAT.md: its sections, one TODO section
// per todo() of the step file, three escalating hints each, and a "How it's
// checked" that is generated from the check. Also the parser itself, which the
// sidebar and `npm run hint` rely on.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listStepPages, parseStepPage, rootDir, todoIdsInSource } from '../../kit/tools/ux/step-pages.ts';

const SECTIONS = ['goal', 'the-theory-it-needs', 'the-task', 'try-it', 'how-it-s-checked', 'common-errors'];

describe('the step-page parser', () => {
  const md = [
    '---',
    'title: "Step 9: demo"',
    'step: 9',
    '---',
    '',
    '# Step 9: demo',
    '',
    '## The task {#the-task}',
    '',
    '### TODO `flags` · ask for it {#todo-flags}',
    '',
    'Ask for the flag.',
    '',
    '::: details Hint 1 · a nudge',
    'Think.',
    ':::',
    '',
    '::: details Hint 2 · the syscall',
    '```ts',
    ':::',
    '## not a heading inside a fence',
    '```',
    ':::',
    '',
    '### Not a TODO {#other}',
    '',
    '::: details Hint 1 · ignored: not under a TODO',
    'x',
    ':::',
    '',
    '## Try it {#try-it}',
  ].join('\n');

  it('reads the title, step, sections, TODOs and hints', () => {
    const page = parseStepPage(md);
    expect(page.title).toBe('Step 9: demo');
    expect(page.step).toBe(9);
    expect(page.sections).toEqual(['The task', 'Try it']);
    expect(page.todos).toHaveLength(1);
    expect(page.todos[0]).toMatchObject({ id: 'flags', heading: 'ask for it', task: 'Ask for the flag.' });
    expect(page.todos[0].hints.map((h) => [h.level, h.title])).toEqual([
      [1, 'Hint 1 · a nudge'],
      [2, 'Hint 2 · the syscall'],
    ]);
    expect(page.todos[0].hints[1].body).toBe('```ts\n:::\n## not a heading inside a fence\n```');
  });

  it('finds TODO ids in skeletons and in solutions', () => {
    expect(todoIdsInSource(`todo("a", 'x'); todo('b-2', "y"); todo("a", 'again')`)).toEqual(['a', 'b-2']);
    expect(todoIdsInSource('// @todo private-root: make it private\nx\n// @end')).toEqual(['private-root']);
  });
});

const pages = listStepPages();

describe.each(pages.map((p) => [path.basename(p.file), p] as const))('site/steps/%s', (name, ref) => {
  const md = fs.readFileSync(ref.file, 'utf8');
  const page = parseStepPage(md);
  const stepFile = fs.readdirSync(path.join(rootDir, 'steps')).find((f) => f === name.replace(/\.md$/, '.ts'));

  it('has frontmatter with its step number and a title', () => {
    expect(page.step).toBe(ref.step);
    expect(page.title).toMatch(new RegExp(`^Step ${ref.step}\\b`));
  });

  it('has the six sections, in order, with their anchors', () => {
    const ids = [...md.matchAll(/^## .*\{#([\w-]+)\}\s*$/gm)].map((m) => m[1]);
    const present = ids.filter((id) => SECTIONS.includes(id));
    expect(present).toEqual(SECTIONS);
  });

  it('generates "How it\'s checked" from the check', () => {
    const section = md.slice(md.indexOf('{#how-it-s-checked}'), md.indexOf('{#common-errors}'));
    expect(section).toContain(`<HowChecked :step="${ref.step}" />`);
  });

  it('matches a step file of the same name', () => {
    expect(stepFile, `steps/${name.replace(/\.md$/, '.ts')} should exist`).toBeDefined();
  });

  it.skipIf(!stepFile)('has one TODO section per todo() of the step file, in order', () => {
    const ids = todoIdsInSource(fs.readFileSync(path.join(rootDir, 'steps', stepFile ?? ''), 'utf8'));
    expect(page.todos.map((t) => t.id)).toEqual(ids);
  });

  it('anchors each TODO as #todo-<id>', () => {
    for (const t of page.todos) expect(md).toMatch(new RegExp(`^### TODO \`${t.id}\`.*\\{#todo-${t.id}\\}\\s*$`, 'm'));
  });

  it('gives every TODO a task and three escalating hints', () => {
    for (const t of page.todos) {
      expect(t.task, `TODO ${t.id} says what to do`).not.toBe('');
      expect(
        t.hints.map((h) => h.level),
        `TODO ${t.id}`,
      ).toEqual([1, 2, 3]);
      for (const h of t.hints) {
        expect(h.body, `TODO ${t.id}, ${h.title}`).not.toBe('');
        expect(h.body, 'hints are plain Markdown: the terminal shows them too').not.toMatch(/<[A-Z][\w]*[\s/>]/);
      }
    }
  });
});
