/**
 * Issue 9, item 8: a card Slack stored but ptbot never recorded. Slack takes the card, its answer is held back, and
 * ptbot is SIGKILLed before it can record where the card is; then it restarts on the same database. A click on that
 * card must adopt it (card and thread follow the request from then on), and a card replaced by the requester's
 * rerun must say so when clicked, never "cancelled by" its requester.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConversationWatcher, command, deployText, isReadyText } from "../../bench/conversation.js";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { ACTIONS, CARD_BLOCKS } from "../../src/slack/ids.js";
import { type BotWorld, startBotWorld } from "./bot-world.js";

const REQUESTER = "U0REQUESTER";
const APPROVER = "U0APPROVER";
const CHANNEL = "C0MLDEPLOY";

let world: BotWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const statusText = (m: StoredMessage | undefined) =>
  JSON.stringify(m?.blocks.find((b) => b.block_id === CARD_BLOCKS.status) ?? {});

describe("SIGKILL between Slack storing the card and ptbot recording it", () => {
  it("adopts the card from a click, and a card replaced by a rerun says so", async () => {
    const w = await startBotWorld({ provisioningMs: 300 });
    world = w;
    const watcher = new ConversationWatcher(w.slack);
    const driver = w.slack.driver({ appUrl: w.appUrl, ackTimeoutMs: 5_000 });
    try {
      // Both cards are stored by Slack; ptbot never hears back before it is killed.
      w.slack.stallNext("chat.postMessage", { ms: 600_000, times: 2 });
      const { card: adopted } = await command(watcher, driver, "unrecorded-1");
      const { card: replaced } = await command(watcher, driver, "unrecorded-2");
      w.bot.kill("SIGKILL");
      await w.bot.exited;
      await w.restart();

      // An approval on the unrecorded card deploys, and the card and its thread follow.
      await driver.clickButton({
        user: APPROVER,
        channel: CHANNEL,
        messageTs: adopted.ts,
        actionId: ACTIONS.approve,
      });
      await watcher.reply(adopted, isReadyText, 20_000);
      const ready = w.slack.message(CHANNEL, adopted.ts);
      expect(statusText(ready)).toContain("Ready");
      expect(ready?.blocks.some((b) => b.block_id === CARD_BLOCKS.actions)).toBe(false);

      // The requester runs the second command again (its card seemed lost): the new request goes ahead.
      const since = w.slack.lastSeq;
      const rerun = await driver.slashCommand({
        user: REQUESTER,
        channel: CHANNEL,
        text: deployText("unrecorded-2"),
      });
      expect(rerun.status).toBe(200);
      const fresh = await w.slack.waitForMessage(
        (m) => m.threadTs === undefined && m.ts !== replaced.ts && statusText(m).length > 2,
        { since, timeoutMs: 10_000, description: "the rerun's card" },
      );
      expect(fresh.ts).not.toBe(replaced.ts);

      // A click on the replaced card is answered honestly, and the card says it was replaced.
      const clickedAt = w.slack.lastSeq;
      await driver.clickButton({
        user: APPROVER,
        channel: CHANNEL,
        messageTs: replaced.ts,
        actionId: ACTIONS.approve,
      });
      const answer = await w.slack.waitFor((e) => e.type === "response_posted", {
        since: clickedAt,
        timeoutMs: 10_000,
        description: "the answer to the click on the replaced card",
      });
      const text = answer.type === "response_posted" ? (answer.response.body.text ?? "") : "";
      expect(text).toContain(`replaced by <@${REQUESTER}>'s newer request`);
      expect(text).not.toContain("cancelled by");
      const shown = await w.slack.waitForMessage(
        (m) => m.ts === replaced.ts && statusText(m).includes("Replaced"),
        { timeoutMs: 10_000, description: "the replaced card re-rendered" },
      );
      expect(statusText(shown)).not.toContain("Cancelled");
      expect(shown.blocks.some((b) => b.block_id === CARD_BLOCKS.actions)).toBe(false);
      // Nothing was created for the replaced request; the adopted one created its endpoint once.
      expect(w.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(1);
    } finally {
      watcher.close();
    }
  });
});
