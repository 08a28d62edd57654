// Typed errors: each prints as one line that says what to do, and carries the process exit code.

/** Exit codes, documented in the README; tests assert them. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  cluster: 3,
  forbidden: 4,
  refused: 5,
  partial: 6,
  timeout: 7,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export abstract class MigrateError extends Error {
  abstract readonly exitCode: ExitCodeValue;
  /** Extra lines shown only with -v. */
  readonly details: string | undefined;
  constructor(message: string, details?: string) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** Bad flags, unknown kinds, unreadable or malformed input files. */
export class UsageError extends MigrateError {
  readonly exitCode = ExitCode.usage;
}

/** The cluster could not be reached, or answered with an error that is not about permissions. */
export class ClusterError extends MigrateError {
  readonly exitCode = ExitCode.cluster;
}

/** The API server refused the request for lack of rights (403). */
export class ForbiddenError extends MigrateError {
  readonly exitCode = ExitCode.forbidden;
}

/** A safety check refused to go on; nothing unsafe was done. */
export class SafetyRefusal extends MigrateError {
  readonly exitCode = ExitCode.refused;
}

/** Some objects failed while others succeeded; the report names them. */
export class PartialFailure extends MigrateError {
  readonly exitCode = ExitCode.partial;
}

/** Waiting for a condition ran past --timeout. */
export class TimeoutError extends MigrateError {
  readonly exitCode = ExitCode.timeout;
}

export function exitCodeOf(error: unknown): ExitCodeValue {
  return error instanceof MigrateError ? error.exitCode : ExitCode.internal;
}
