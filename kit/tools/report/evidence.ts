// What the kit observed of each step, for the report: the last check results
// (`npm run check` keeps them in state/last-check.json, see kit/tools/cli/check.ts)
// and a summary of the step's last trace (kit/core/trace.ts: state/traces/step-N.jsonl,
// written by `npm run step N -- --trace` and by every run of its container).

import fs from 'node:fs';
import path from 'node:path';
import type { CheckResult } from '../check/types.ts';
import { readLastTrace, traceFile, type TraceEvent } from '../../core/trace.ts';

/** The last check result of each step of `stepsDir` that `npm run check` remembered. */
export function savedCheckResults(stateDir: string, stepsDir: string): Map<number, CheckResult & { at?: string }> {
  const out = new Map<number, CheckResult & { at?: string }>();
  let all: Record<string, { result?: CheckResult; at?: string }>;
  try {
    all = JSON.parse(fs.readFileSync(path.join(stateDir, 'last-check.json'), 'utf8')) as typeof all;
  } catch {
    return out;
  }
  for (const v of Object.values(all)) {
    const r = v?.result;
    if (r && r.stepsDir === stepsDir && Number.isInteger(r.step) && Array.isArray(r.assertions)) out.set(r.step, { ...r, at: v.at });
  }
  return out;
}

export interface TraceSummary {
  events: number;
  byKind: Record<string, number>;
  failed: TraceEvent[];
  /** the events the student's step file asked for (origin set), in order */
  mine: TraceEvent[];
  /** when the trace was written */
  at?: Date;
}

export function summarizeTrace(events: TraceEvent[]): TraceSummary {
  const byKind: Record<string, number> = {};
  for (const e of events) byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
  return { events: events.length, byKind, failed: events.filter((e) => !e.ok), mine: events.filter((e) => e.origin) };
}

/** The step's last trace, summarised; undefined when the step's container never ran with a trace. */
export function stepTrace(stateDir: string, step: number): TraceSummary | undefined {
  let events: TraceEvent[] | undefined;
  try {
    events = readLastTrace(stateDir, step);
  } catch {
    return undefined; // a half-written trace: as good as none
  }
  if (!events) return undefined;
  const s = summarizeTrace(events);
  try {
    s.at = fs.statSync(traceFile(stateDir, step)).mtime;
  } catch {
    // gone meanwhile
  }
  return s;
}
