/**
 * Reading the Slack Web API client's errors: the platform's error code (`not_in_channel`, `message_not_found`, …)
 * when Slack answered `ok: false`, and which codes no retry can fix.
 */

/** The Web API error code of a platform error (`{ ok: false, error }`), or undefined for anything else. */
export function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, data } = error as { code?: unknown; data?: { error?: unknown } };
  if (code !== "slack_webapi_platform_error") return undefined;
  return typeof data?.error === "string" ? data.error : undefined;
}

/** Answers that stay the same however often the call is repeated: the target is gone or closed to the bot. */
const PERMANENT = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "message_not_found",
  "cant_update_message",
  "thread_not_found",
  "restricted_action",
  "ekm_access_denied",
]);

export function isPermanentSlackError(code: string | undefined): boolean {
  return code !== undefined && PERMANENT.has(code);
}
