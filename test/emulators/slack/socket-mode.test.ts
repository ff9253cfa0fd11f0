import { App, type BlockAction, type SlashCommand, SocketModeReceiver } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlackDriver } from "../../../emulators/slack/driver.js";
import { SlackEmulatorError } from "../../../emulators/slack/errors.js";
import type { SlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import type { SlackEmulatorEvent } from "../../../emulators/slack/types.js";
import {
  ADA,
  APP_TOKEN,
  BOT_TOKEN,
  CHANNEL,
  cardBlocks,
  GRACE,
  silentLogger,
  startTestEmulator,
} from "./fixtures.js";

let emulator: SlackEmulator;
let app: App;
let driver: SlackDriver;
const commands: SlashCommand[] = [];
const actions: BlockAction[] = [];

function register(target: App): void {
  target.command("/pt", async ({ ack, command, client }) => {
    commands.push(command);
    if (command.text === "modal") {
      await ack();
      await client.views.open({
        trigger_id: command.trigger_id,
        view: {
          type: "modal",
          callback_id: "adjust",
          title: { type: "plain_text", text: "Adjust" },
          submit: { type: "plain_text", text: "Save" },
          blocks: [
            {
              type: "input",
              block_id: "reason",
              label: { type: "plain_text", text: "Reason" },
              element: { type: "plain_text_input", action_id: "reason_text" },
            },
          ],
        },
      });
      return;
    }
    await ack();
    await client.chat.postMessage({
      channel: command.channel_id,
      text: "Deploy requested",
      blocks: cardBlocks(["approve"]),
    });
  });
  target.action<BlockAction>("approve", async ({ ack, body }) => {
    actions.push(body);
    await ack();
  });
  target.view("adjust", async ({ ack, view }) => {
    const reason = view.state.values.reason?.reason_text?.value ?? "";
    if (reason.length < 5) await ack({ response_action: "errors", errors: { reason: "Say a little more" } });
    else await ack();
  });
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  // How the app must be configured: `socketMode: true` + `appToken`, and `clientOptions.slackApiUrl`. Bolt copies
  // clientOptions into installerOptions.clientOptions, which SocketModeReceiver hands to the SocketModeClient's own
  // WebClient: that is how `apps.connections.open` reaches the emulator.
  app = new App({
    token: BOT_TOKEN,
    appToken: APP_TOKEN,
    socketMode: true,
    clientOptions: { slackApiUrl: emulator.apiUrl },
    logger: silentLogger,
  });
  register(app);
  await app.start();
  driver = emulator.driver({ socket: true });
});
afterAll(async () => {
  await app.stop();
  await emulator.close();
});

describe("Socket Mode with Bolt's SocketModeReceiver", () => {
  it("opens the connection with the app token through apps.connections.open, then gets hello", () => {
    const opens = emulator.calls("apps.connections.open");
    expect(opens).toHaveLength(1);
    expect(opens[0]?.tokenKind).toBe("app");
    expect(emulator.socketConnectionCount).toBe(1);
  });

  it("delivers a slash command envelope and returns the ack", async () => {
    const since = emulator.lastSeq;
    const result = await driver.slashCommand({ user: ADA, channel: CHANNEL, text: "deploy llama" });
    expect(result).toMatchObject({ status: 200, body: undefined, late: false });
    expect(commands.at(-1)).toMatchObject({
      user_id: ADA,
      channel_id: CHANNEL,
      command: "/pt",
      text: "deploy llama",
      trigger_id: result.triggerId,
      response_url: result.responseUrl,
    });
    await emulator.waitForMessage((m) => m.text === "Deploy requested", { since });
  });

  it("delivers block_actions as an interactive envelope", async () => {
    const since = emulator.lastSeq;
    await driver.slashCommand({ user: ADA, channel: CHANNEL, text: "deploy" });
    const card = await emulator.waitForMessage((m) => m.text === "Deploy requested", { since });
    const result = await driver.clickButton({
      user: GRACE,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: "approve",
    });
    expect(result.status).toBe(200);
    expect(actions.at(-1)).toMatchObject({
      type: "block_actions",
      user: { id: GRACE },
      container: { message_ts: card.ts, channel_id: CHANNEL },
      actions: [{ action_id: "approve", block_id: "decision", value: "value-approve" }],
    });
  });

  it("returns a view submission's ack payload (response_action errors) like the HTTP answer", async () => {
    const since = emulator.lastSeq;
    await driver.slashCommand({ user: ADA, channel: CHANNEL, text: "modal" });
    const opened = await emulator.waitFor(
      (e): e is Extract<SlackEmulatorEvent, { type: "view_opened" }> => e.type === "view_opened",
      { since },
    );
    const refused = await driver.submitView({
      user: ADA,
      viewId: opened.view.id,
      values: { reason_text: "no" },
    });
    expect(refused.body).toEqual({ response_action: "errors", errors: { reason: "Say a little more" } });
    expect(emulator.view(opened.view.id)?.open).toBe(true);
    const accepted = await driver.submitView({
      user: ADA,
      viewId: opened.view.id,
      values: { reason_text: "capacity is short" },
    });
    expect(accepted.body).toBeUndefined();
    expect(emulator.view(opened.view.id)?.open).toBe(false);
  });

  it("refuses HTTP-only options (signatures mean nothing over a socket)", async () => {
    const error = await driver
      .slashCommand({ user: ADA, channel: CHANNEL, text: "x" }, { signature: "v0=forged" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackEmulatorError);
    expect((error as SlackEmulatorError).code).toBe("unsupported_option");
  });
});

describe("Socket Mode disconnects", () => {
  it("an app told to disconnect reconnects and keeps receiving", async () => {
    const fresh = await startTestEmulator();
    // Bolt's App does not pass clientPingTimeout (which is also the reconnect delay, 5 s by default) through to
    // the socket client; an explicit receiver does.
    const receiver = new SocketModeReceiver({
      appToken: APP_TOKEN,
      clientPingTimeout: 50,
      installerOptions: { clientOptions: { slackApiUrl: fresh.apiUrl } },
      logger: silentLogger,
    });
    const reconnecting = new App({
      token: BOT_TOKEN,
      receiver,
      clientOptions: { slackApiUrl: fresh.apiUrl },
      logger: silentLogger,
    });
    register(reconnecting);
    try {
      await reconnecting.start();
      expect(fresh.socketConnectionCount).toBe(1);
      fresh.disconnectSocketClients("refresh_requested");
      expect(fresh.socketConnectionCount).toBe(0);
      await fresh.waitForSocketConnections(1, 3000);
      expect(fresh.calls("apps.connections.open")).toHaveLength(2);
      const result = await fresh
        .driver({ socket: true })
        .slashCommand({ user: ADA, channel: CHANNEL, text: "again" });
      expect(result.status).toBe(200);
      expect(commands.at(-1)?.text).toBe("again");
    } finally {
      await reconnecting.stop();
      await fresh.close();
    }
  });

  it("a driver with no connected app fails with no_socket_connection", async () => {
    const lonely = await startTestEmulator();
    try {
      const error = await lonely
        .driver({ socket: true, connectTimeoutMs: 20 })
        .slashCommand({ user: ADA, channel: CHANNEL, text: "anyone?" })
        .catch((e: unknown) => e);
      expect((error as SlackEmulatorError).code).toBe("no_socket_connection");
    } finally {
      await lonely.close();
    }
  });
});
