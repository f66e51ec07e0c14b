import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportTemplate } from '../../kit/tools/report/command.ts';
import { htmlPage, inline, markdownToHtml } from '../../kit/tools/report/html.ts';
import { fillRegions, region, regionNames } from '../../kit/tools/report/regions.ts';
import { containerSection, stepEvidenceSection } from '../../kit/tools/report/sections.ts';
import type { CheckResult } from '../../kit/tools/check/types.ts';
import { writeReport } from '../../kit/tools/report/command.ts';
import { summarizeTrace } from '../../kit/tools/report/evidence.ts';
import { ANSWER_PLACEHOLDER, unanswered } from '../../kit/tools/report/questions.ts';
import { traceFile, type TraceEvent } from '../../kit/core/trace.ts';

describe('kit regions of the report', () => {
  it("rewrites only the marked regions and keeps the student's text", () => {
    const doc = ['# Report', 'my intro', region('bench', 'old table'), 'my reading of it', region('observations', '- old'), 'end'].join(
      '\n',
    );
    const next = fillRegions(doc, { bench: 'new table', observations: '- new' });
    expect(next).toBe(
      ['# Report', 'my intro', region('bench', 'new table'), 'my reading of it', region('observations', '- new'), 'end'].join('\n'),
    );
    expect(fillRegions(next, { bench: 'new table', observations: '- new' })).toBe(next);
  });

  it('leaves deleted, unknown and unclosed regions alone', () => {
    const doc = ['<!-- kit:begin bench -->', 'half', 'the rest of my text'].join('\n');
    expect(fillRegions(doc, { bench: 'x' })).toBe(doc);
    expect(fillRegions('only my text', { bench: 'x' })).toBe('only my text');
    expect(fillRegions(region('mine', 'a'), { bench: 'x' })).toBe(region('mine', 'a'));
  });

  it('the template has a region for each generated section', () => {
    expect(
      regionNames(
        reportTemplate([
          { id: 1, title: 'PID' },
          { id: 2, title: 'Mount' },
        ]),
      ),
    ).toEqual(['container', 'step-1', 'step-2', 'bench', 'observations']);
  });
});

/** The rendered HTML without the newlines between tags, for compact expectations. */
const flat = (html: string): string => html.replace(/\n(?=<)/g, '');

describe('markdownToHtml (markdown-it)', () => {
  it('renders headings, paragraphs, lists, tables and code', () => {
    const html = flat(
      markdownToHtml(
        [
          '# Title',
          '',
          'Some **bold** and `a|b` text.',
          '',
          '- one',
          '- two',
          '',
          '| A | B |',
          '|---|---|',
          '| 1<br><small>x</small> | 2 |',
          '',
          '```',
          '<raw>',
          '```',
        ].join('\n'),
      ),
    );
    expect(html).toContain('<h1 id="title">Title</h1>');
    expect(html).toContain('<p>Some <strong>bold</strong> and <code>a|b</code> text.</p>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('<th>A</th><th>B</th>');
    expect(html).toContain('<td>1<br><small>x</small></td>');
    expect(html).toContain('<pre><code>&lt;raw&gt;</code></pre>');
  });

  it('renders indented and nested lists (the old converter looped forever on " - item")', () => {
    const doc = [
      ' - indented item',
      '   1. x',
      '   2. y',
      ' - second',
      '     - deeper',
      '',
      '1. first',
      '   - a sub-point',
      '      with a continuation line',
      '2. second',
      '',
      'A paragraph.',
      '',
      '    indented code block',
      '',
      '| a | b |',
      '|---|:-:|',
      '| `x\\|y` | 2 |',
    ].join('\n');
    const t0 = performance.now();
    const html = flat(markdownToHtml(doc));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(html).toContain('<ul><li>indented item<ol><li>x</li><li>y</li></ol></li><li>second<ul><li>deeper</li></ul></li></ul>');
    expect(html).toContain('<ol><li>first<ul><li>a sub-point\nwith a continuation line</li></ul></li><li>second</li></ol>');
    expect(html).toContain('<p>A paragraph.</p><pre><code>indented code block</code></pre>');
    expect(html).toContain('<td><code>x|y</code></td>');
  });

  it('renders a long report with nested lists, code and tables in well under 5 s', () => {
    const block = [
      ' - item',
      '   1. x',
      '      - deep `code`',
      '   2. y',
      '',
      '```sh',
      'npm run step 2',
      '```',
      '',
      '| step | result |',
      '|---|---|',
      '| 1 | ✓ |',
      '',
    ].join('\n');
    const doc = Array.from({ length: 2000 }, (_, i) => `## Part ${i}\n\n${block}`).join('\n');
    const t0 = performance.now();
    const html = markdownToHtml(doc);
    const ms = performance.now() - t0;
    expect(html.match(/<ol>/g)?.length).toBe(2000);
    expect(ms).toBeLessThan(5000);
  });

  it('escapes HTML a student (or anyone) types, and drops comments', () => {
    const html = markdownToHtml(
      '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n<div onclick="x()">block</div>\n\n<!-- kit:begin bench -->\nok\n<!-- kit:end bench -->',
    );
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

const CHECK: CheckResult = {
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

/** A trace as the writer (kit/core/trace.ts's contract) records it. */
const TRACE: TraceEvent[] = [
  { t: 0, phase: 'spawn', kind: 'lifecycle', what: 'clone(CLONE_NEWPID|CLONE_NEWUTS)', result: '4242', ok: true },
  { t: 1, phase: 'release', kind: 'syscall', what: 'sethostname("cw-1")', result: '0', ok: true, origin: 'steps/01-pid.ts:30' },
  {
    t: 2,
    phase: 'release',
    kind: 'syscall',
    what: 'mount("proc", "/proc", "proc", 0, NULL)',
    result: 'EBUSY',
    ok: false,
    origin: 'steps/01-pid.ts:33',
  },
  { t: 3, phase: 'teardown', kind: 'command', what: 'ip link del veth0', result: '0', ok: true },
];

describe('report sections', () => {
  it("lists the checks in a table, and what each check saw in its step's section", () => {
    const md = containerSection([CHECK], undefined);
    expect(md).toContain('| 1 | PID | ✗ 2/3 (fail) |');
    expect(containerSection([], undefined, 'skipped')).toContain('_skipped_');
    const step = stepEvidenceSection({ id: 1, title: 'PID', check: CHECK });
    expect(step).toContain('- ✓ is PID 1 — seen: pid=1');
    expect(step).toContain('- ✗ own hostname — seen: host (expected: cw-1)');
  });

  it("summarises the step's trace: counts, failures, and the lines the student's file asked for", () => {
    const md = stepEvidenceSection({ id: 1, title: 'PID', check: CHECK, trace: summarizeTrace(TRACE) });
    expect(md).toContain('4 events (1 lifecycle, 2 syscalls, 1 command), 1 failed');
    expect(md).toContain('| release | `sethostname("cw-1")` | ✓ 0 | `steps/01-pid.ts:30` |');
    expect(md).toContain('| ✗ EBUSY | `steps/01-pid.ts:33` |');
    expect(md).not.toContain('ip link del'); // the kit's own work is counted, not listed
  });

  it('says how to make a trace, and how to check, when there is none', () => {
    const md = stepEvidenceSection({ id: 3, title: 'Net' });
    expect(md).toContain('`npm run step 3 -- --trace -- true`');
    expect(md).toContain('`npm run check 3`');
  });
});

describe("the student's answers", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const tmp = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-report-'));
    dirs.push(d);
    return d;
  };

  it("the template asks the questions of each step, outside the kit's regions", () => {
    const t = reportTemplate([{ id: 2, title: 'Mount' }]);
    expect(t).toContain('Why pivot_root and not chroot?');
    expect(t).toContain('Why make every mount private');
    expect(t).toContain('What is the loop device');
    const open = unanswered(t);
    expect(open.map((u) => u.section)).toContain('Step 2: Mount');
    expect(open.every((u) => u.placeholder)).toBe(true);
  });

  it("npm run report regenerates the kit's parts around the answers, never over them, and lists what is unanswered", () => {
    const out = tmp();
    const state = tmp();
    const steps = [
      { id: 1, title: 'PID' },
      { id: 2, title: 'Mount' },
    ];
    // a check remembered by `npm run check`, and a trace of step 1's container
    fs.writeFileSync(
      path.join(state, 'last-check.json'),
      JSON.stringify({ 'steps#1': { step: 1, stepsDir: 'steps', status: 'fail', at: '2026-01-01T10:00:00.000Z', result: CHECK } }),
    );
    fs.mkdirSync(path.dirname(traceFile(state, 1)), { recursive: true });
    fs.writeFileSync(traceFile(state, 1), TRACE.map((e) => JSON.stringify(e)).join('\n'));

    const first = writeReport({ outDir: out, steps, stepsDir: 'steps', fresh: [], checksRun: false, state });
    const md1 = fs.readFileSync(first.md, 'utf8');
    expect(md1).toContain('- ✗ own hostname — seen: host (expected: cw-1)');
    expect(md1).toContain('`steps/01-pid.ts:30`');
    expect(md1).toContain('`npm run step 2 -- --trace -- true`');
    const before = first.unanswered.length;

    // the student answers one question, with an indented nested list, and writes inside no region
    const answer =
      'chroot only changes the path lookup:\n - the old root stays reachable\n   1. through an fd opened before\n   2. through `..` from a cwd outside';
    const edited = md1.replace(ANSWER_PLACEHOLDER, answer).replace('_your name_', 'Ada');
    fs.writeFileSync(first.md, edited);
    // then checks again: a new result, a new trace
    const passing = {
      ...CHECK,
      status: 'pass' as const,
      score: 3,
      assertions: CHECK.assertions.map((a) => ({ ...a, status: 'pass' as const })),
    };
    const t0 = performance.now();
    const second = writeReport({ outDir: out, steps, stepsDir: 'steps', fresh: [passing], checksRun: true, state });
    const ms = performance.now() - t0;
    const md2 = fs.readFileSync(second.md, 'utf8');
    expect(md2).toContain(answer);
    expect(md2).toContain('Ada');
    expect(md2).toContain('- ✓ own hostname');
    expect(md2).not.toContain('- ✗ own hostname');
    expect(second.unanswered.length).toBe(before - 2);
    const html = fs.readFileSync(second.html, 'utf8');
    expect(html).toMatch(/<li>the old root stays reachable\s*<ol>\s*<li>through an fd opened before<\/li>/);
    expect(ms).toBeLessThan(5000);
  });
});
