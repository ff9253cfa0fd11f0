/**
 * Stopping and restarting ptbot as a container is stopped and restarted: SIGTERM drains within Docker's default stop
 * timeout (10 s) and exits 0 even while Databricks does not answer, and a process restarted with the same
 * `PTBOT_INSTANCE_ID` takes back the work it held at once instead of waiting for its own leases to run out.
 */
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { approve, ConversationWatcher, command, deployText, isReadyText } from "../../bench/conversation.js";
import { type BotWorld, startBotWorld } from "./bot-world.js";
import { waitUntil } from "./wait-until.js";

let world: BotWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const CREATE = "/api/2.0/serving-endpoints";
const LOOKUP = "/api/2.1/unity-catalog/models/ml.llm-catalog.llama-13b/versions/3";

describe("SIGTERM and restarts", () => {
  it("drains in under 10 s and exits 0 while a create and a command's lookup hang at Databricks", async () => {
    const w = await startBotWorld({ provisioningMs: 300 });
    world = w;
    const watcher = new ConversationWatcher(w.slack);
    const driver = w.slack.driver({ appUrl: w.appUrl, ackTimeoutMs: 5_000 });
    const { card } = await command(watcher, driver, "drain-create");
    // Databricks stops answering: the tracker's create and a listener's model lookup are both left hanging.
    w.dbx.injectFault({ kind: "delay", ms: 120_000, method: "POST", path: CREATE, times: Infinity });
    w.dbx.injectFault({ kind: "delay", ms: 120_000, method: "GET", path: LOOKUP, times: Infinity });
    await approve(driver, card);
    const slash = await driver.slashCommand({
      user: "U0REQUESTER",
      channel: "C0MLDEPLOY",
      text: deployText("drain-lookup"),
    });
    expect(slash.status).toBe(200);
    await waitUntil(
      () =>
        w.dbx.requestsTo("POST", CREATE).some((r) => r.status === 0) &&
        w.dbx.requestsTo("GET", LOOKUP).some((r) => r.status === 0),
      { timeoutMs: 10_000, description: "a create and a lookup hanging at Databricks" },
    );

    const sent = performance.now();
    w.bot.kill("SIGTERM");
    const { code } = await w.bot.exited;
    const tookMs = performance.now() - sent;
    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(10_000);
    expect(w.bot.logs.some((l) => l.msg === "ptbot stopped")).toBe(true);
    // The drain really had hanging work to give up on (so the test cannot pass vacuously).
    expect(w.bot.logs.filter((l) => l.msg === "shutdown step abandoned").map((l) => l.part)).toContain(
      "tracker",
    );
    watcher.close();
  }, 30_000);

  it("takes back its own in-flight work at once when restarted with the same PTBOT_INSTANCE_ID", async () => {
    const w = await startBotWorld({ provisioningMs: 300, instanceId: "ptbot-blue" });
    world = w;
    const watcher = new ConversationWatcher(w.slack);
    const driver = w.slack.driver({ appUrl: w.appUrl, ackTimeoutMs: 5_000 });
    const { card } = await command(watcher, driver, "restart-resume");
    // The create is sent and its answer never comes: the request is claimed under this instance's lease.
    w.dbx.injectFault({ kind: "delay", ms: 120_000, method: "POST", path: CREATE });
    await approve(driver, card);
    await waitUntil(() => w.dbx.requestsTo("POST", CREATE).length === 1, {
      timeoutMs: 10_000,
      description: "the create to be sent",
    });
    w.bot.kill("SIGKILL");
    await w.bot.exited;
    w.dbx.clearFaults();
    // The same clock (no skew): only releasing its own leases at start lets the new process resume the request.
    await w.restart();
    expect(w.bot.logs.find((l) => l.msg === "ptbot started")).toMatchObject({ instance: "ptbot-blue" });
    await watcher.reply(card, isReadyText, 15_000);
    watcher.close();
  }, 40_000);
});
