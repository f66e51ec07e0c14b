// Who is submitting: asked once (name and student id) and remembered in
// state/student.json, so the next `npm run submit` asks nothing.

import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../../core/errors.ts';

export interface Student {
  name: string;
  id: string;
}

const PAGE = '/guide/instructor-grading#submit';

export const studentFile = (stateDir: string): string => path.join(stateDir, 'student.json');

export function loadStudent(stateDir: string): Student | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(studentFile(stateDir), 'utf8')) as Partial<Student>;
    if (typeof s.name === 'string' && s.name.trim() && typeof s.id === 'string' && s.id.trim())
      return { name: s.name.trim(), id: s.id.trim() };
  } catch {
    // not asked yet
  }
  return undefined;
}

/** Remember the student; returns a warning when it cannot (state/ made by root, say). */
export function saveStudent(stateDir: string, s: Student): string | undefined {
  try {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(studentFile(stateDir), `${JSON.stringify(s, null, 2)}\n`);
    return undefined;
  } catch (err) {
    return `could not remember your name in ${studentFile(stateDir)} (${(err as NodeJS.ErrnoException).code}); you will be asked again next time`;
  }
}

export function validStudent(s: Partial<Student>): string | undefined {
  if (!s.name || !s.name.trim()) return 'your name is empty';
  if (!s.id || !s.id.trim()) return 'your student id is empty';
  if (s.name.length > 100 || s.id.length > 50) return 'name or id is too long';
  if (/[\u0000-\u001f]/.test(s.name + s.id)) return 'name or id contains control characters';
  return undefined;
}

/** Ask with prompts (only on a terminal). */
export async function askStudent(previous?: Partial<Student>): Promise<Student> {
  if (!process.stdin.isTTY) {
    throw new KitError('Who are you? This is the first submission from this copy of the kit, and there is no terminal to ask on.', {
      hint: 'Run `npm run submit -- --name "Your Name" --id your-student-id` once; it is remembered afterwards.',
      page: PAGE,
      exitCode: 2,
    });
  }
  const { default: prompts } = await import('prompts');
  let cancelled = false;
  const answers = (await prompts(
    [
      {
        type: 'text',
        name: 'name',
        message: 'Your full name',
        initial: previous?.name,
        validate: (v: string) => (v.trim() ? true : 'please type your name'),
      },
      {
        type: 'text',
        name: 'id',
        message: 'Your student id',
        initial: previous?.id,
        validate: (v: string) => (v.trim() ? true : 'please type your student id'),
      },
    ],
    { onCancel: () => (cancelled = true) },
  )) as Partial<Student>;
  if (cancelled) throw new KitError('Submission cancelled: nothing was written.', { exitCode: 130 });
  const s = { name: (answers.name ?? '').trim(), id: (answers.id ?? '').trim() };
  const bad = validStudent(s);
  if (bad) throw new KitError(`Cannot submit: ${bad}.`, { page: PAGE, exitCode: 2 });
  return s;
}
