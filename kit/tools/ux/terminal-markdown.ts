// Just enough Markdown for a terminal: the hints are written once, for the
// site, and shown here with code in color and links as file paths.

import type { ChalkInstance } from 'chalk';
import { docLink } from '../../core/paths.ts';

export function terminalMarkdown(md: string, c: ChalkInstance, indent = '  '): string {
  const out: string[] = [];
  let fence = false;
  for (const line of md.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      fence = !fence;
      continue;
    }
    out.push(fence ? `${indent}  ${c.cyan(line)}` : `${indent}${inline(line, c)}`);
  }
  return out.join('\n');
}

function inline(text: string, c: ChalkInstance): string {
  return text
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, href: string) => `${label} (${href.startsWith('/') ? docLink(href) : href})`)
    .replace(/`([^`]+)`/g, (_, code: string) => c.cyan(code))
    .replace(/\*\*([^*]+)\*\*/g, (_, b: string) => c.bold(b))
    .replace(/(^|[\s(])\*([^*\s][^*]*)\*/g, (_, pre: string, em: string) => `${pre}${c.italic(em)}`);
}
