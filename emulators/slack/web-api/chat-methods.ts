import type { DirectoryChannel } from "../directory.js";
import type { EmulatorState } from "../emulator-state.js";
import type { StoredMessage } from "../types.js";
import { wireMessage } from "../wire-message.js";
import { type ApiArgs, ApiFailure } from "./api-args.js";
import { checkMessageContent } from "./message-content.js";
import { metadataArg } from "./message-metadata.js";
import type { MethodHandler } from "./method-handler.js";

/** A channel the bot can post to: it exists (for the bot) and the bot is a member. */
function postableChannel(state: EmulatorState, args: ApiArgs): DirectoryChannel {
  const channel = state.directory.resolveChannel(args.string("channel"));
  if (channel === undefined) throw new ApiFailure("channel_not_found");
  if (!channel.members.has(state.directory.bot.userId)) throw new ApiFailure("not_in_channel");
  if (channel.archived) throw new ApiFailure("is_archived");
  return channel;
}

/** A message as Slack serializes it, with its thread context. */
export function wireStored(
  state: EmulatorState,
  message: StoredMessage,
  options: { withMetadata?: boolean } = { withMetadata: true },
): Record<string, unknown> {
  const parent =
    message.threadTs === undefined ? undefined : state.messages.get(message.channel, message.threadTs);
  return wireMessage(message, state.context, {
    parentUser: parent?.user,
    replies: message.threadTs === undefined ? state.messages.replies(message.channel, message.ts) : [],
    withMetadata: options.withMetadata === true,
  });
}

/** A reply to a reply joins the parent's thread, as in Slack. Unknown parents are posted but warned about. */
function threadOf(state: EmulatorState, channel: string, threadTs: string | undefined, method: string) {
  if (threadTs === undefined) return undefined;
  const target = state.messages.get(channel, threadTs);
  if (target === undefined) {
    state.warn({
      kind: "unknown_thread",
      method,
      channel,
      message: `thread_ts ${threadTs} matches no message`,
    });
    return threadTs;
  }
  return target.threadTs ?? target.ts;
}

const postMessage: MethodHandler = (state, args) => {
  const channel = postableChannel(state, args);
  const content = checkMessageContent(
    state,
    { method: "chat.postMessage", channel: channel.id },
    { text: args.raw.text, blocks: args.json("blocks", "invalid_blocks_format") },
  );
  const metadata = metadataArg(args);
  const message = state.messages.post({
    channel: channel.id,
    user: state.directory.bot.userId,
    botId: state.directory.bot.botId,
    text: content.text ?? "",
    blocks: content.blocks ?? [],
    threadTs: threadOf(state, channel.id, args.optionalString("thread_ts"), "chat.postMessage"),
    metadata,
  });
  return { channel: channel.id, ts: message.ts, message: wireStored(state, message) };
};

/** The message the bot may change: it exists and the bot wrote it. */
function ownMessage(state: EmulatorState, args: ApiArgs, notOwned: string): StoredMessage {
  const channel = state.directory.resolveChannel(args.string("channel"));
  if (channel === undefined) throw new ApiFailure("channel_not_found");
  const message = state.messages.get(channel.id, args.string("ts"));
  if (message === undefined || message.deleted) throw new ApiFailure("message_not_found");
  if (message.botId !== state.directory.bot.botId) throw new ApiFailure(notOwned);
  // "The message cannot be edited within a frozen, archived or deleted channel."
  if (channel.archived) throw new ApiFailure("is_inactive");
  return message;
}

const update: MethodHandler = (state, args) => {
  const current = ownMessage(state, args, "cant_update_message");
  // chat.update keeps the previous blocks when `blocks` is absent (an empty array removes them), and the
  // previous text when `text` is absent.
  const content = checkMessageContent(
    state,
    { method: "chat.update", channel: current.channel },
    { text: args.raw.text, blocks: args.json("blocks", "invalid_blocks_format") },
    { requireContent: false },
  );
  if (content.text === undefined && content.blocks === undefined) throw new ApiFailure("no_text");
  const message = state.messages.update(current.channel, current.ts, {
    text: content.text ?? current.text,
    blocks: content.blocks ?? current.blocks,
  });
  if (message === undefined) throw new ApiFailure("message_not_found");
  return {
    channel: message.channel,
    ts: message.ts,
    text: message.text,
    message: wireStored(state, message),
  };
};

const postEphemeral: MethodHandler = (state, args) => {
  const channel = postableChannel(state, args);
  const user = args.string("user");
  if (!channel.members.has(user)) throw new ApiFailure("user_not_in_channel");
  const content = checkMessageContent(
    state,
    { method: "chat.postEphemeral", channel: channel.id },
    { text: args.raw.text, blocks: args.json("blocks", "invalid_blocks_format") },
  );
  const ephemeral = state.messages.postEphemeral({
    channel: channel.id,
    user,
    text: content.text ?? "",
    blocks: content.blocks ?? [],
    threadTs: args.optionalString("thread_ts"),
    source: "chat.postEphemeral",
  });
  return { message_ts: ephemeral.messageTs };
};

const getPermalink: MethodHandler = (state, args) => {
  const channel = state.directory.resolveChannel(args.string("channel"));
  if (channel === undefined) throw new ApiFailure("channel_not_found");
  const message = state.messages.get(channel.id, args.string("message_ts"));
  if (message === undefined || message.deleted) throw new ApiFailure("message_not_found");
  const base = `https://${state.directory.team.domain}.slack.com/archives/${channel.id}/p${message.ts.replace(".", "")}`;
  const permalink =
    message.threadTs === undefined ? base : `${base}?thread_ts=${message.threadTs}&cid=${channel.id}`;
  return { channel: channel.id, permalink };
};

const deleteMessage: MethodHandler = (state, args) => {
  const current = ownMessage(state, args, "cant_delete_message");
  state.messages.delete(current.channel, current.ts);
  return { channel: current.channel, ts: current.ts };
};

export const chatMethods: Readonly<Record<string, MethodHandler>> = {
  "chat.postMessage": postMessage,
  "chat.update": update,
  "chat.postEphemeral": postEphemeral,
  "chat.getPermalink": getPermalink,
  "chat.delete": deleteMessage,
};
