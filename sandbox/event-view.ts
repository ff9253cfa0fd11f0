/** Emulator records → what the sandbox shows of them ({@link MessageView}). Pure. */
import type { SlackEmulatorEvent, StoredEphemeral, StoredMessage } from "../emulators/slack/index.js";
import type { MessageView } from "./render-message.js";

export interface ViewContext {
  readonly botName: string;
  /** Whose eyes: ephemerals for this user are "only visible to you". */
  readonly currentUser: string;
  readonly nameOf: (userId: string) => string;
  /** Formats a `ts`; no time is shown without it. */
  readonly formatTime?: (ts: string) => string;
}

function time(ts: string, ctx: ViewContext): { time?: string } {
  return ctx.formatTime === undefined ? {} : { time: ctx.formatTime(ts) };
}

/** A channel message as posted, edited (with the version it replaced) or deleted. */
export function storedMessageView(
  message: StoredMessage,
  type: SlackEmulatorEvent["type"],
  ctx: ViewContext,
): MessageView {
  const previous = type === "message_updated" ? message.edits.at(-1) : undefined;
  return {
    author: message.botId === undefined ? ctx.nameOf(message.user) : ctx.botName,
    text: message.text,
    blocks: message.blocks,
    inThread: message.threadTs !== undefined,
    // An edit is stamped with when it happened, not when the message was first posted.
    ...time(previous?.replacedAt ?? message.ts, ctx),
    ...(previous === undefined ? {} : { change: "updated" as const, previous }),
    ...(type === "message_deleted" ? { change: "deleted" as const } : {}),
  };
}

/** An ephemeral message, marked with who alone sees it. */
export function ephemeralView(ephemeral: StoredEphemeral, replaced: boolean, ctx: ViewContext): MessageView {
  return {
    author: ctx.botName,
    text: ephemeral.text,
    blocks: ephemeral.blocks,
    inThread: ephemeral.threadTs !== undefined,
    visibleTo: ephemeral.user === ctx.currentUser ? "you" : ctx.nameOf(ephemeral.user),
    ...time(ephemeral.messageTs, ctx),
    ...(ephemeral.deleted ? { change: "deleted" as const } : replaced ? { change: "updated" as const } : {}),
  };
}
