/** Reading ptbot's deploy cards in the Slack emulator back into requests, for the in-process chaos cases. */
import type { StoredMessage } from "../../emulators/slack/index.js";

/** The request id a card shows in its context line ("Request `…`"). */
export function requestIdOf(card: Pick<StoredMessage, "blocks">): string | undefined {
  return /Request `([^`]+)`/.exec(JSON.stringify(card.blocks))?.[1];
}
