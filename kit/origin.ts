// Finds the line of a student's step file that called a kit function, so that
// an error can point at the student's own code ("steps/02-mount.ts:41").

export interface SourceLocation {
  file: string;
  line: number;
}

// any folder of step files (steps/, solutions/, a mutant's or a grading workspace's), not checks/
const STEP_FILE = /\/(?!checks\/)([^/]+)\/(\d\d-[\w-]+\.ts):(\d+)/;

export function callerLocation(): SourceLocation | undefined {
  const stack = new Error().stack ?? '';
  for (const frame of stack.split('\n').slice(1)) {
    const m = STEP_FILE.exec(frame);
    if (m) return { file: `${m[1]}/${m[2]}`, line: Number(m[3]) };
  }
  return undefined;
}
