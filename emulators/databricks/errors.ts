import { PtbotError } from "../../src/errors.js";

/**
 * A misuse of the emulator itself (an invalid seed, an impossible fault, a bad option): a test's or an operator's
 * mistake, never an answer on the wire. Wire errors are {@link ApiError}s.
 */
export class DatabricksEmulatorError extends PtbotError {}

/** Databricks' error body, as every non-2xx JSON answer carries it. */
export interface ErrorBody {
  readonly error_code: string;
  readonly message: string;
  readonly details?: readonly unknown[];
}

/**
 * An error the emulated workspace answers with: `code` is Databricks' own `error_code` (`RESOURCE_DOES_NOT_EXIST`),
 * `status` the HTTP status. Handlers throw it; the server turns it into `{ error_code, message, details? }`.
 */
export class ApiError extends PtbotError {
  readonly status: number;
  readonly details: readonly unknown[] | undefined;
  /** Extra response headers (e.g. `Retry-After` on a 429). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    errorCode: string,
    message: string,
    options: { details?: readonly unknown[]; headers?: Record<string, string> } = {},
  ) {
    super(errorCode, message);
    this.status = status;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  /** The JSON body Databricks would send. */
  toBody(): ErrorBody {
    return this.details === undefined
      ? { error_code: this.code, message: this.message }
      : { error_code: this.code, message: this.message, details: this.details };
  }
}

/** 404 `RESOURCE_DOES_NOT_EXIST`. */
export function notFound(message: string): ApiError {
  return new ApiError(404, "RESOURCE_DOES_NOT_EXIST", message);
}

/** 400 `INVALID_PARAMETER_VALUE`. */
export function invalidParameter(message: string): ApiError {
  return new ApiError(400, "INVALID_PARAMETER_VALUE", message);
}

/** 400 `MALFORMED_REQUEST`: the body is not the JSON object the API expects. */
export function malformedRequest(message: string): ApiError {
  return new ApiError(400, "MALFORMED_REQUEST", message);
}
