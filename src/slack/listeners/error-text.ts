/**
 * The answer to a failure no refusal explains: a request that vanished, a group lookup Slack could not answer, or a
 * bug (logged as an error, with the request id).
 */
import type { Logger } from "../../logger.js";
import { RequestNotFoundError } from "../../workflow/apply-event.js";
import { groupLookupFailedText, REQUEST_NOT_FOUND_TEXT, UNEXPECTED_ERROR_TEXT } from "../messages.js";
import { ApproverLookupError } from "../slack-approver-directory.js";

export function errorText(error: unknown, log: Logger): string {
  if (error instanceof RequestNotFoundError) return REQUEST_NOT_FOUND_TEXT;
  if (error instanceof ApproverLookupError) {
    log.warn({ err: error, group: error.groupId, reason: error.reason.kind }, "approver group lookup failed");
    return groupLookupFailedText(error.groupId, error.reason);
  }
  log.error({ err: error }, "slack interaction failed");
  return UNEXPECTED_ERROR_TEXT;
}
