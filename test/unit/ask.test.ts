// core/ask.ts's offerFix on a terminal: the question goes through the one
// prompt helper (an Asker), and "stop here" or a cancel is a clear KitError.
import { afterEach, describe, expect, it } from 'vitest';
import { offerFix, type Asker, type Choice } from '../../kit/core/ask.ts';
import { KitError } from '../../kit/core/errors.ts';

const offer = {
  problem: 'The home image is too small.',
  fixes: [
    { value: 'grow' as const, title: 'grow it' },
    { value: 'recreate' as const, title: 'recreate it' },
  ],
  yes: false,
  flagHint: 'run again with --recreate-image or --yes',
  page: '/steps/02-mount#troubleshooting',
};

/** An Asker that answers with the choice titled `pick` (undefined: cancels), and remembers what it was shown. */
function answering(pick: string | undefined) {
  const shown: string[] = [];
  const ask: Asker = {
    interactive: true,
    async choose<T>(message: string, choices: Choice<T>[]) {
      shown.push(message, ...choices.map((c) => c.title));
      return choices.find((c) => c.title === pick)?.value;
    },
    confirm: async () => undefined,
    pause() {},
    resume() {},
    close() {},
  };
  return { ask: () => ask, shown };
}

describe('offerFix on a terminal', () => {
  const saved = ['stdin', 'stdout'].map((s) => [s, Object.getOwnPropertyDescriptor(process[s as 'stdin'], 'isTTY')] as const);
  const terminal = () => {
    for (const s of [process.stdin, process.stdout]) Object.defineProperty(s, 'isTTY', { value: true, configurable: true });
  };
  afterEach(() => {
    for (const [s, d] of saved) {
      if (d) Object.defineProperty(process[s as 'stdin'], 'isTTY', d);
      else delete (process[s as 'stdin'] as { isTTY?: boolean }).isTTY;
    }
  });

  it('asks, offering the fixes and "stop here", and returns the fix chosen', async () => {
    terminal();
    const a = answering('recreate it');
    expect(await offerFix(offer, a.ask)).toBe('recreate');
    expect(a.shown).toEqual(['The home image is too small. What now?', 'grow it', 'recreate it', 'stop here']);
  });

  it('"stop here" and a cancelled question are a KitError naming the flag, not a fix', async () => {
    terminal();
    for (const pick of ['stop here', undefined]) {
      const err = await offerFix(offer, answering(pick).ask).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KitError);
      expect((err as KitError).hint).toMatch(/Stopped as asked.*--recreate-image or --yes/);
    }
  });
});
