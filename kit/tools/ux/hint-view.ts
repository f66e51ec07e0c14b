// A hint answer as a student reads it (terminal) or a tool reads it (--json).

import type { ChalkInstance } from 'chalk';
import path from 'node:path';
import { docLink, projectRoot } from '../../core/paths.ts';
import type { HintAnswer } from './hints.ts';
import { terminalMarkdown } from './terminal-markdown.ts';

export function formatHint(a: HintAnswer, c: ChalkInstance): string {
  const page = (anchor?: string) => docLink(anchor ? `${a.step.page}#${anchor}` : a.step.page);
  const cmd = (extra = '') => c.cyan(`npm run hint ${a.step.id}${extra ? ` -- ${extra}` : ''}`);
  switch (a.kind) {
    case 'no-page':
      return `Step ${a.step.id} has no hints yet: its page ${path.relative(projectRoot, a.step.pageFile)} is not written.`;
    case 'all-written':
      return [
        `Every TODO of step ${a.step.id} is written${a.todos.length ? '' : ' (and its page has no TODO sections)'}.`,
        `If its check still fails, each failing line of ${c.cyan(`npm run check ${a.step.id}`)} has its own hint.`,
        a.todos.length ? `The hints of one TODO anyway: ${cmd('--todo ID')} with ID one of ${a.todos.map((t) => t.id).join(', ')}.` : '',
      ]
        .filter(Boolean)
        .join('\n');
    case 'unknown-todo':
      return `Step ${a.step.id}'s page has no hints for TODO "${a.todoId}". Its TODOs: ${a.todos.map((t) => t.id).join(', ') || 'none'}.`;
    case 'hint': {
      const lines = [c.bold(`Step ${a.step.id} · TODO ${a.todo.id}${a.todo.heading ? ` · ${a.todo.heading}` : ''}`)];
      for (const h of a.hints) {
        const n = a.todo.hints.indexOf(h) + 1;
        lines.push(`${c.yellow(`${h.title}`)} ${c.gray(`(${n} of ${a.total})`)}`, terminalMarkdown(h.body, c), '');
      }
      if (a.hints.length === 1) {
        lines.push(
          a.level < a.total
            ? c.gray(`${a.total - a.level} more: ${cmd()} again.`)
            : c.gray(`That was the last hint of this TODO. All of them: ${cmd('--all')}; start over: ${cmd('--reset')}.`),
        );
      }
      const others = a.remaining.filter((id) => id !== a.todo.id);
      if (others.length) lines.push(c.gray(`Other TODOs left in this step: ${others.join(', ')}.`));
      lines.push(c.gray(`read: ${page(`todo-${a.todo.id}`)}`));
      if (!a.remembered) lines.push(c.yellow('(the state folder is not writable: this hint level was not remembered)'));
      return lines.join('\n');
    }
  }
}

/** The machine-readable form (`npm run hint N -- --json`). */
export function hintJson(a: HintAnswer): Record<string, unknown> {
  const base = { step: a.step.id, kind: a.kind, page: `${a.step.page}` };
  switch (a.kind) {
    case 'no-page':
      return base;
    case 'all-written':
      return { ...base, todos: a.todos.map((t) => t.id) };
    case 'unknown-todo':
      return { ...base, todo: a.todoId, todos: a.todos.map((t) => t.id) };
    case 'hint':
      return {
        ...base,
        page: `${a.step.page}#todo-${a.todo.id}`,
        todo: { id: a.todo.id, heading: a.todo.heading },
        level: a.level,
        total: a.total,
        hints: a.hints.map((h) => ({ number: a.todo.hints.indexOf(h) + 1, title: h.title, body: h.body })),
        remaining: a.remaining,
        remembered: a.remembered,
      };
  }
}
