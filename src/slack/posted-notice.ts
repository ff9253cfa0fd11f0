/**
 * Recognising a thread notice ptbot already posted: each one carries its outbox id in the message's metadata
 * (`event_type` {@link NOTICE_EVENT_TYPE}), and a notice whose earlier attempt may have reached Slack is looked for in
 * its thread (`conversations.replies` with `include_all_metadata`) before it is posted again.
 */
import type { webApi } from "@slack/bolt";

/** ptbot's own metadata event type (no subscription is needed to post or read it; see the README). */
export const NOTICE_EVENT_TYPE = "ptbot_notice";

/** Replies read per page: ptbot's threads are a handful of notices and the odd human reply. */
const PAGE_SIZE = 200;
/** At most this many pages (1,000 replies) are read; a longer thread is not searched past them. */
const MAX_PAGES = 5;

/** The metadata a thread notice is posted with. */
export function noticeMetadata(requestId: string, outboxId: number) {
  return { event_type: NOTICE_EVENT_TYPE, event_payload: { outbox_id: outboxId, request_id: requestId } };
}

export interface PostedNoticeQuery {
  readonly channel: string;
  /** The thread's parent (the card). */
  readonly threadTs: string;
  readonly requestId: string;
  readonly outboxId: number;
}

/**
 * Whether the thread holds the notice (the same outbox id and request id: ids of another database never match
 * another request's). Reads the thread oldest first, page by page, stopping at the first match; Slack's errors
 * (`not_in_channel`, `missing_scope`, ...) are thrown as the Web API client throws them.
 */
export async function isNoticeInThread(
  client: Pick<webApi.WebClient, "conversations">,
  query: PostedNoticeQuery,
): Promise<boolean> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await client.conversations.replies({
      channel: query.channel,
      ts: query.threadTs,
      include_all_metadata: true,
      limit: PAGE_SIZE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const message of answer.messages ?? []) {
      const meta = message.metadata;
      if (meta?.event_type !== NOTICE_EVENT_TYPE) continue;
      const payload = meta.event_payload as { outbox_id?: unknown; request_id?: unknown } | undefined;
      if (Number(payload?.outbox_id) === query.outboxId && payload?.request_id === query.requestId)
        return true;
    }
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (cursor === undefined) return false;
  }
  return false;
}
