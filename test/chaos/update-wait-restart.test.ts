/**
 * An update Databricks refused because another one was in progress (issue 12, item 3) keeps waiting across a
 * SIGKILL and a restart: the wait is the request's durable retry state (`createRetry`), not memory. After the
 * restart the bot reads the endpoint back, waits for the other update to end, sends its own and follows it to done;
 * the thread says it waited once, and never that it failed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { approve, ConversationWatcher, command, isReadyText } from "../../bench/conversation.js";
import { CHANNEL, LLAMA, REQUESTER } from "../integration/harness.js";
import { type BotWorld, startBotWorld } from "./bot-world.js";

let world: BotWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const BUSY = "busy with another config update";

describe("an update waiting for another one", () => {
  it("keeps waiting after a SIGKILL and a restart, says so once, then goes through", async () => {
    const w = await startBotWorld({ provisioningMs: 300 });
    world = w;
    const watcher = new ConversationWatcher(w.slack);
    const driver = w.slack.driver({ appUrl: w.appUrl, ackTimeoutMs: 5_000 });
    const name = "waits-across-restart";
    const { card: first } = await command(watcher, driver, name);
    await approve(driver, first);
    await watcher.reply(first, isReadyText, 15_000);

    const since = w.slack.lastSeq;
    await driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text: `scale ${name} --max 5` });
    const card = await w.slack.waitForMessage(
      (m) => m.threadTs === undefined && m.text.includes("Scale request"),
      { since, timeoutMs: 10_000, description: "the scale card" },
    );
    // Another team's update starts between the card and the approval.
    w.dbx.setProvisioningMs(4_000);
    const other = await fetch(`${w.dbx.url}/api/2.0/serving-endpoints/${name}/config`, {
      method: "PUT",
      headers: { authorization: `Bearer ${w.dbx.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        served_entities: [
          {
            entity_name: LLAMA,
            entity_version: "3",
            min_provisioned_throughput: 980,
            max_provisioned_throughput: 1960,
          },
        ],
      }),
    });
    expect(other.status).toBe(200);
    await approve(driver, card);
    await watcher.reply(card, (t) => t.includes(BUSY), 10_000);

    w.bot.kill("SIGKILL");
    expect((await w.bot.exited).signal).toBe("SIGKILL");
    w.dbx.setProvisioningMs(300);
    await w.restart();

    const done = await watcher.reply(card, (t) => t.includes("is READY"), 30_000);
    expect(done.message.text).toContain("1,960–4,900 tokens/s");
    const texts = watcher.replies(card).map((r) => r.message.text);
    expect(texts.filter((t) => t.includes(BUSY))).toHaveLength(1);
    expect(texts.filter((t) => t.includes("❌"))).toEqual([]);
    const served = (
      w.dbx.endpoint(name) as { config?: { served_entities?: { max_provisioned_throughput?: number }[] } }
    ).config?.served_entities?.[0];
    expect(served?.max_provisioned_throughput).toBe(4900);
    watcher.close();
    // Two bot starts and two provisionings: more than the default 20 s on a loaded machine.
  }, 60_000);
});
