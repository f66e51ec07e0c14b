// JUnit XML: one <testsuite> per student, one <testcase> per assertion, so CI
// dashboards and LMS importers that read JUnit can show a class at a glance.
// Valid against Jenkins xUnit's junit-10.xsd (test/fixtures/junit-10.xsd):
// no `skipped` on <testsuites>, nothing but results inside <testcase>. A
// test's name never carries its score (a fixed test stays the same test for
// Jenkins' history and GitLab's new/fixed comparison): the points are in the
// suite's properties (`step1.pid1.points` = "2/2") and in the message.
// Everything a submission influences (seen values, error messages) is escaped,
// and characters XML 1.0 cannot carry at all are dropped.

import type { AssertionResult } from '../check/types.ts';
import { notGradedReason } from './not-graded.ts';
import { pageLink, type StudentView } from './view.ts';

// Allowed: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
// eslint-disable-next-line no-control-regex
const INVALID_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlEscape(s: string): string {
  return s
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attr = (name: string, value: string | number) => `${name}="${xmlEscape(String(value))}"`;
const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** The failure text a student would read: expected, seen, hint, page. */
function detail(a: AssertionResult, siteUrl?: string): string {
  const lines: string[] = [];
  if (a.expected !== undefined) lines.push(`expected: ${a.expected}`);
  if (a.seen !== undefined) lines.push(`seen: ${a.seen}`);
  if (a.message) lines.push(a.message);
  lines.push(`hint: ${a.hint}`);
  lines.push(`read: ${pageLink(a.page, siteUrl)}`);
  return lines.join('\n');
}

function summary(a: AssertionResult): string {
  if (a.status === 'not-attempted') return `not attempted: ${a.message ?? 'the step is not done yet'}`;
  if (a.status === 'error') return a.message ?? 'the check could not run';
  if (a.expected !== undefined || a.seen !== undefined) return `expected ${a.expected ?? '?'}, saw ${a.seen ?? '?'}`;
  return a.message ?? a.name;
}

/** "earned/possible", what a property and a message say (a skipped assertion is worth nothing). */
export const pointsOf = (a: AssertionResult): string =>
  a.status === 'skipped' ? '0/0' : `${a.status === 'pass' ? a.points : 0}/${a.points}`;

function testcase(v: StudentView, step: number, a: AssertionResult, siteUrl?: string): string {
  const name = `${a.id}: ${a.name}`;
  const open = `    <testcase ${attr('classname', `${v.key}.step${step}`)} ${attr('name', name)} ${attr('time', '0')}`;
  const pts = ` [${pointsOf(a)} pts]`;
  switch (a.status) {
    case 'pass':
      return `${open}/>`;
    case 'skipped':
      return `${open}><skipped ${attr('message', a.message ?? 'not graded')}/></testcase>`;
    case 'error':
      return `${open}><error ${attr('message', summary(a) + pts)} ${attr('type', 'error')}>${xmlEscape(detail(a, siteUrl))}</error></testcase>`;
    default:
      return `${open}><failure ${attr('message', summary(a) + pts)} ${attr('type', a.status)}>${xmlEscape(detail(a, siteUrl))}</failure></testcase>`;
  }
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function count(v: StudentView): Counts {
  const all = v.results.flatMap((r) => r.assertions);
  return {
    tests: all.length,
    failures: all.filter((a) => a.status === 'fail' || a.status === 'not-attempted').length,
    errors: all.filter((a) => a.status === 'error').length,
    skipped: all.filter((a) => a.status === 'skipped').length,
  };
}

export function renderJunit(views: StudentView[], opts: { siteUrl?: string; name?: string } = {}): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = views.map(count);
  const sum = (k: keyof Counts) => all.reduce((s, c) => s + c[k], 0);
  const time = views.reduce((s, v) => s + v.durationMs, 0);
  // junit-10.xsd allows no `skipped` on <testsuites> (each <testsuite> has its own)
  out.push(
    `<testsuites ${attr('name', opts.name ?? 'container-workshop grades')} ${attr('tests', sum('tests'))} ${attr('failures', sum('failures'))} ${attr('errors', sum('errors'))} ${attr('time', seconds(time))}>`,
  );
  views.forEach((v, i) => {
    const c = all[i];
    out.push(
      `  <testsuite ${attr('name', v.key)} ${attr('tests', c.tests)} ${attr('failures', c.failures)} ${attr('errors', c.errors)} ${attr('skipped', c.skipped)} ${attr('time', seconds(v.durationMs))} ${attr('timestamp', v.gradedAt)}>`,
    );
    const props: [string, string | number | undefined][] = [
      ['student', v.name],
      ['student_id', v.studentId],
      ['status', v.status],
      ['reason', v.reason],
      ['score', v.totals.score],
      ['max_score', v.totals.maxScore],
      ['percent', v.totals.percent],
      ['source', v.source],
      ['sha256', v.sha256],
      ...v.results.flatMap((r): [string, string][] => {
        const why = notGradedReason(r);
        return [
          ...(why !== undefined ? [[`step${r.step}.not_graded`, why] as [string, string]] : []),
          ...r.assertions.map((a): [string, string] => [`step${r.step}.${a.id}.points`, pointsOf(a)]),
        ];
      }),
    ];
    out.push(
      `    <properties>${props
        .filter(([, val]) => val !== undefined)
        .map(([n, val]) => `<property ${attr('name', n)} ${attr('value', val as string | number)}/>`)
        .join('')}</properties>`,
    );
    for (const r of v.results) for (const a of r.assertions) out.push(testcase(v, r.step, a, opts.siteUrl));
    if (v.notes.length) out.push(`    <system-out>${xmlEscape(v.notes.join('\n'))}</system-out>`);
    out.push('  </testsuite>');
  });
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
