/**
 * Issue 16, "exactly once in the thread": a thread reply Slack stored but ptbot never recorded. Slack takes the
 * "approved" reply, its answer is held back, and ptbot is SIGKILLed before the outbox can record the delivery; then
 * it restarts on the same database and claims the notice again. The restarted process must find the reply in the
 * thread by its metadata and not post it again, and the conversation must go on to READY with each notice once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { approve, ConversationWatcher, command } from "../../bench/conversation.js";
import { type BotWorld, startBotWorld } from "./bot-world.js";
import { isSmokeText, noticeOf, READY_THREAD } from "./thread-notices.js";

let world: BotWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("SIGKILL between Slack storing a thread reply and the outbox recording it", () => {
  it("does not post the reply again after the restart", async () => {
    const w = await startBotWorld({ provisioningMs: 300 });
    world = w;
    const watcher = new ConversationWatcher(w.slack);
    const driver = w.slack.driver({ appUrl: w.appUrl, ackTimeoutMs: 5_000 });
    try {
      const { card } = await command(watcher, driver, "unrecorded-notice");
      // The next post is the "approved" reply: Slack stores it, ptbot never hears back before it is killed.
      w.slack.stallNext("chat.postMessage", { ms: 600_000 });
      await approve(driver, card);
      await watcher.reply(card, (t) => noticeOf({ text: t }) === "approved", 10_000);
      w.bot.kill("SIGKILL");
      await w.bot.exited;
      const readsBefore = w.slack.calls("conversations.replies").length;
      await w.restart();

      await watcher.reply(card, isSmokeText, 20_000);
      expect(watcher.replies(card).map((r) => noticeOf(r.message))).toEqual([...READY_THREAD]);
      // The restarted process read the thread once, for the notice it claimed again, and for nothing else.
      const reads = w.slack.calls("conversations.replies").slice(readsBefore);
      expect(reads.map((c) => c.args.ts)).toEqual([card.ts]);
    } finally {
      watcher.close();
    }
  });
});
