// Markdown to one self-contained HTML page (styles inline, the chart's SVG
// inlined), for reading and for Chromium's print-to-PDF. The Markdown is
// rendered by markdown-it (CommonMark and GitHub tables; the same major as
// vitepress's): nested and indented lists, code blocks, tables. Raw HTML is
// shown as text except a few harmless inline tags; HTML comments (the kit's
// region markers, the student's notes to self) are not shown.

import fs from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Inline tags a table cell or a sentence may use; everything else is shown as text. */
const ALLOWED = /^<(\/?)(br|small|sub|sup|b|i|em|strong|code|kbd)\s*\/?>$/i;
const COMMENT = /^\s*<!--[\s\S]*?-->\s*$/;

const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
md.renderer.rules.html_inline = (tokens, idx) => {
  const t = tokens[idx].content;
  if (/^<!--/.test(t)) return '';
  const m = ALLOWED.exec(t.trim());
  return m ? `<${m[1]}${m[2].toLowerCase()}>` : esc(t);
};
md.renderer.rules.html_block = (tokens, idx) => {
  const t = tokens[idx].content;
  if (COMMENT.test(t)) return '';
  // a comment followed by text on the next lines: drop the comment, show the rest as text
  const rest = t.replace(/^\s*<!--[\s\S]*?-->\s*/, '');
  return rest.trim() ? `<p>${esc(rest.trim())}</p>\n` : '';
};
// headings get an id, so the report's table of contents and links work
md.core.ruler.push('heading_ids', (state) => {
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type === 'heading_open') tokens[i].attrSet('id', slug(tokens[i + 1]?.content ?? ''));
  }
});

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-');

export function markdownToHtml(source: string): string {
  return md.render(source).trim();
}

export function inline(text: string): string {
  return md.renderInline(text);
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
li > ul, li > ol { margin: .2rem 0; }
.answer { border-left: 3px solid #0969da; padding-left: .8rem; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { break-after: avoid; } table, figure, svg { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
`;

/**
 * A whole page. Images whose source is a local .svg file next to the report
 * are inlined, so the HTML (and the PDF printed from it) needs nothing else.
 */
export function htmlPage(title: string, md: string, baseDir: string): string {
  const body = markdownToHtml(md).replace(/<img src="([^"]+\.svg)" alt="([^"]*)">/g, (whole, src: string, alt: string) => {
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
