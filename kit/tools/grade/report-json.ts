// grades.json: everything the other reports are made from, weighted, for
// scripts (LMS upload, statistics).

import { notGradedSteps } from './not-graded.ts';
import { stepColumns, type StudentView } from './view.ts';
import type { Weights } from './weights.ts';

export interface GradesJson {
  format: 'container-workshop-grades';
  version: 1;
  generatedAt: string;
  kitVersion: string;
  steps: { step: number; title: string }[];
  weights: Weights;
  /** steps not graded on this machine (their reference solution fails here), with the reason */
  notGraded: { step: number; reason: string }[];
  students: StudentView[];
}

export function renderJson(views: StudentView[], meta: { kitVersion: string; weights: Weights; now?: Date }): string {
  const doc: GradesJson = {
    format: 'container-workshop-grades',
    version: 1,
    generatedAt: (meta.now ?? new Date()).toISOString(),
    kitVersion: meta.kitVersion,
    steps: stepColumns(views),
    weights: meta.weights,
    notGraded: notGradedSteps(views),
    students: views,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
