/**
 * "The latest card": the newest message with buttons that the current user can see (a channel message or thread
 * reply, or one of their own ephemeral messages). Keys and `click` act on it, as a person acts on what they just saw.
 */
import type { SlackBlock, StoredEphemeral, StoredMessage } from "../emulators/slack/index.js";
import { buttonsOf, type CardButton, type RenderOptions } from "./render-message.js";

export interface Card {
  readonly channel: string;
  readonly ts: string;
  readonly buttons: readonly CardButton[];
}

/** Where cards are looked for. */
export interface CardSource {
  channelMessages(channel: string, query?: { includeReplies?: boolean }): readonly StoredMessage[];
  ephemerals(filter?: { user?: string; channel?: string }): readonly StoredEphemeral[];
}

/** The newest message in `channel` with at least one button, as `user` sees it; undefined when there is none. */
export function latestCard(
  source: CardSource,
  channel: string,
  user: string,
  options: RenderOptions,
): Card | undefined {
  const candidates: { ts: string; blocks: readonly SlackBlock[] }[] = [
    ...source.channelMessages(channel, { includeReplies: true }),
    ...source.ephemerals({ user, channel }).map((e) => ({ ts: e.messageTs, blocks: e.blocks })),
  ];
  // Slack ts strings have a fixed shape (10 digits, a dot, 6 digits), so they sort as strings.
  candidates.sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0));
  for (const candidate of candidates) {
    const buttons = buttonsOf(candidate.blocks, options);
    if (buttons.length > 0) return { channel, ts: candidate.ts, buttons };
  }
  return undefined;
}

const bare = (text: string) =>
  text
    .replace(/:[a-z0-9_+-]+:/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .trim()
    .toLowerCase();

/**
 * The button `target` names: its key, its text (emoji and punctuation aside, any case), its action_id, or, when
 * only one button fits, a word its text or action_id contains (`approve` finds `deploy_approve`).
 */
export function matchButton(buttons: readonly CardButton[], target: string): CardButton | undefined {
  const wanted = bare(target);
  if (wanted === "") return undefined;
  const exact =
    buttons.find((b) => b.key === wanted) ??
    buttons.find((b) => bare(b.text) === wanted) ??
    buttons.find((b) => b.actionId.toLowerCase() === wanted);
  if (exact !== undefined) return exact;
  const partial = buttons.filter(
    (b) => bare(b.text).includes(wanted) || b.actionId.toLowerCase().includes(wanted),
  );
  return partial.length === 1 ? partial[0] : undefined;
}
