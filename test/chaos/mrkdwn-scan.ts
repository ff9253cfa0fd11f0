/**
 * Finds text a user typed that reached Slack unescaped in something ptbot sent: messages and their edits, ephemeral
 * messages, response_url posts, modals, and the app's own HTTP answers (a command's ack is shown to the user).
 * Slack reads `<…>` as a mention, a broadcast or a link in mrkdwn (message `text`, `mrkdwn` text objects); only
 * `plain_text` objects and values Slack never renders (ids, metadata, input values) are safe to leave as typed.
 */
import type { SlackEmulatorEvent } from "../../emulators/slack/index.js";

/** Keys whose values Slack does not render as mrkdwn. */
const NOT_RENDERED = new Set([
  "value",
  "action_id",
  "block_id",
  "callback_id",
  "private_metadata",
  "initial_value",
  "url",
  "image_url",
  "ts",
  "thread_ts",
  "channel",
]);

function strings(value: unknown, out: string[], key = ""): void {
  if (typeof value === "string") {
    if (!NOT_RENDERED.has(key)) out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) strings(v, out, key);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const object = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(object)) {
    if (k === "text" && object.type === "plain_text") continue;
    strings(v, out, k);
  }
}

/** Everything ptbot sent that Slack would render, as strings. */
export function renderedByBot(events: readonly SlackEmulatorEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    switch (e.type) {
      case "message_posted":
      case "message_updated":
        if (e.message.botId !== undefined) strings({ text: e.message.text, blocks: e.message.blocks }, out);
        break;
      case "ephemeral_posted":
      case "ephemeral_updated":
        strings({ text: e.ephemeral.text, blocks: e.ephemeral.blocks }, out);
        break;
      case "response_posted":
        strings(e.response.body, out);
        break;
      case "view_opened":
      case "view_updated":
        strings(e.view.view.blocks, out);
        break;
      case "delivered":
        strings(e.delivery.body, out);
        break;
      default:
        break;
    }
  }
  return out;
}

/** The `tokens` found raw in what the bot rendered, each with the text it was found in. */
export function unescapedInjections(
  events: readonly SlackEmulatorEvent[],
  tokens: readonly string[],
): { token: string; in: string }[] {
  return renderedByBot(events).flatMap((text) =>
    tokens.filter((t) => text.includes(t)).map((token) => ({ token, in: text.slice(0, 200) })),
  );
}
