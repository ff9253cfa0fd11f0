/** Reading ptbot's deploy cards in the Slack emulator back: the requests they show, and whether they still ask. */
import type { SlackEmulator, StoredMessage } from "../../emulators/slack/index.js";
import { CARD_BLOCKS } from "../../src/slack/ids.js";

/** The request id a card shows in its context line ("Request `…`"). */
export function requestIdOf(card: Pick<StoredMessage, "blocks">): string | undefined {
  return /Request `([^`]+)`/.exec(JSON.stringify(card.blocks))?.[1];
}

/** Whether the card, as Slack holds it now, still has its buttons: nobody has decided it yet. */
export function stillAsksForApproval(slack: SlackEmulator, card: StoredMessage): boolean {
  return (slack.message(card.channel, card.ts)?.blocks ?? []).some((b) => b.block_id === CARD_BLOCKS.actions);
}
