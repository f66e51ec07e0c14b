// Finds every `npm ...` command the site shows a reader, with the flags given
// to the kit, so that a test can hold the site to what the kit really has.

import fs from 'node:fs';
import path from 'node:path';
import { siteDir } from '../../kit/tools/ux/step-pages.ts';

export interface ShownCommand {
  /** the npm script: 'step', 'check', 'test', 'start' ... */
  script: string;
  /** flags after the first `--` (the kit's own), before any second `--` (the container's command) */
  flags: string[];
  /** the command as written, for messages */
  text: string;
  /** site-relative file it was found in */
  file: string;
}

const NOT_PAGES = new Set(['FORMAT.md', 'README.md']);
/** npm's own commands that run a package.json script of the same name */
const SCRIPT_ALIASES: Record<string, string> = { test: 'test', start: 'start', t: 'test' };

/** Markdown pages and Vue components: everything a reader sees. */
export function siteSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === 'dist' || e.name === 'cache' || e.name === 'node_modules' || e.name === 'public') continue;
        walk(p);
      } else if ((e.name.endsWith('.md') && !NOT_PAGES.has(e.name)) || e.name.endsWith('.vue')) {
        out.push(p);
      }
    }
  };
  walk(siteDir);
  return out.sort();
}

/** Splits the words of a shell command line, keeping quoted strings whole. */
function words(line: string): string[] {
  return [...line.matchAll(/'[^']*'|"[^"]*"|\S+/g)].map((m) => m[0]);
}

export function commandsIn(text: string, file = ''): ShownCommand[] {
  const found: ShownCommand[] = [];
  for (const raw of text.split('\n')) {
    // `npm run x`, `npm test`, `npm start`; the command ends at a backtick, a comment,
    // a table cell, an HTML tag or a shell operator
    for (const m of raw.matchAll(/\bnpm (run|test|start|t)\b([^`#|<>;&]*)/g)) {
      const rest = words(m[2].trim());
      let script: string;
      let args: string[];
      if (m[1] === 'run') {
        const name = rest[0];
        if (!name || !/^[a-z][\w:-]*$/.test(name)) continue; // prose like "npm run <command>"
        script = name;
        args = rest.slice(1);
      } else {
        script = SCRIPT_ALIASES[m[1]];
        args = rest;
      }
      const first = args.indexOf('--');
      const own = first < 0 ? [] : args.slice(first + 1);
      const second = own.indexOf('--');
      const flags = (second < 0 ? own : own.slice(0, second)).filter((w) => /^--[a-z][\w-]*$/.test(w));
      found.push({ script, flags, text: `npm ${m[1]}${m[2]}`.trim(), file });
    }
  }
  return found;
}

/** Every command shown anywhere on the site. */
export function shownCommands(): ShownCommand[] {
  return siteSources().flatMap((f) => commandsIn(fs.readFileSync(f, 'utf8'), path.relative(siteDir, f)));
}
