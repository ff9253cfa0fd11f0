/**
 * The answer to a failure no refusal explains: a request that vanished, a group lookup Slack could not answer, or a
 * bug (logged as an error, with the request id).
 */
import type { Logger } from "../../logger.js";
import { RequestNotFoundError } from "../../workflow/apply-event.js";
import { GROUP_LOOKUP_FAILED_TEXT, REQUEST_NOT_FOUND_TEXT, UNEXPECTED_ERROR_TEXT } from "../messages.js";
import { ApproverLookupError } from "../slack-approver-directory.js";

export function errorText(error: unknown, log: Logger): string {
  if (error instanceof RequestNotFoundError) return REQUEST_NOT_FOUND_TEXT;
  if (error instanceof ApproverLookupError) {
    log.warn({ err: error }, "approver group lookup failed");
    return GROUP_LOOKUP_FAILED_TEXT;
  }
  log.error({ err: error }, "slack interaction failed");
  return UNEXPECTED_ERROR_TEXT;
}
