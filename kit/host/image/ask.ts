// "Offer to fix it": a question when a person is at the terminal, a flag otherwise.
// Checks, CI and piped runs never hang on a prompt: they get a message naming the flag.

import prompts from 'prompts';
import { KitError } from '../../core/errors.ts';

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

export const isInteractive = (): boolean => Boolean(process.stdin.isTTY && process.stdout.isTTY);

/** The fix to apply; throws a KitError when nobody can be asked or the person declines. */
export async function offerFix<T extends string>(offer: Offer<T>): Promise<T> {
  if (offer.chosen) return offer.chosen;
  if (offer.yes) return offer.fixes[0].value;
  if (!isInteractive()) {
    throw new KitError(offer.problem, { hint: `Nobody to ask (not a terminal): ${offer.flagHint}.`, page: offer.page });
  }
  const answer = await prompts({
    type: 'select',
    name: 'fix',
    message: `${offer.problem} What now?`,
    choices: [...offer.fixes.map((f) => ({ title: f.title, value: f.value as string })), { title: 'stop here', value: '' }],
  });
  const fix = answer.fix as string | undefined;
  if (!fix) throw new KitError(offer.problem, { hint: `Stopped as asked. Next time: ${offer.flagHint}.`, page: offer.page });
  return fix as T;
}
