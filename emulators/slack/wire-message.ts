import type { StoredMessage, WorkspaceBot, WorkspaceTeam } from "./types.js";

export interface WireContext {
  readonly team: WorkspaceTeam;
  readonly bot: WorkspaceBot;
  readonly appId: string;
}

/**
 * A stored message as Slack serializes it (in `chat.postMessage` answers and in interaction payloads): bot
 * messages carry `bot_id`, `app_id` and `bot_profile`; replies carry `thread_ts` and `parent_user_id`; a parent
 * with replies carries `thread_ts`, `reply_count` and `latest_reply`.
 */
export function wireMessage(
  message: StoredMessage,
  context: WireContext,
  thread: {
    parentUser?: string | undefined;
    replies?: readonly StoredMessage[];
    /** Include the message's `metadata` (`chat.postMessage` answers and `include_all_metadata` reads do). */
    withMetadata?: boolean;
  } = {},
): Record<string, unknown> {
  const fromBot = message.botId !== undefined;
  const replies = thread.replies ?? [];
  const latest = replies.at(-1);
  return {
    ...(fromBot ? { bot_id: message.botId, app_id: context.appId } : {}),
    type: "message",
    text: message.text,
    user: message.user,
    ts: message.ts,
    team: context.team.id,
    ...(fromBot
      ? {
          bot_profile: {
            id: message.botId,
            app_id: context.appId,
            name: context.bot.name,
            icons: {},
            deleted: false,
            updated: 1_700_000_000,
            team_id: context.team.id,
          },
        }
      : {}),
    ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
    ...(thread.withMetadata === true && message.metadata !== undefined ? { metadata: message.metadata } : {}),
    ...(message.threadTs !== undefined
      ? {
          thread_ts: message.threadTs,
          ...(thread.parentUser === undefined ? {} : { parent_user_id: thread.parentUser }),
        }
      : {}),
    ...(message.threadTs === undefined && latest !== undefined
      ? {
          thread_ts: message.ts,
          reply_count: replies.length,
          reply_users_count: new Set(replies.map((r) => r.user)).size,
          latest_reply: latest.ts,
          reply_users: [...new Set(replies.map((r) => r.user))],
        }
      : {}),
    ...(message.edits.length > 0 && !fromBot
      ? { edited: { user: message.user, ts: message.edits.at(-1)?.replacedAt } }
      : {}),
  };
}
