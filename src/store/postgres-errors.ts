/**
 * Which node-postgres failures mean "the database is out of reach" (and become `StoreUnavailableError`), as opposed
 * to a refused statement (a constraint, a syntax error), which stays what it is.
 */

/** Socket errors: refused, reset, cut, unresolvable, unreachable. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * Server states that end or refuse sessions: admin shutdown (a restart), crash shutdown, cannot connect now (starting
 * up, or a standby being promoted), too many connections, and the server reading only (a failover target not
 * promoted yet).
 */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300", "25006"]);

/** node-postgres' own words for a connection that ended, never opened in time, or a query that got no answer. */
const MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /^Query read timeout$/,
  /is not queryable/,
  /^Client network socket disconnected/,
  /^read ECONNRESET/,
];

/** True when `error` (or its cause) says the server could not be reached or the connection was lost. */
export function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (depth > 3 || !(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (SOCKET_CODES.has(code) || SQLSTATES.has(code)) return true;
    // Class 08: connection exceptions (08000, 08003, 08006, 08001, 08004, ...).
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (error instanceof AggregateError && error.errors.some((e) => isConnectionFailure(e, depth + 1)))
    return true;
  if (MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  return isConnectionFailure(error.cause, depth + 1);
}

/**
 * 57014 query_canceled: the server cancelled the statement, here because it outran the store's `statement_timeout`.
 * The session is fine (only the statement failed, like a refused one), so it is no connection failure.
 */
export function isStatementTimeout(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === "57014";
}
