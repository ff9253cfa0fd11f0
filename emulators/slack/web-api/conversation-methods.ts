import type { DirectoryChannel } from "../directory.js";
import type { EmulatorState } from "../emulator-state.js";
import type { StoredMessage } from "../types.js";
import { type ApiArgs, ApiFailure } from "./api-args.js";
import { wireStored } from "./chat-methods.js";
import type { MethodHandler } from "./method-handler.js";

/** Slack's page size when `limit` is absent, and the most it hands out in one page. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** The `*:history` scope a bot token needs to read a conversation of this kind. */
function historyScope(channel: DirectoryChannel): string {
  return channel.isIm ? "im:history" : channel.isPrivate ? "groups:history" : "channels:history";
}

/** A conversation the bot may read: visible to it, a member, and the token holds the right `*:history` scope. */
function readableChannel(state: EmulatorState, args: ApiArgs): DirectoryChannel {
  const channel = state.directory.resolveChannel(args.string("channel"));
  if (channel === undefined) throw new ApiFailure("channel_not_found");
  const needed = historyScope(channel);
  if (state.scopes !== undefined && !state.scopes.has(needed)) {
    throw new ApiFailure("missing_scope", [], { needed, provided: [...state.scopes].join(",") });
  }
  if (!channel.members.has(state.directory.bot.userId)) throw new ApiFailure("not_in_channel");
  return channel;
}

/**
 * One page of `messages`, cursor-paged as Slack does (`response_metadata.next_cursor`, empty on the last page);
 * `metadata` only with `include_all_metadata`.
 */
function page(
  state: EmulatorState,
  args: ApiArgs,
  messages: readonly StoredMessage[],
): Record<string, unknown> {
  const limit = Math.min(
    MAX_LIMIT,
    Math.max(1, Number(args.optionalString("limit") ?? DEFAULT_LIMIT) || DEFAULT_LIMIT),
  );
  const cursor = args.optionalString("cursor");
  let start = 0;
  if (cursor !== undefined) {
    const decoded = /^offset:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
    if (decoded === null) throw new ApiFailure("invalid_cursor");
    start = Number(decoded[1]);
  }
  const slice = messages.slice(start, start + limit);
  const more = start + limit < messages.length;
  const withMetadata = args.bool("include_all_metadata");
  return {
    messages: slice.map((m) => wireStored(state, m, { withMetadata })),
    has_more: more,
    response_metadata: {
      next_cursor: more ? Buffer.from(`offset:${start + limit}`, "utf8").toString("base64") : "",
    },
  };
}

/** A thread: its parent first, then the replies, oldest first. A `ts` of a reply reads the reply's thread. */
const replies: MethodHandler = (state, args) => {
  const channel = readableChannel(state, args);
  const target = state.messages.get(channel.id, args.string("ts"));
  if (target === undefined || target.deleted) throw new ApiFailure("thread_not_found");
  return page(state, args, state.messages.thread(channel.id, target.threadTs ?? target.ts));
};

/** A conversation's top-level messages, newest first. */
const history: MethodHandler = (state, args) => {
  const channel = readableChannel(state, args);
  return page(state, args, [...state.messages.channelMessages(channel.id)].reverse());
};

export const conversationMethods: Readonly<Record<string, MethodHandler>> = {
  "conversations.replies": replies,
  "conversations.history": history,
};
