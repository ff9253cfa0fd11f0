/**
 * The base of every error ptbot raises on purpose.
 *
 * `code` is stable and machine-readable (tests and the Slack layer switch on it); `message` is for logs, not for
 * people: the Slack layer alone chooses the words a person sees. `cause` keeps the underlying error.
 */
export class PtbotError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** True when `error` is a {@link PtbotError} with the given code. */
export function hasCode(error: unknown, code: string): boolean {
  return error instanceof PtbotError && error.code === code;
}
