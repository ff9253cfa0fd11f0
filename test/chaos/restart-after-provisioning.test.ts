/**
 * ptbot killed during a create and down for longer than the provisioning takes (issue 9, item 3a): after the restart
 * the endpoint is READY already, and the thread must say so. The kill lands after Databricks carried the create out
 * and before ptbot recorded its answer: the emulator answers that create slowly (`delay-after`), and the test kills
 * the bot once the endpoint exists.
 */
import { afterEach, describe, expect, it } from "vitest";
import { approve, ConversationWatcher, command, isReadyText } from "../../bench/conversation.js";
import { type BotWorld, startBotWorld } from "./bot-world.js";
import { waitUntil } from "./wait-until.js";

let world: BotWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const stateOf = (w: BotWorld, name: string) =>
  (w.dbx.endpoint(name) as { state?: { ready?: string; config_update?: string } } | undefined)?.state;

describe("a restart after the endpoint finished provisioning while ptbot was down", () => {
  it("reports READY in the thread instead of provisioning for good", async () => {
    const w = await startBotWorld({ provisioningMs: 500 });
    world = w;
    const watcher = new ConversationWatcher(w.slack);
    const driver = w.slack.driver({ appUrl: w.appUrl, ackTimeoutMs: 5_000 });
    const name = "down-while-ready";
    const { card } = await command(watcher, driver, name);
    w.dbx.injectFault({
      method: "POST",
      path: "/api/2.0/serving-endpoints",
      endpointName: name,
      kind: "delay-after",
      ms: 60_000,
    });
    await approve(driver, card);
    await waitUntil(() => w.dbx.endpoint(name) !== undefined, {
      timeoutMs: 10_000,
      description: "the create to reach Databricks",
    });
    w.bot.kill("SIGKILL");
    expect((await w.bot.exited).signal).toBe("SIGKILL");
    await waitUntil(
      () => stateOf(w, name)?.ready === "READY" && stateOf(w, name)?.config_update === "NOT_UPDATING",
      {
        timeoutMs: 10_000,
        description: "the endpoint to be READY while ptbot is down",
      },
    );
    expect(watcher.replies(card).some((r) => isReadyText(r.message.text))).toBe(false);

    await w.restart();
    const ready = await watcher.reply(card, isReadyText, 15_000);
    expect(ready.message.text).toContain(name);
    expect(w.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(1);
    watcher.close();
  });
});
