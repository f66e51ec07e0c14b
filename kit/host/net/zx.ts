// zx costs ~100 ms to import: load it the first time a command actually runs,
// so that importing the kit's network module (every step-3 run, `npm run
// clean`) stays cheap.

type Dollar = typeof import('zx').$;

let loaded: Promise<Dollar> | undefined;

export const zx = (): Promise<Dollar> => (loaded ??= import('../../core/shell.ts').then((m) => m.$));
