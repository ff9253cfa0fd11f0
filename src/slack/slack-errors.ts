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
  // chat.update in an archived (or frozen, or deleted) channel.
  "is_inactive",
  "message_not_found",
  "cant_update_message",
  "edit_window_closed",
  "thread_not_found",
  "thread_locked",
  "restricted_action",
  "restricted_action_read_only_channel",
  "restricted_action_thread_only_channel",
  "restricted_action_non_threadable_channel",
  "ekm_access_denied",
  // The app's configuration: a scope not granted, a token revoked or for the wrong kind of call.
  "missing_scope",
  "no_permission",
  "not_allowed_token_type",
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "team_access_not_granted",
]);

export function isPermanentSlackError(code: string | undefined): boolean {
  return code !== undefined && PERMANENT.has(code);
}
