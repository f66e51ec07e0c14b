import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportTemplate } from '../../kit/report/command.ts';
import { htmlPage, inline, markdownToHtml } from '../../kit/report/html.ts';
import { fillRegions, region, regionNames } from '../../kit/report/regions.ts';
import { containerSection, headerComment, stepsSection } from '../../kit/report/sections.ts';
import type { CheckResult } from '../../kit/check/types.ts';

describe('kit regions of the report', () => {
  it('rewrites only the marked regions and keeps the student\'s text', () => {
    const doc = ['# Report', 'my intro', region('bench', 'old table'), 'my reading of it', region('observations', '- old'), 'end'].join('\n');
    const next = fillRegions(doc, { bench: 'new table', observations: '- new' });
    expect(next).toBe(['# Report', 'my intro', region('bench', 'new table'), 'my reading of it', region('observations', '- new'), 'end'].join('\n'));
    expect(fillRegions(next, { bench: 'new table', observations: '- new' })).toBe(next);
  });

  it('leaves deleted, unknown and unclosed regions alone', () => {
    const doc = ['<!-- kit:begin bench -->', 'half', 'the rest of my text'].join('\n');
    expect(fillRegions(doc, { bench: 'x' })).toBe(doc);
    expect(fillRegions('only my text', { bench: 'x' })).toBe('only my text');
    expect(fillRegions(region('mine', 'a'), { bench: 'x' })).toBe(region('mine', 'a'));
  });

  it('the template has a region for each generated section', () => {
    expect(regionNames(reportTemplate())).toEqual(['container', 'steps', 'bench', 'observations']);
  });
});

/** The rendered HTML without the newlines between tags, for compact expectations. */
const flat = (html: string): string => html.replace(/\n(?=<)/g, '');

describe('markdownToHtml (markdown-it)', () => {
  it('renders headings, paragraphs, lists, tables and code', () => {
    const html = flat(markdownToHtml(['# Title', '', 'Some **bold** and `a|b` text.', '', '- one', '- two', '', '| A | B |', '|---|---|', '| 1<br><small>x</small> | 2 |', '', '```', '<raw>', '```'].join('\n')));
    expect(html).toContain('<h1 id="title">Title</h1>');
    expect(html).toContain('<p>Some <strong>bold</strong> and <code>a|b</code> text.</p>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('<th>A</th><th>B</th>');
    expect(html).toContain('<td>1<br><small>x</small></td>');
    expect(html).toContain('<pre><code>&lt;raw&gt;</code></pre>');
  });

  it('renders indented and nested lists (the old converter looped forever on " - item")', () => {
    const doc = [' - indented item', '   1. x', '   2. y', ' - second', '     - deeper', '', '1. first', '   - a sub-point', '      with a continuation line', '2. second', '', 'A paragraph.', '', '    indented code block', '', '| a | b |', '|---|:-:|', '| `x\\|y` | 2 |'].join('\n');
    const t0 = performance.now();
    const html = flat(markdownToHtml(doc));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(html).toContain('<ul><li>indented item<ol><li>x</li><li>y</li></ol></li><li>second<ul><li>deeper</li></ul></li></ul>');
    expect(html).toContain('<ol><li>first<ul><li>a sub-point\nwith a continuation line</li></ul></li><li>second</li></ol>');
    expect(html).toContain('<p>A paragraph.</p><pre><code>indented code block</code></pre>');
    expect(html).toContain('<td><code>x|y</code></td>');
  });

  it('renders a long report with nested lists, code and tables in well under 5 s', () => {
    const block = [' - item', '   1. x', '      - deep `code`', '   2. y', '', '```sh', 'npm run step 2', '```', '', '| step | result |', '|---|---|', '| 1 | ✓ |', ''].join('\n');
    const doc = Array.from({ length: 2000 }, (_, i) => `## Part ${i}\n\n${block}`).join('\n');
    const t0 = performance.now();
    const html = markdownToHtml(doc);
    const ms = performance.now() - t0;
    expect(html.match(/<ol>/g)?.length).toBe(2000);
    expect(ms).toBeLessThan(5000);
  });

  it('escapes HTML a student (or anyone) types, and drops comments', () => {
    const html = markdownToHtml('<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n<div onclick="x()">block</div>\n\n<!-- kit:begin bench -->\nok\n<!-- kit:end bench -->');
    expect(html).not.toMatch(/<script|href="javascript|<img|<div/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('kit:begin');
    expect(html).toContain('<p>ok</p>');
  });

  it('renders emphasis without touching snake_case', () => {
    expect(inline('_your name_ and file_total_size')).toBe('<em>your name</em> and file_total_size');
  });
});

describe('htmlPage', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('inlines a local SVG chart so the page stands alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-report-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'bench.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>\n');
    const page = htmlPage('T', '![chart](bench.svg)', dir);
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<figure role="img" aria-label="chart"><svg');
    expect(page).not.toContain('src="bench.svg"');
    expect(page).not.toMatch(/<link |<script/);
  });
});

describe('report sections', () => {
  it('takes a step\'s "why" from its header comment', () => {
    const src = ['// Step 2: a root filesystem of its own, and a /home', '// on a loop device.', '//', '// Step 1 already gave it a mount namespace.', '', "import x from 'y';"].join('\n');
    expect(headerComment(src)).toBe('A root filesystem of its own, and a /home on a loop device.\n\nStep 1 already gave it a mount namespace.');
    expect(stepsSection([{ id: 2, title: 'Mount', why: 'Why.' }])).toBe('### Step 2: Mount\n\nWhy.');
  });

  it('lists what each check saw, with expected values of failures', () => {
    const check: CheckResult = {
      step: 1,
      title: 'PID',
      stepsDir: 'steps',
      status: 'fail',
      score: 2,
      maxScore: 3,
      durationMs: 5,
      assertions: [
        { id: 'a', name: 'is PID 1', points: 2, hint: '', page: '', status: 'pass', seen: 'pid=1' },
        { id: 'b', name: 'own hostname', points: 1, hint: '', page: '', status: 'fail', expected: 'cw-1', seen: 'host' },
      ],
    };
    const md = containerSection([check], undefined);
    expect(md).toContain('| 1 | PID | ✗ 2/3 (fail) |');
    expect(md).toContain('- ✓ is PID 1 — seen: pid=1');
    expect(md).toContain('- ✗ own hostname — seen: host (expected: cw-1)');
    expect(containerSection([], undefined, 'skipped')).toContain('_skipped_');
  });
});
