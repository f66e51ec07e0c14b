// Asking a person, the kit's one prompt helper: arrow-key menus (prompts) on
// a terminal, numbered plain text when stdin or stdout is not one (a pipe, an
// editor's console, a screen reader). Both answer `undefined` when the person
// cancels or input ends. `offerFix` is the host's "offer to fix it": a
// question when a person is at the terminal, a flag otherwise, so checks, CI
// and piped runs never hang on a prompt.
//
// It lives in core, not in tools/ux, because the host asks too (a damaged or
// too small home image is found in the middle of a step's prepare, and
// preflight asks before apt-get): host may not import tools, and threading a
// callback through every step's context for those two questions would be
// heavier than one leaf module with no kit imports but errors.ts.

import readline from 'node:readline';
import { KitError } from './errors.ts';

export interface Choice<T> {
  title: string;
  value: T;
  description?: string;
}

export interface Asker {
  readonly interactive: boolean;
  choose<T>(message: string, choices: Choice<T>[], initial?: number): Promise<T | undefined>;
  confirm(message: string, initial?: boolean): Promise<boolean | undefined>;
  /** release stdin for a child process that takes over the terminal */
  pause(): void;
  resume(): void;
  close(): void;
}

export const isTerminal = (): boolean => Boolean(process.stdin.isTTY && process.stdout.isTTY);

export function asker(): Asker {
  return isTerminal() ? promptsAsker() : lineAsker(process.stdin, process.stdout);
}

function promptsAsker(): Asker {
  // loaded on first use: prompts costs start-up time the other commands do not need
  const load = async () => (await import('prompts')).default;
  return {
    interactive: true,
    async choose<T>(message: string, choices: Choice<T>[], initial = 0) {
      const prompts = await load();
      // prompts hands back the index as value when values are not primitives: map through it
      const answer = (await prompts(
        {
          type: 'select',
          name: 'i',
          message,
          choices: choices.map((ch, i) => ({ title: ch.title, description: ch.description, value: i })),
          initial: Math.max(0, Math.min(initial, choices.length - 1)),
          hint: '↑/↓ Enter · Esc: back',
        },
        { onCancel: () => true },
      )) as { i?: number };
      return answer.i === undefined ? undefined : choices[answer.i]?.value;
    },
    async confirm(message, initial = false) {
      const prompts = await load();
      const answer = (await prompts({ type: 'confirm', name: 'ok', message, initial }, { onCancel: () => true })) as { ok?: boolean };
      return answer.ok;
    },
    pause() {},
    resume() {},
    close() {},
  };
}

/** One line of input at a time, shared by every question of a session. */
function lineAsker(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Asker {
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  const rl = readline.createInterface({ input, terminal: false });
  rl.on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const w of waiting.splice(0)) w(undefined);
  });
  const next = (): Promise<string | undefined> => {
    if (lines.length) return Promise.resolve(lines.shift());
    if (ended) return Promise.resolve(undefined);
    return new Promise((resolve) => waiting.push(resolve));
  };
  const write = (s: string) => output.write(s);
  return {
    interactive: false,
    async choose<T>(message: string, choices: Choice<T>[]) {
      write(`${message}\n`);
      choices.forEach((ch, i) => write(`  ${String(i + 1).padStart(2)}) ${ch.title}${ch.description ? ` - ${ch.description}` : ''}\n`));
      for (;;) {
        write(`choose 1-${choices.length} (q to go back): `);
        const line = await next();
        if (line === undefined) {
          write('\n');
          return undefined;
        }
        const answer = line.trim().toLowerCase();
        if (answer === 'q' || answer === 'quit') return undefined;
        const n = Number(answer);
        if (Number.isInteger(n) && n >= 1 && n <= choices.length) return choices[n - 1].value;
        write(`"${line.trim()}" is not one of the numbers above.\n`);
      }
    },
    async confirm(message, initial = false) {
      write(`${message} ${initial ? '[Y/n]' : '[y/N]'} `);
      const line = await next();
      if (line === undefined) return undefined;
      const answer = line.trim().toLowerCase();
      return answer === '' ? initial : answer === 'y' || answer === 'yes';
    },
    pause: () => rl.pause(),
    resume: () => rl.resume(),
    close: () => rl.close(),
  };
}

export interface Fix<T extends string> {
  value: T;
  title: string;
}

export interface Offer<T extends string> {
  /** what is wrong, as a sentence */
  problem: string;
  /** the fixes offered, the first one is what --yes picks */
  fixes: Fix<T>[];
  /** the fix chosen on the command line already (e.g. --recreate-image), if any */
  chosen?: T;
  /** --yes: accept the first fix */
  yes: boolean;
  /** how to choose without a terminal, e.g. 'run again with --recreate-image (erases it) or --yes' */
  flagHint: string;
  page: string;
}

/** The fix to apply; throws a KitError when nobody can be asked or the person declines. */
export async function offerFix<T extends string>(offer: Offer<T>, ask: () => Asker = asker): Promise<T> {
  if (offer.chosen) return offer.chosen;
  if (offer.yes) return offer.fixes[0].value;
  if (!isTerminal()) {
    throw new KitError(offer.problem, { hint: `Nobody to ask (not a terminal): ${offer.flagHint}.`, page: offer.page });
  }
  const fix = await ask().choose<T | ''>(`${offer.problem} What now?`, [...offer.fixes, { title: 'stop here', value: '' }]);
  if (!fix) throw new KitError(offer.problem, { hint: `Stopped as asked. Next time: ${offer.flagHint}.`, page: offer.page });
  return fix;
}
