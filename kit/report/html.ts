// Markdown to one self-contained HTML page (styles inline, the chart's SVG
// inlined), for reading and for Chromium's print-to-PDF. Just the Markdown a
// report needs: headings, paragraphs, lists, tables, code, quotes, emphasis,
// links and images. Raw HTML is escaped except a few harmless inline tags.

import fs from 'node:fs';
import path from 'node:path';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Inline tags a table cell or a sentence may use; everything else is shown as text. */
const ALLOWED = /&lt;(\/?)(br|small|sub|sup|b|i|em|strong|code|kbd)\s*\/?&gt;/gi;

export function inline(text: string): string {
  const codes: string[] = [];
  // code spans first: nothing inside them is Markdown
  let s = text.replace(/`([^`]+)`/g, (_, c: string) => `\u0000${codes.push(esc(c)) - 1}\u0000`);
  s = esc(s).replace(ALLOWED, (_, close: string, tag: string) => `<${close}${tag.toLowerCase()}>`);
  s = s
    .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (_, alt: string, src: string) => `<img alt="${alt}" src="${src}">`)
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, href: string) => `<a href="${/^(https?:|\/|#|\.)/.test(href) ? href : `#${href}`}">${label}</a>`)
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[\s(>])_([^_\s][^_]*)_(?=$|[\s).,;:!?<])/g, '$1<em>$2</em>')
    .replace(/(^|[\s(>])\*([^*\s][^*]*)\*(?=$|[\s).,;:!?<])/g, '$1<em>$2</em>');
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => `<code>${codes[Number(i)]}</code>`);
}

const cells = (row: string): string[] =>
  row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-');

export function markdownToHtml(md: string): string {
  const lines = md.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  const isBlockStart = (l: string) => /^(#{1,6}\s|```|~~~|>\s?|[-*]\s|\d+\.\s|\|)/.test(l) || /^(-{3,}|\*{3,})\s*$/.test(l) || /^<!--/.test(l);
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    // HTML comments (the kit's region markers, the student's notes to self) are not shown
    if (/^<!--/.test(line.trim())) {
      while (i < lines.length && !lines[i].includes('-->')) i++;
      i++;
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      const level = h[1].length;
      out.push(`<h${level} id="${slug(h[2])}">${inline(h[2])}</h${level}>`);
      i++;
      continue;
    }
    if (/^(```|~~~)/.test(line)) {
      const fence = line.slice(0, 3);
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].startsWith(fence)) body.push(lines[i++]);
      i++;
      out.push(`<pre><code>${esc(body.join('\n'))}</code></pre>`);
      continue;
    }
    if (/^(-{3,}|\*{3,})\s*$/.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }
    if (/^>\s?/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) body.push(lines[i++].replace(/^>\s?/, ''));
      out.push(`<blockquote>${markdownToHtml(body.join('\n'))}</blockquote>`);
      continue;
    }
    if (/^\|/.test(line) && i + 1 < lines.length && /^\|?\s*:?-{3,}/.test(lines[i + 1])) {
      const head = cells(line);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && /^\|/.test(lines[i])) rows.push(cells(lines[i++]));
      out.push(
        `<table><thead><tr>${head.map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead><tbody>${rows
          .map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`,
      );
      continue;
    }
    const list = /^(\s*)([-*]|\d+\.)\s+/.exec(line);
    if (list) {
      const ordered = /\d/.test(list[2]);
      const items: string[] = [];
      while (i < lines.length && /^([-*]|\d+\.)\s+/.test(lines[i])) {
        let item = lines[i++].replace(/^([-*]|\d+\.)\s+/, '');
        // continuation lines (indented) belong to the item
        while (i < lines.length && /^\s{2,}\S/.test(lines[i])) item += ` ${lines[i++].trim()}`;
        items.push(`<li>${inline(item)}</li>`);
      }
      out.push(ordered ? `<ol>${items.join('')}</ol>` : `<ul>${items.join('')}</ul>`);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() && (para.length === 0 || !isBlockStart(lines[i]))) para.push(lines[i++]);
    out.push(`<p>${inline(para.join(' '))}</p>`);
  }
  return out.join('\n');
}

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.9rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }
h2 { font-size: 1.4rem; margin-top: 2rem; border-bottom: 1px solid #eaeef2; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.4rem; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .88em; }
code { background: #f6f8fa; padding: .1em .3em; border-radius: 4px; }
pre { background: #f6f8fa; padding: .8rem 1rem; border-radius: 6px; overflow-x: auto; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .85rem; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: .35rem .5rem; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
tr:nth-child(even) td { background: #fbfcfd; }
small { color: #57606a; }
blockquote { margin: 1rem 0; padding: .2rem 1rem; border-left: 4px solid #d0d7de; color: #57606a; }
svg, img { max-width: 100%; height: auto; }
figure { margin: 1rem 0; }
em { color: #57606a; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { break-after: avoid; } table, figure, svg { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
`;

/**
 * A whole page. Images whose source is a local .svg file next to the report
 * are inlined, so the HTML (and the PDF printed from it) needs nothing else.
 */
export function htmlPage(title: string, md: string, baseDir: string): string {
  const body = markdownToHtml(md).replace(/<img alt="([^"]*)" src="([^"]+\.svg)">/g, (whole, alt: string, src: string) => {
    if (/^[a-z]+:/i.test(src)) return whole;
    try {
      const svg = fs.readFileSync(path.resolve(baseDir, src), 'utf8').replace(/<\?xml[^>]*>\s*/, '');
      return `<figure role="img" aria-label="${alt}">${svg}</figure>`;
    } catch {
      return whole;
    }
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
