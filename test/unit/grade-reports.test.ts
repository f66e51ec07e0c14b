// Reports from CheckResult[]: CSV quoting, JUnit XML escaping, feedback
// Markdown, weights, the terminal table.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { notGradedResult } from '../../kit/tools/grade/not-graded.ts';
import type { AssertionResult, CheckResult } from '../../kit/tools/check/types.ts';
import { csvField, renderCsv } from '../../kit/tools/grade/report-csv.ts';
import { mdCode, mdText, renderFeedback } from '../../kit/tools/grade/report-feedback.ts';
import { renderJson } from '../../kit/tools/grade/report-json.ts';
import { renderJunit, xmlEscape } from '../../kit/tools/grade/report-junit.ts';
import { renderTable } from '../../kit/tools/grade/report-table.ts';
import type { StudentGrade } from '../../kit/tools/grade/types.ts';
import { viewOf } from '../../kit/tools/grade/view.ts';
import { applyWeights, stepWeight, totals, validateWeights } from '../../kit/tools/grade/weights.ts';

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
  return {
    key,
    source: `/subs/${key}.zip`,
    sha256: 'ab'.repeat(32),
    status: 'graded',
    results,
    notes: [],
    gradedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 5000,
    ...extra,
  };
}

const alice = grade(
  'alice',
  [
    result(1, [a('pid1', 2, 'pass'), a('hostname', 1, 'fail', { expected: 'cw-1', seen: EVIL })]),
    result(2, [
      a('pivot', 3, 'not-attempted', { message: 'Not done yet: TODO "pivot"', page: '/steps/01-pid#todo-pivot' }),
      a('home', 2, 'not-attempted', { message: 'Not done yet: TODO "pivot"', page: '/steps/01-pid#todo-pivot' }),
    ]),
  ],
  { manifest: { studentName: '=HYPERLINK("http://evil")', studentId: 'a,1' } },
);
const bob = grade(
  'bob',
  [result(1, [a('pid1', 2, 'error', { message: 'timed out after 60 s' }), a('hostname', 1, 'error', { message: 'timed out after 60 s' })])],
  {
    status: 'rejected',
    reason: 'unsafe archive: an entry with a path that climbs out with "..": ../x',
  },
);

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
    expect(lines[0]).toBe('student,name,id,status,step1,step2,score,max_score,percent,reason,notes,not_graded,source,sha256');
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
    expect(xml).toMatch(/<error message="timed out after 60 s \[0\/2 pts\]"/);
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

  it('gives the grader the weight each step counts with (what it runs by default: weight > 0)', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((s) => stepWeight({}, s))).toEqual([1, 1, 1, 1, 1, 0, 0]);
    expect([2, 6].map((s) => stepWeight({ steps: { '2': 0, '6': 2 } }, s))).toEqual([0, 2]);
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
    const doc = JSON.parse(renderJson([viewOf(alice)], { kitVersion: '0.1.0', weights: {} })) as {
      students: { totals: unknown }[];
      steps: unknown[];
    };
    expect(doc.students[0].totals).toEqual({ score: 2, maxScore: 8, percent: 25 });
    expect(doc.steps).toEqual([
      { step: 1, title: 'Step 1 title' },
      { step: 2, title: 'Step 2 title' },
    ]);
  });
});

// Jenkins' xUnit plugin validates JUnit files against its junit-10.xsd (kept in
// test/fixtures/, from jenkinsci/xunit-plugin
// src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd,
// commit 031e285ef3b60dee7aaf36e9096d7dcd95ffae83), with xmllint (libxml2-utils,
// installed by the preflight's --tests).
const XSD = path.join(import.meta.dirname, '../fixtures/junit-10.xsd');

function xmllint(xml: string): { ok: boolean; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-junit-'));
  try {
    fs.writeFileSync(path.join(dir, 'junit.xml'), xml);
    const r = spawnSync('xmllint', ['--noout', '--schema', XSD, path.join(dir, 'junit.xml')], { encoding: 'utf8' });
    if (r.error) throw new Error(`xmllint is needed (apt-get install libxml2-utils, or npm run preflight -- --tests): ${r.error.message}`);
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const stepCat = (step: number, ids: [string, number][]) => ({
  step,
  title: `Step ${step} title`,
  page: `/steps/0${step}`,
  assertions: ids.map(([id, points]) => ({ id, name: `assertion ${id}`, points, hint: `hint ${id}`, page: `/steps/0${step}#${id}` })),
});
const NOT_GRADED_WHY = 'the reference solution fails here (cpu-ratio: 0.41 of the host)';
const carol = grade('carol', [
  result(1, [a('pid1', 2, 'pass'), a('hostname', 1, 'pass')]),
  notGradedResult(
    stepCat(5, [
      ['read', 2],
      ['cpu-ratio', 1],
    ]),
    NOT_GRADED_WHY,
  ),
]);

describe("JUnit against Jenkins xUnit's junit-10.xsd", () => {
  it('validates, with failures, errors, skipped steps and hostile text', () => {
    const r = xmllint(renderJunit([viewOf(alice), viewOf(bob), viewOf(carol)]));
    expect(r.out).toContain('validates');
    expect(r.ok).toBe(true);
  });

  it('the schema is really applied: a `skipped` attribute on <testsuites> is refused', () => {
    const xml = renderJunit([viewOf(alice)]).replace('<testsuites ', '<testsuites skipped="0" ');
    const r = xmllint(xml);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/skipped.*not allowed/);
  });

  it('a test keeps its name whatever its score: the points are in a property and the message', () => {
    const failing = renderJunit([viewOf(grade('dave', [result(1, [a('pid1', 2, 'fail', { expected: '1', seen: '42' })])]))]);
    const passing = renderJunit([viewOf(grade('dave', [result(1, [a('pid1', 2, 'pass')])]))]);
    const names = (xml: string) => [...xml.matchAll(/<testcase [^>]*name="([^"]*)"/g)].map((m) => m[1]);
    expect(names(failing)).toEqual(['pid1: assertion pid1']);
    expect(names(passing)).toEqual(names(failing));
    expect(failing).toContain('<property name="step1.pid1.points" value="0/2"/>');
    expect(passing).toContain('<property name="step1.pid1.points" value="2/2"/>');
    expect(failing).toMatch(/<failure message="expected 1, saw 42 \[0\/2 pts\]"/);
  });
});

describe('a step not graded on this machine', () => {
  const views = [viewOf(carol)];
  it('counts for nothing: full marks on the graded steps are 100 %', () => {
    expect(views[0].totals).toEqual({ score: 3, maxScore: 3, percent: 100 });
    expect(applyWeights(carol.results, { scale: 10 })[1].maxScore).toBe(0);
  });

  it('is said, with the reason, in every report', () => {
    const table = renderTable(views).replace(/\u001b\[[0-9;]*m/g, '');
    expect(table).toMatch(/carol\s+3\/3\s+not graded\s+3\/3\s+100/);
    expect(table).toContain(`step 5 not graded on this machine: ${NOT_GRADED_WHY}`);
    const csv = renderCsv(views).split('\r\n');
    expect(csv[0]).toContain('step1,step5,');
    expect(csv[1]).toContain(',graded,3,not graded,3,3,100,');
    expect(csv[1]).toContain(`step 5: ${NOT_GRADED_WHY}`);
    const json = JSON.parse(renderJson(views, { kitVersion: '1', weights: {} })) as {
      notGraded: unknown;
      students: { results: { status: string }[] }[];
    };
    expect(json.notGraded).toEqual([{ step: 5, reason: NOT_GRADED_WHY }]);
    expect(json.students[0].results[1].status).toBe('not-graded');
    const xml = renderJunit(views);
    expect(xml).toContain(`<skipped message="not graded on this machine: ${NOT_GRADED_WHY}"/>`);
    expect(xml).toContain(`<property name="step5.not_graded" value="${NOT_GRADED_WHY}"/>`);
    expect(xml).toMatch(/<testsuite name="carol" tests="4" failures="0" errors="0" skipped="2"/);
    const md = renderFeedback(views[0]);
    expect(md).toContain('| 5. Step 5 title | not graded on this machine | - |');
    expect(md).toContain('- ➖ assertion cpu-ratio (not graded)');
    expect(md).toContain('not graded on this machine: the reference solution fails here \\(cpu-ratio: 0.41 of the host\\)');
    expect(md).toContain('**Score: 3 / 3 (100 %)**');
  });
});
