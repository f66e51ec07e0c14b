// A small argument parser: `step 3 --memory 128M --solution -- sh -c 'id'`.
// Everything after `--` is the command for the container.

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

/** `--memory-limit` -> `memoryLimit`, the key steps read from ctx.options. */
export const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
