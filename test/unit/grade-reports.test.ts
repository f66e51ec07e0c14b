// Reports from CheckResult[]: CSV quoting, JUnit XML escaping, feedback
// Markdown, weights, the terminal table.

import { describe, expect, it } from 'vitest';
import type { AssertionResult, CheckResult } from '../../kit/check/types.ts';
import { csvField, renderCsv } from '../../kit/grade/report-csv.ts';
import { mdCode, mdText, renderFeedback } from '../../kit/grade/report-feedback.ts';
import { renderJson } from '../../kit/grade/report-json.ts';
import { renderJunit, xmlEscape } from '../../kit/grade/report-junit.ts';
import { renderTable } from '../../kit/grade/report-table.ts';
import type { StudentGrade } from '../../kit/grade/types.ts';
import { viewOf } from '../../kit/grade/view.ts';
import { applyWeights, totals, validateWeights } from '../../kit/grade/weights.ts';

const a = (id: string, points: number, status: AssertionResult['status'], extra: Partial<AssertionResult> = {}): AssertionResult => ({
  id,
  name: `assertion ${id}`,
  points,
  hint: `hint for ${id}`,
  page: `/steps/01-pid#${id}`,
  status,
  ...extra,
});

const result = (step: number, assertions: AssertionResult[]): CheckResult => ({
  step,
  title: `Step ${step} title`,
  stepsDir: '/ws/steps',
  status: assertions.every((x) => x.status === 'pass') ? 'pass' : 'fail',
  assertions,
  score: assertions.filter((x) => x.status === 'pass').reduce((s, x) => s + x.points, 0),
  maxScore: assertions.reduce((s, x) => s + x.points, 0),
  durationMs: 1234,
});

const EVIL = 'x"<script>alert(1)</script>&amp;\u0001\u001b[31m`]]>';

function grade(key: string, results: CheckResult[], extra: Partial<StudentGrade> = {}): StudentGrade {
  return { key, source: `/subs/${key}.zip`, sha256: 'ab'.repeat(32), status: 'graded', results, notes: [], gradedAt: '2025-01-01T00:00:00.000Z', durationMs: 5000, ...extra };
}

const alice = grade('alice', [
  result(1, [a('pid1', 2, 'pass'), a('hostname', 1, 'fail', { expected: 'cw-1', seen: EVIL })]),
  result(2, [a('pivot', 3, 'not-attempted', { message: 'Not done yet: TODO "pivot"', page: '/steps/01-pid#todo-pivot' }), a('home', 2, 'not-attempted', { message: 'Not done yet: TODO "pivot"', page: '/steps/01-pid#todo-pivot' })]),
], { manifest: { studentName: '=HYPERLINK("http://evil")', studentId: 'a,1' } });
const bob = grade('bob', [result(1, [a('pid1', 2, 'error', { message: 'timed out after 60 s' }), a('hostname', 1, 'error', { message: 'timed out after 60 s' })])], {
  status: 'rejected',
  reason: 'unsafe archive: an entry with a path that climbs out with "..": ../x',
});

describe('CSV', () => {
  it('quotes per RFC 4180 and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField(-2)).toBe('-2');
    expect(csvField(' padded ')).toBe('" padded "');
    expect(csvField(undefined)).toBe('');
  });

  it('has one row per student with per-step scores', () => {
    const csv = renderCsv([viewOf(alice), viewOf(bob)]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('student,name,id,status,step1,step2,score,max_score,percent,reason,notes,source,sha256');
    expect(lines[1]).toMatch(/^alice,'=HYPERLINK\(""http:\/\/evil""\)|^alice,"'=HYPERLINK/);
    expect(lines[1]).toContain('"a,1"');
    expect(lines[1]).toContain(',graded,2,0,2,8,25,');
    expect(lines[2]).toContain('bob');
    expect(lines[2]).toContain('rejected');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});

describe('JUnit XML', () => {
  it('escapes everything and drops characters XML cannot carry', () => {
    expect(xmlEscape('a<b>&"\'')).toBe('a&lt;b&gt;&amp;&quot;&apos;');
    expect(xmlEscape('bell\u0007')).toBe('bell\uFFFD');
    expect(xmlEscape('tab\tnl\n')).toBe('tab\tnl\n');
    expect(xmlEscape('lone \uD800 surrogate')).toBe('lone \uFFFD surrogate');
    expect(xmlEscape('pair \uD83D\uDE00')).toBe('pair \uD83D\uDE00');
  });

  it('has one testsuite per student and one testcase per assertion', () => {
    const xml = renderJunit([viewOf(alice), viewOf(bob)]);
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml).toMatch(/<testsuites [^>]*tests="6" failures="3" errors="2"/);
    expect(xml).toMatch(/<testsuite name="alice" tests="4" failures="3" errors="0"/);
    expect(xml).toContain('<failure message="expected cw-1, saw x&quot;&lt;script&gt;');
    expect(xml).toContain('hint: hint for hostname');
    expect(xml).toMatch(/<error message="timed out after 60 s"/);
    // well-formed enough: no raw markup characters survive outside tags
    const text = xml.replace(/<\/?[a-z]+(?:\s+[a-z_]+="[^"<>]*")*\s*\/?>/g, '').replace(/<\?xml[^>]*\?>/, '');
    expect(text).not.toMatch(/[<>]/);
    expect(text.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toContain('&');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });
});

describe('feedback Markdown', () => {
  it('gives the hints and pages a student sees, with untrusted values inert', () => {
    const md = renderFeedback(viewOf(alice), { siteUrl: 'https://course.example/cw/' });
    expect(md).toContain('feedback for =HYPERLINK\\("http://evil"\\) (a,1)');
    expect(md).toContain('**Score: 2 / 8 (25 %)**');
    expect(md).toContain('- ❌ assertion hostname (0/1)');
    expect(md).toContain('hint: hint for hostname');
    expect(md).toContain('(<https://course.example/cw/steps/01-pid#hostname>)');
    // the TODO message is said once, with the TODO's section of the page
    expect(md.match(/Not done yet/g)).toHaveLength(1);
    expect(md).toContain('https://course.example/cw/steps/01-pid#todo-pivot');
    // untrusted values only inside code spans (rendered literally), never raw HTML
    expect(md).toContain('- seen: ``x"<script>alert(1)</script>&amp;??[31m`]]>``');
    expect(md.replace(/(`+).*?\1/g, '')).not.toMatch(/<script>/);
  });

  it('code spans hold backticks; text escapes Markdown', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdText('[click](http://x) <b>')).toBe('\\[click\\]\\(http://x\\) \\<b\\>');
    expect(mdText('a\nb')).toBe('a ⏎ b');
  });

  it('explains a rejected submission', () => {
    const md = renderFeedback(viewOf(bob));
    expect(md).toContain('could not be graded: unsafe archive');
    expect(md).toContain('npm run submit');
  });
});

describe('weights', () => {
  it('multiplies steps, sets assertions, rescales', () => {
    const w = validateWeights({ steps: { '2': 0 }, assertions: { '1.pid1': 4 }, scale: 10 });
    const r = applyWeights(alice.results, w);
    expect(r[0].assertions.map((x) => x.points)).toEqual([8, 2]);
    expect(r[1].maxScore).toBe(0);
    expect(totals(r)).toEqual({ score: 8, maxScore: 10, percent: 80 });
  });

  it('counts steps 6 and 7 (beyond the lab) only when the weights say so', () => {
    const carol = [result(1, [a('pid1', 2, 'pass')]), result(6, [a('userns', 2, 'pass')]), result(7, [a('seccomp', 2, 'fail')])];
    expect(totals(applyWeights(carol))).toEqual({ score: 2, maxScore: 2, percent: 100 });
    expect(totals(applyWeights(carol, { steps: { '6': 1, '7': 1 } }))).toEqual({ score: 4, maxScore: 6, percent: 66.7 });
  });

  it('refuses a bad weights file with a clear message', () => {
    expect(() => validateWeights({ steps: { one: 2 } })).toThrow(/bad key "one"/);
    expect(() => validateWeights({ steps: { '1': -1 } })).toThrow(/>= 0/);
    expect(() => validateWeights({ bonus: 1 })).toThrow(/unknown key/);
    expect(() => validateWeights([])).toThrow(/object/);
  });
});

describe('table and JSON', () => {
  it('prints a row per student and a summary, without control characters from names', () => {
    const t = renderTable([viewOf(alice), viewOf(bob)]);
    expect(t).toMatch(/alice/);
    expect(t).toMatch(/rejected: unsafe archive/);
    expect(t).toMatch(/2 submission\(s\), mean 12\.5 %, median 12\.5 %, 1 rejected/);
    const evil = grade('eve', [], { manifest: { studentName: 'Eve\u001b]0;pwned\u0007' } });
    expect(renderTable([viewOf(evil)])).not.toContain('\u001b]0;');
  });

  it('grades.json carries the weighted views', () => {
    const doc = JSON.parse(renderJson([viewOf(alice)], { kitVersion: '0.1.0', weights: {} })) as { students: { totals: unknown }[]; steps: unknown[] };
    expect(doc.students[0].totals).toEqual({ score: 2, maxScore: 8, percent: 25 });
    expect(doc.steps).toEqual([{ step: 1, title: 'Step 1 title' }, { step: 2, title: 'Step 2 title' }]);
  });
});
