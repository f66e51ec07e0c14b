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

/**
 * The step file's line that *directly* made this call, skipping the frames
 * that `skip` names (the tracer's own, node's, node_modules'): undefined when
 * the first other frame is the kit's own code (the kit's work, even when a
 * step called the kit helper that did it).
 */
export function directCaller(skip: (frame: string) => boolean): SourceLocation | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40; // zx adds about ten frames between the call and its log hook
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  for (const frame of stack.split('\n').slice(2)) {
    if (skip(frame) || INTERNAL.test(frame)) continue;
    const m = STEP_FILE.exec(frame);
    return m ? { file: `${m[1]}/${m[2]}`, line: Number(m[3]) } : undefined;
  }
  return undefined;
}

const INTERNAL = /\(node:|at node:|\/node_modules\/|\(<anonymous>\)|\(index \d+\)$/;
