// Resuming an interrupted grading run: every finished student is appended as
// one JSON line to OUT/progress.jsonl. A later run with the same settings skips
// the students whose submission (by sha256) is already there. A torn last line
// (the run was killed mid-write) is ignored.

import fs from 'node:fs';
import path from 'node:path';
import type { StudentGrade } from './types.ts';

export interface ResumeLine {
  /** settings that change grades: steps, limits, kit version */
  fingerprint: string;
  grade: StudentGrade;
}

export class ResumeFile {
  readonly file: string;
  private done = new Map<string, StudentGrade>();

  constructor(
    outDir: string,
    readonly fingerprint: string,
  ) {
    this.file = path.join(outDir, 'progress.jsonl');
    let text = '';
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const rec = JSON.parse(line) as ResumeLine;
        if (rec.fingerprint === fingerprint && rec.grade?.key) this.done.set(rec.grade.key, rec.grade);
      } catch {
        // torn line
      }
    }
  }

  /** The stored grade for this key, if its submission is unchanged. */
  find(key: string, sha256: string): StudentGrade | undefined {
    const g = this.done.get(key);
    return g && g.sha256 === sha256 ? g : undefined;
  }

  add(grade: StudentGrade): void {
    this.done.set(grade.key, grade);
    // one write per line, O_APPEND: concurrent workers never interleave a line
    fs.appendFileSync(this.file, `${JSON.stringify({ fingerprint: this.fingerprint, grade } satisfies ResumeLine)}\n`);
  }

  /** Start over: forget every stored grade. */
  reset(): void {
    this.done.clear();
    fs.rmSync(this.file, { force: true });
  }
}
