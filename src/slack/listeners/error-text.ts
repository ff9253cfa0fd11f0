/**
 * The answer to a failure no refusal explains: a request that vanished, a group lookup Slack could not answer, the
 * database out of reach (a warning: the user is told to try again), or a bug (logged as an error, with the request id).
 */
import type { Logger } from "../../logger.js";
import { StoreUnavailableError } from "../../store/store-unavailable.js";
import { RequestNotFoundError } from "../../workflow/apply-event.js";
import {
  groupLookupFailedText,
  REQUEST_NOT_FOUND_TEXT,
  STORE_UNAVAILABLE_TEXT,
  UNEXPECTED_ERROR_TEXT,
} from "../messages.js";
import { ApproverLookupError } from "../slack-approver-directory.js";

export function errorText(error: unknown, log: Logger): string {
  if (error instanceof RequestNotFoundError) return REQUEST_NOT_FOUND_TEXT;
  if (error instanceof StoreUnavailableError) {
    // One line per person answered, without the stack: the workers log the outage itself once.
    log.warn(
      { code: error.code, cause: causeCode(error.cause) },
      "database unreachable, user asked to retry",
    );
    return STORE_UNAVAILABLE_TEXT;
  }
  if (error instanceof ApproverLookupError) {
    log.warn({ err: error, group: error.groupId, reason: error.reason.kind }, "approver group lookup failed");
    return groupLookupFailedText(error.groupId, error.reason);
  }
  log.error({ err: error }, "slack interaction failed");
  return UNEXPECTED_ERROR_TEXT;
}

/** The connection error's code (`ECONNREFUSED`, `57P01` …), never its message: messages may name hosts. */
function causeCode(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
