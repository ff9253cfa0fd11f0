import { PtbotError } from "../errors.js";

/** The stable codes a {@link DatabricksApiError} carries; callers switch on these, never on messages. */
export type DatabricksErrorCode =
  | "databricks_not_found"
  | "databricks_unauthorized"
  | "databricks_permission_denied"
  | "databricks_rate_limited"
  | "databricks_unavailable"
  | "databricks_server_error"
  | "databricks_timeout"
  | "databricks_network"
  | "databricks_conflict"
  | "databricks_invalid"
  | "databricks_bad_response";

export interface DatabricksApiErrorDetails {
  readonly code: DatabricksErrorCode;
  readonly message: string;
  readonly method: string;
  /** The request path (no host, no query string). */
  readonly path: string;
  /** HTTP status, when the workspace answered. */
  readonly status?: number;
  /** Databricks' own `error_code`, e.g. `RESOURCE_DOES_NOT_EXIST`. */
  readonly errorCode?: string;
  /** From `x-request-id` / `x-databricks-request-id`: what Databricks support asks for. */
  readonly requestId?: string;
  /**
   * True when a request that changes something may or may not have been carried out (timed out, connection lost
   * after sending, 504): the caller must read back before trying again.
   */
  readonly outcomeUnknown?: boolean;
  readonly cause?: unknown;
}

/**
 * Every failure of a call to a Databricks workspace. Carries no credential: the HTTP layer strips the token it sent
 * from every text it copies here, and `cause` is either a network error (which never holds headers) or absent.
 */
export class DatabricksApiError extends PtbotError {
  declare readonly code: DatabricksErrorCode;
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly requestId: string | undefined;
  readonly outcomeUnknown: boolean;

  constructor(details: DatabricksApiErrorDetails) {
    super(details.code, details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.errorCode = details.errorCode;
    this.method = details.method;
    this.path = details.path;
    this.requestId = details.requestId;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
  }
}

/** A model version that exists but cannot be served, because its status is not `READY`. */
export class ModelVersionNotReadyError extends PtbotError {
  declare readonly code: "model_version_not_ready";
  readonly modelName: string;
  readonly version: number;
  /** The version's Unity Catalog status, e.g. `PENDING_REGISTRATION` or `FAILED_REGISTRATION`. */
  readonly status: string;

  constructor(modelName: string, version: number, status: string) {
    super("model_version_not_ready", `${modelName} version ${version} is ${status}, not READY`);
    this.modelName = modelName;
    this.version = version;
    this.status = status;
  }
}

/** `"latest"` was asked for, but the model has no version in `READY` status (or no version at all). */
export class NoReadyModelVersionError extends PtbotError {
  declare readonly code: "model_no_ready_version";
  readonly modelName: string;
  /** How many versions the model has in all (none of them READY). */
  readonly versionCount: number;

  constructor(modelName: string, versionCount: number) {
    super(
      "model_no_ready_version",
      versionCount === 0
        ? `${modelName} has no versions`
        : `none of the ${versionCount} versions of ${modelName} is READY`,
    );
    this.modelName = modelName;
    this.versionCount = versionCount;
  }
}

function hasDatabricksCode(error: unknown, code: DatabricksErrorCode): error is DatabricksApiError {
  return error instanceof DatabricksApiError && error.code === code;
}

export const isDatabricksApiError = (error: unknown): error is DatabricksApiError =>
  error instanceof DatabricksApiError;
export const isNotFound = (error: unknown): error is DatabricksApiError =>
  hasDatabricksCode(error, "databricks_not_found");
export const isConflict = (error: unknown): error is DatabricksApiError =>
  hasDatabricksCode(error, "databricks_conflict");
export const isUnauthorized = (error: unknown): error is DatabricksApiError =>
  hasDatabricksCode(error, "databricks_unauthorized");
export const isPermissionDenied = (error: unknown): error is DatabricksApiError =>
  hasDatabricksCode(error, "databricks_permission_denied");
export const isInvalidRequest = (error: unknown): error is DatabricksApiError =>
  hasDatabricksCode(error, "databricks_invalid");
export const isModelVersionNotReady = (error: unknown): error is ModelVersionNotReadyError =>
  error instanceof ModelVersionNotReadyError;

/**
 * True for failures worth trying again later (rate limits, outages, timeouts, lost connections): the workspace did
 * not say no. The client has already retried these within its time bound; this is for the caller's own schedule.
 */
export function isTransient(error: unknown): error is DatabricksApiError {
  return (
    error instanceof DatabricksApiError &&
    (error.code === "databricks_rate_limited" ||
      error.code === "databricks_unavailable" ||
      error.code === "databricks_timeout" ||
      error.code === "databricks_network")
  );
}

/** Maps a Databricks answer (status and `error_code`) to our stable code; `error_code` wins where it is precise. */
export function codeForResponse(status: number, errorCode: string | undefined): DatabricksErrorCode {
  switch (errorCode) {
    case "RESOURCE_DOES_NOT_EXIST":
    case "NOT_FOUND":
    case "ENDPOINT_NOT_FOUND":
      return "databricks_not_found";
    case "RESOURCE_ALREADY_EXISTS":
    case "RESOURCE_CONFLICT":
    case "ALREADY_EXISTS":
    case "ABORTED":
      return "databricks_conflict";
    case "PERMISSION_DENIED":
      return "databricks_permission_denied";
    case "UNAUTHENTICATED":
    case "invalid_client": // OAuth token endpoint (RFC 6749 section 5.2)
    case "unauthorized_client":
    case "invalid_grant":
      return "databricks_unauthorized";
    case "REQUEST_LIMIT_EXCEEDED":
    case "RESOURCE_EXHAUSTED":
      return "databricks_rate_limited";
    case "TEMPORARILY_UNAVAILABLE":
      return "databricks_unavailable";
  }
  if (status === 401) return "databricks_unauthorized";
  if (status === 403) return "databricks_permission_denied";
  if (status === 404) return "databricks_not_found";
  if (status === 409) return "databricks_conflict";
  if (status === 429) return "databricks_rate_limited";
  if (status === 502 || status === 503 || status === 504) return "databricks_unavailable";
  if (status >= 500) return "databricks_server_error";
  return "databricks_invalid";
}

/**
 * The workspace or its credentials cannot be worked out from the environment and the config file. The message names
 * the variable, profile or profile key at fault, never a value.
 */
export class DatabricksAuthConfigError extends PtbotError {
  declare readonly code: "databricks_auth_config";

  constructor(message: string, options?: { cause?: unknown }) {
    super("databricks_auth_config", message, options);
  }
}
