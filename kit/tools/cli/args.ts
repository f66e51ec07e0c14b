// A small argument parser: `step 3 --memory 128M --solution -- sh -c 'id'`.
// Everything after `--` is the command for the container. The steps' options
// (--memory 128M) are checked and typed against the steps' declarations.

import { KitError } from '../../core/errors.ts';
import type { AnyOptionSpec, StepDefinition, StepOptionValues } from '../../core/types.ts';
import { parseSize } from '../../core/size.ts';

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | true>;
  rest: string[];
}

export function parseArgs(argv: string[], booleans: readonly string[] = []): ParsedArgs {
  const out: ParsedArgs = { positional: [], flags: {}, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.rest = argv.slice(i + 1);
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        out.flags[a.slice(2, eq)] = a.slice(eq + 1);
      } else {
        const name = a.slice(2);
        const next = argv[i + 1];
        if (booleans.includes(name) || next === undefined || next.startsWith('--')) out.flags[name] = true;
        else out.flags[name] = argv[++i];
      }
    } else if (a === '-h') {
      out.flags.help = true;
    } else {
      out.positional.push(a);
    }
  }
  return out;
}

// -- the steps' options: help and validation, made from the steps' declarations (StepDefinition.options)

/** One declared option, as the command line spells it. */
export interface DeclaredOption {
  /** the key in ctx.options, e.g. 'homeSize' */
  key: keyof StepOptionValues;
  /** the flag, e.g. 'home-size' */
  flag: string;
  spec: AnyOptionSpec;
  /** the step that declared it (the first one, when several list it) */
  step: StepDefinition;
}

/** `homeSize` -> `home-size`: the flag of an option. */
const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The options of the composed steps (step N = steps 1..N: the union of theirs), by flag. */
export function declaredOptions(steps: readonly StepDefinition[]): Map<string, DeclaredOption> {
  const out = new Map<string, DeclaredOption>();
  for (const step of steps) {
    for (const [key, spec] of Object.entries(step.options ?? {})) {
      const flag = kebab(key);
      if (spec && !out.has(flag)) out.set(flag, { key: key as keyof StepOptionValues, flag, spec, step });
    }
  }
  return out;
}

/** The flags that take no value (for parseArgs). */
export const booleanOptions = (steps: readonly StepDefinition[]): string[] =>
  [...declaredOptions(steps).values()].filter((o) => o.spec.type === 'boolean').map((o) => o.flag);

const GiB = 2 ** 30;
/** 268435456 -> '256M': a size as the command line writes it. */
const sizeText = (bytes: number): string =>
  [
    ['G', GiB],
    ['M', 2 ** 20],
    ['K', 1024],
  ]
    .map(([u, n]) => (bytes % Number(n) === 0 ? `${bytes / Number(n)}${u}` : ''))
    .find(Boolean) ?? String(bytes);

function valueName(o: DeclaredOption): string {
  const { spec } = o;
  if (spec.placeholder) return spec.placeholder;
  if (spec.type === 'enum') return spec.values.join('|');
  return { string: 'VALUE', number: 'N', integer: 'N', size: 'SIZE', boolean: '' }[spec.type];
}

const expected = (o: DeclaredOption): string =>
  o.spec.type === 'enum'
    ? `one of ${o.spec.values.join(', ')}`
    : {
        string: 'a value',
        number: 'a number, like 0.5',
        integer: 'a whole number, like 64',
        size: 'a size with a unit, like 64M or 1G (K, M, G, T are powers of 1024)',
        boolean: 'no value (or =true, =false)',
      }[o.spec.type];

/** The help's lines for the steps' options: flag, value, help, which step, default. */
export function optionsHelp(steps: readonly StepDefinition[]): string {
  const lines = [...declaredOptions(steps).values()].map((o) => {
    const left = `  --${o.flag}${valueName(o) ? ` ${valueName(o)}` : ''}`;
    const d = o.spec.default;
    const shown = d === undefined ? '' : `; default ${o.spec.type === 'size' && typeof d === 'number' ? sizeText(d) : String(d)}`;
    return `${left.padEnd(27)} ${o.spec.help} (step ${o.step.id}${shown})`;
  });
  return lines.join('\n');
}

/**
 * The steps' options from the parsed flags, checked and typed. A flag no step
 * declares, or a value of the wrong type: a KitError (exit 2) naming the
 * option, what it expects and the step's page.
 * `kitFlags`: the command's own flags (--solution, --yes ...), not the steps'.
 */
export function stepOptions(
  flags: ParsedArgs['flags'],
  steps: readonly StepDefinition[],
  kitFlags: readonly string[],
): Partial<StepOptionValues> {
  const declared = declaredOptions(steps);
  const last = steps.at(-1);
  const out: Record<string, string | number | boolean> = {};
  for (const [flag, raw] of Object.entries(flags)) {
    if (kitFlags.includes(flag)) continue;
    const o = declared.get(flag);
    if (!o) {
      const known = [...declared.keys()].map((f) => `--${f}`).join(', ') || 'none';
      throw new KitError(`Unknown option --${flag}${last ? ` for step ${last.id}` : ''}. The steps' options here: ${known}.`, {
        hint: `\`npm run step ${last?.id ?? 'N'} -- --help\` lists them with their values. A command for the container goes after a second --, e.g. npm run step 1 -- -- hostname.`,
        page: last?.page,
        exitCode: 2,
      });
    }
    out[o.key] = optionValue(o, raw);
  }
  // each value has its declaration's type (OptionSpec ties a key's type to its value's)
  return out as Partial<StepOptionValues>;
}

function optionValue(o: DeclaredOption, raw: string | true): string | number | boolean {
  const bad = (): KitError =>
    new KitError(`--${o.flag} ${raw === true ? 'needs a value' : `${JSON.stringify(raw)} is not valid`}: expected ${expected(o)}.`, {
      hint: `--${o.flag} (step ${o.step.id}): ${o.spec.help}.`,
      page: `${o.step.page}#options`,
      exitCode: 2,
    });
  const { spec } = o;
  if (spec.type === 'boolean') {
    if (raw === true || raw === 'true') return true;
    if (raw === 'false') return false;
    throw bad();
  }
  if (raw === true) throw bad();
  switch (spec.type) {
    case 'string':
      return raw;
    case 'enum':
      if (spec.values.includes(raw)) return raw;
      throw bad();
    case 'number':
    case 'integer': {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(n) || (spec.type === 'integer' && !Number.isSafeInteger(n))) throw bad();
      return n;
    }
    case 'size':
      try {
        return parseSize(raw, o.flag, `${o.step.page}#options`);
      } catch {
        throw bad();
      }
  }
}
