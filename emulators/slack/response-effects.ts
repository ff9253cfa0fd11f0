import { formatProblems, validateMessageBlocks } from "./block-kit-validation.js";
import type { EmulatorState } from "./emulator-state.js";
import type { ResponseBody, ResponseUrlOrigin, SlackBlock, StoredEphemeral } from "./types.js";

/**
 * Problems with a response body's blocks (a response_url post or a command's ack), in Slack's wording; empty when
 * it is valid.
 */
export function responseBodyProblems(body: ResponseBody): string[] {
  return body.blocks === undefined ? [] : formatProblems(validateMessageBlocks(body.blocks));
}

/**
 * What a message response (to a response_url, or in a slash command's ack) does in Slack: `delete_original` and
 * `replace_original` act on the message the interaction came from; otherwise a new message appears, visible to
 * the user alone (`ephemeral`, the default) or to the channel (`in_channel`, posted as the bot).
 */
export function applyResponseBody(
  state: EmulatorState,
  origin: ResponseUrlOrigin,
  body: ResponseBody,
  source: StoredEphemeral["source"],
): void {
  const text = body.text ?? "";
  const blocks: readonly SlackBlock[] = body.blocks ?? [];
  const original = origin.messageTs;
  if (original !== undefined && (body.delete_original === true || body.replace_original === true)) {
    const change = body.delete_original === true ? ("delete" as const) : { text, blocks };
    if (origin.isEphemeral === true) state.messages.updateEphemeral(original, change);
    else if (change === "delete") state.messages.delete(origin.channel, original);
    else state.messages.update(origin.channel, original, change);
    return;
  }
  if (body.delete_original === true) return;
  const originalMessage = original === undefined ? undefined : state.messages.get(origin.channel, original);
  const threadTs = body.thread_ts ?? originalMessage?.threadTs;
  if (body.response_type === "in_channel") {
    state.messages.post({
      channel: origin.channel,
      user: state.directory.bot.userId,
      botId: state.directory.bot.botId,
      text,
      blocks,
      threadTs,
    });
    return;
  }
  state.messages.postEphemeral({
    channel: origin.channel,
    user: origin.user,
    text,
    blocks,
    threadTs,
    source,
  });
}
