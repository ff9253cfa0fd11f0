/**
 * ptbot as `npm start` runs it over HTTP (`runProcess`): the receiving thread acks and hands each request to the
 * core's thread. Through the front door of a real process: a command's ack is the receiving thread's (the words the
 * listener would say), the card and the modal come from the core, a modal submission's field errors are the core's
 * answer relayed within Slack's 3 s, the health routes are the core's passed on, and the acks timed on the receiving
 * thread show in the core's metrics.
 */
import { once } from "node:events";
import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { ConversationWatcher, deployText } from "../../bench/conversation.js";
import { ACTIONS, ADJUST_INPUTS } from "../../src/slack/ids.js";
import { type BotWorld, startBotWorld } from "../chaos/bot-world.js";

let world: BotWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("ptbot on two threads", () => {
  it("acks on the receiving thread, works on the core's, relays a modal's field errors, passes on health", async () => {
    const w = await startBotWorld({ provisioningMs: 300 });
    world = w;
    expect(w.bot.logs.find((l) => l.msg === "ptbot started")).toMatchObject({ threads: 2 });
    const watcher = new ConversationWatcher(w.slack);
    const driver = w.slack.driver({ appUrl: w.appUrl, ackTimeoutMs: 5_000 });

    const help = await driver.slashCommand({ user: "U0REQUESTER", channel: "C0MLDEPLOY", text: "help" });
    expect(help.status).toBe(200);
    expect(JSON.stringify(help.body)).toContain("/pt deploy");

    const deploy = await driver.slashCommand({
      user: "U0REQUESTER",
      channel: "C0MLDEPLOY",
      text: deployText("two-threads"),
    });
    expect(JSON.stringify(deploy.body)).toContain("in Unity Catalog…");
    const { message: card } = await watcher.card("two-threads", 10_000);

    const since = w.slack.lastSeq;
    await driver.clickButton({
      user: "U0REQUESTER",
      channel: "C0MLDEPLOY",
      messageTs: card.ts,
      actionId: ACTIONS.adjust,
    });
    const opened = await w.slack.waitFor((e) => e.type === "view_opened", { since, timeoutMs: 5_000 });
    if (opened.type !== "view_opened") throw new Error("no view");
    const refused = await driver.submitView({
      user: "U0REQUESTER",
      viewId: opened.view.id,
      values: { [ADJUST_INPUTS.min.action]: "4", [ADJUST_INPUTS.max.action]: "2" },
    });
    expect(refused.body).toMatchObject({ response_action: "errors" });
    expect(refused.view?.open).toBe(true);
    expect(Object.keys(refused.view?.errors ?? {}).length).toBeGreaterThan(0);

    const origin = new URL(w.appUrl).origin;
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, draining: false });
    const metrics = await (await fetch(`${origin}/metrics`)).text();
    const count = (kind: string) =>
      Number(
        new RegExp(`ptbot_slack_ack_duration_seconds_count\\{kind="${kind}"\\} (\\d+)`).exec(metrics)?.[1] ??
          0,
      );
    expect(count("command")).toBe(2);
    expect(count("block_actions")).toBe(1);
    expect(count("view_submission")).toBe(1);
    watcher.close();
  }, 60_000);

  it("drains and exits 0 within Docker's 10 s while a client holds a request open half-sent", async () => {
    const w = await startBotWorld({ provisioningMs: 300 });
    world = w;
    const { port } = new URL(w.appUrl);
    // Headers begun and never finished: the server would wait for them (60 s) before it could close.
    const socket = connect(Number(port), "127.0.0.1");
    await once(socket, "connect");
    socket.write("POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form");
    socket.on("error", () => {});
    const sent = performance.now();
    w.bot.kill("SIGTERM");
    const { code } = await w.bot.exited;
    expect(code).toBe(0);
    expect(performance.now() - sent).toBeLessThan(10_000);
    expect(w.bot.logs.find((l) => l.msg === "shutdown step abandoned")).toMatchObject({
      part: "receiving thread stop",
    });
    expect(w.bot.logs.some((l) => l.msg === "ptbot stopped")).toBe(true);
    socket.destroy();
  }, 30_000);
});
