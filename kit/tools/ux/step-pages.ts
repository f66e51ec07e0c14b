// The step pages' format, in code: where they live, how their title, TODOs and
// escalating hints are found. The kit owns it (the CLI's `hint`, watch and
// menu show the same hint text the site shows); the site's sidebar
// (site/.vitepress/config.ts) and its data loaders import it from here, and
// the tests keep every step page in this format. Format: site/steps/FORMAT.md.

import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../core/paths.ts';

/** The project root. */
export const rootDir = projectRoot;
/** site/ (the VitePress source folder). */
export const siteDir = path.join(rootDir, 'site');

const STEP_PAGE = /^(\d\d)-[\w-]+\.md$/;

export interface StepPageRef {
  step: number;
  /** absolute path of the .md file */
  file: string;
  /** site link without extension, e.g. '/steps/01-pid' */
  link: string;
  title: string;
}

export interface Hint {
  /** 1 = a nudge, 2 = the syscall, 3 = almost the answer */
  level: number;
  /** the details block's title, e.g. 'Hint 2 · the syscall' */
  title: string;
  /** the hint's Markdown */
  body: string;
}

export interface TodoSection {
  /** matches `todo('<id>', ...)` in the step file */
  id: string;
  /** heading text after the id, e.g. 'ask for the namespaces' */
  heading: string;
  /** the prose under the heading, before the first hint */
  task: string;
  hints: Hint[];
}

export interface StepPage {
  title: string;
  step: number | undefined;
  /** level-2 headings, in order */
  sections: string[];
  todos: TodoSection[];
}

/** Every site/steps/NN-*.md that exists, by step number then name. */
export function listStepPages(dir = path.join(siteDir, 'steps')): StepPageRef[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => STEP_PAGE.test(name))
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      const page = parseStepPage(fs.readFileSync(file, 'utf8'));
      return {
        step: Number(name.slice(0, 2)),
        file,
        link: `/steps/${name.replace(/\.md$/, '')}`,
        title: page.title || name,
      };
    });
}

/** Splits `---\nkey: value\n---` frontmatter (flat keys only) from the body. */
export function frontmatter(markdown: string): { data: Record<string, string>; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(markdown);
  if (!m) return { data: {}, body: markdown };
  const data: Record<string, string> = {};
  for (const line of m[1].split(/\r?\n/)) {
    const kv = /^([\w-]+):\s*(.*)$/.exec(line);
    if (kv) data[kv[1]] = kv[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return { data, body: markdown.slice(m[0].length) };
}

const TODO_HEADING = /^### TODO `([\w-]+)`\s*(?:[·:—-]\s*)?(.*?)\s*(?:\{#[\w-]+\})?\s*$/;
const HINT_OPEN = /^::: details (Hint (\d)\b.*)$/;

/** Reads a step page written in the format of site/steps/FORMAT.md. */
export function parseStepPage(markdown: string): StepPage {
  const { data, body } = frontmatter(markdown);
  const lines = body.split(/\r?\n/);
  const h1 = lines.find((l) => l.startsWith('# '));
  const sections: string[] = [];
  const todos: TodoSection[] = [];
  let todo: TodoSection | undefined;
  let hint: Hint | undefined;
  let fence = false;

  for (const line of lines) {
    // a ``` fence inside a hint is part of the hint, never a heading
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (hint) {
      if (!fence && line.trim() === ':::') {
        hint.body = hint.body.trim();
        hint = undefined;
      } else {
        hint.body += `${line}\n`;
      }
      continue;
    }
    if (fence) {
      if (todo) todo.task += `${line}\n`;
      continue;
    }
    if (line.startsWith('## ')) {
      sections.push(stripAnchor(line.slice(3)));
      todo = undefined;
      continue;
    }
    const t = TODO_HEADING.exec(line);
    if (t) {
      todo = { id: t[1], heading: t[2], task: '', hints: [] };
      todos.push(todo);
      continue;
    }
    if (line.startsWith('### ')) {
      todo = undefined;
      continue;
    }
    const h = HINT_OPEN.exec(line);
    if (h && todo) {
      hint = { level: Number(h[2]), title: h[1].trim(), body: '' };
      todo.hints.push(hint);
      continue;
    }
    if (todo && todo.hints.length === 0) todo.task += `${line}\n`;
  }
  for (const t of todos) t.task = t.task.trim();
  return {
    title: data.title ?? (h1 ? stripAnchor(h1.slice(2)) : ''),
    step: data.step === undefined ? undefined : Number(data.step),
    sections,
    todos,
  };
}

/** The TODO ids a step or solution file declares, in order of appearance. */
export function todoIdsInSource(source: string): string[] {
  const ids: string[] = [];
  const re = /\btodo\(\s*(['"`])([\w-]+)\1|\/\/\s*@todo\s+([\w-]+)\s*:/g;
  for (const m of source.matchAll(re)) {
    const id = m[2] ?? m[3];
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** The hints of one TODO of a step, as the site shows them (undefined if none). */
export function hintsFor(step: number, todoId: string, dir?: string): Hint[] | undefined {
  const ref = listStepPages(dir).find((p) => p.step === step);
  if (!ref) return undefined;
  const page = parseStepPage(fs.readFileSync(ref.file, 'utf8'));
  return page.todos.find((t) => t.id === todoId)?.hints;
}

function stripAnchor(heading: string): string {
  return heading.replace(/\s*\{#[\w-]+\}\s*$/, '').trim();
}
