// Errors meant for people: what went wrong, what to do, where the docs explain.
// The CLI prints these without a stack trace; anything else is a kit bug.

export interface KitErrorDetails {
  /** what to do about it */
  hint?: string;
  /** site page, e.g. '/steps/02-mount#troubleshooting' */
  page?: string;
  /** process exit code the CLI should use (default 1) */
  exitCode?: number;
  cause?: unknown;
}

export class KitError extends Error {
  readonly hint?: string;
  readonly page?: string;
  readonly exitCode: number;

  constructor(message: string, details: KitErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'KitError';
    this.hint = details.hint;
    this.page = details.page;
    this.exitCode = details.exitCode ?? 1;
  }
}

/** A step's TODO is not written yet: "not attempted", distinct from "wrong". */
export class NotDoneError extends KitError {
  constructor(
    readonly todoId: string,
    readonly task: string,
    readonly location?: { file: string; line: number },
    page?: string,
  ) {
    super(`Not done yet: TODO "${todoId}"${location ? ` in ${location.file}:${location.line}` : ''}: ${task}`, {
      hint: 'Write this part of the step, then run the check again.',
      page,
      exitCode: 3,
    });
    this.name = 'NotDoneError';
  }
}
