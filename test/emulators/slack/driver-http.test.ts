import type { App, BlockAction, SlashCommand } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlackDriver } from "../../../emulators/slack/driver.js";
import { SlackEmulatorError } from "../../../emulators/slack/errors.js";
import type { SlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import type { SlackEmulatorEvent, StoredMessage } from "../../../emulators/slack/types.js";
import {
  ADA,
  CHANNEL,
  cardBlocks,
  GRACE,
  type RunningApp,
  startBoltApp,
  startTestEmulator,
} from "./fixtures.js";

let clock = Date.now();
let emulator: SlackEmulator;
let running: RunningApp;
let driver: SlackDriver;
const received: { commands: SlashCommand[]; actions: BlockAction[] } = { commands: [], actions: [] };
/** Lets a test hold the app between its ack and its views.open (to let the trigger expire). */
let gate: Promise<void> = Promise.resolve();

const adjustModal = {
  type: "modal" as const,
  callback_id: "adjust",
  title: { type: "plain_text" as const, text: "Adjust" },
  submit: { type: "plain_text" as const, text: "Save" },
  blocks: [
    {
      type: "input",
      block_id: "max",
      label: { type: "plain_text" as const, text: "Max multiple" },
      element: { type: "number_input", action_id: "max_value", is_decimal_allowed: false },
    },
  ],
};

function register(app: App): void {
  app.command("/pt", async ({ ack, command, client }) => {
    received.commands.push(command);
    if (command.text === "modal" || command.text === "slow modal") {
      await ack();
      await gate;
      // An expired trigger makes this throw; Bolt logs it (silenced) and the test reads the emulator's answer.
      await client.views.open({ trigger_id: command.trigger_id, view: adjustModal });
      return;
    }
    if (command.text === "help") {
      await ack({ text: "Usage: /pt deploy <model>" });
      return;
    }
    if (command.text === "late help") {
      // An app that misses Slack's 3 s: the lateness is what is tested, so this wait is the app's, not the test's.
      await new Promise((resolve) => setTimeout(resolve, 3_100));
      await ack({ text: "Usage, too late" });
      return;
    }
    await ack();
    await client.chat.postMessage({
      channel: command.channel_id,
      text: `Deploy requested by <@${command.user_id}>`,
      blocks: cardBlocks(["approve", "reject"]),
    });
  });
  app.action<BlockAction>("approve", async ({ ack, body, client }) => {
    received.actions.push(body);
    await ack();
    const ts = body.message?.ts ?? "";
    await client.chat.update({
      channel: body.channel?.id ?? "",
      ts,
      text: "Approved",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: `Approved by <@${body.user.id}>` } }],
    });
    await client.chat.postMessage({
      channel: body.channel?.id ?? "",
      thread_ts: ts,
      text: "Creating the endpoint",
    });
  });
  app.action<BlockAction>("reject", async ({ ack, respond }) => {
    await ack();
    await respond({ replace_original: true, text: "Rejected" });
  });
  app.view("adjust", async ({ ack, view }) => {
    const max = Number(view.state.values.max?.max_value?.value);
    if (max > 10) await ack({ response_action: "errors", errors: { max: "At most 10" } });
    else await ack();
  });
}

beforeAll(async () => {
  emulator = await startTestEmulator({ now: () => clock });
  running = await startBoltApp(emulator, register);
  driver = emulator.driver({ appUrl: running.appUrl });
});
afterAll(async () => {
  await running.stop();
  await emulator.close();
});

const isCard = (m: StoredMessage) => m.text.startsWith("Deploy requested");

async function postCard(user = ADA): Promise<StoredMessage> {
  const since = emulator.lastSeq;
  await driver.slashCommand({ user, channel: CHANNEL, text: "deploy llama" });
  return emulator.waitForMessage(isCard, { since });
}

describe("slash commands over signed HTTP", () => {
  it("are accepted by a real Bolt app, with Slack's fields", async () => {
    const result = await driver.slashCommand({ user: ADA, channel: CHANNEL, text: "deploy llama" });
    expect(result.status).toBe(200);
    expect(result.body).toBeUndefined();
    expect(result.ackMs).toBeGreaterThan(0);
    expect(result.late).toBe(false);
    expect(received.commands.at(-1)).toEqual({
      token: expect.any(String),
      team_id: "T0PTBOT00",
      team_domain: "ptbot-sandbox",
      channel_id: CHANNEL,
      channel_name: "ml-deploys",
      user_id: ADA,
      user_name: "ada",
      command: "/pt",
      text: "deploy llama",
      api_app_id: emulator.appId,
      is_enterprise_install: "false",
      response_url: result.responseUrl,
      trigger_id: result.triggerId,
    });
    const card = await emulator.waitForMessage((m) => isCard(m) && m.text.includes(ADA));
    expect(card.botId).toBe(emulator.bot.botId);
  });

  it("a forged signature, a stale timestamp and a missing signature get 401 and reach no listener", async () => {
    const before = received.commands.length;
    const input = { user: ADA, channel: CHANNEL, text: "deploy evil" };
    expect((await driver.slashCommand(input, { signature: `v0=${"0".repeat(64)}` })).status).toBe(401);
    expect((await driver.slashCommand(input, { timestampSkewSeconds: -360 })).status).toBe(401);
    expect((await driver.slashCommand(input, { unsigned: true })).status).toBe(401);
    expect((await driver.sendRaw({ body: "command=%2Fpt&text=raw" }, { signature: "v0=bad" })).status).toBe(
      401,
    );
    expect(received.commands.length).toBe(before);
    // The same request, properly signed, goes through: the 401s were about the signature alone.
    expect((await driver.slashCommand(input)).status).toBe(200);
  });

  it("an ack carrying text shows the user an ephemeral message", async () => {
    const result = await driver.slashCommand({ user: GRACE, channel: CHANNEL, text: "help" });
    expect(result.body).toEqual({ text: "Usage: /pt deploy <model>" });
    expect(emulator.ephemerals({ user: GRACE, channel: CHANNEL }).at(-1)).toMatchObject({
      text: "Usage: /pt deploy <model>",
      source: "command_ack",
    });
  });
});

describe("an answer later than Slack's 3 s", () => {
  it("is dropped: the user sees Slack's operation_timeout instead, and the emulator warns", async () => {
    const before = emulator.warnings().length;
    const result = await driver.slashCommand({ user: GRACE, channel: CHANNEL, text: "late help" });
    expect(result.late).toBe(true);
    const shown = emulator.ephemerals({ user: GRACE, channel: CHANNEL }).at(-1);
    expect(shown).toMatchObject({ text: '/pt failed with the error "operation_timeout"', source: "slack" });
    expect(emulator.ephemerals({ user: GRACE }).some((e) => e.text === "Usage, too late")).toBe(false);
    expect(emulator.warnings().slice(before)).toEqual([
      expect.objectContaining({ kind: "late_ack", method: "slash_command", channel: CHANNEL }),
    ]);
  });
});

describe("button clicks", () => {
  it("deliver Slack's block_actions payload to app.action", async () => {
    const card = await postCard();
    const result = await driver.clickButton({
      user: GRACE,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: "approve",
    });
    expect(result.status).toBe(200);
    const body = received.actions.at(-1);
    expect(body).toMatchObject({
      type: "block_actions",
      user: { id: GRACE, username: "grace", name: "grace", team_id: "T0PTBOT00" },
      api_app_id: emulator.appId,
      container: { type: "message", message_ts: card.ts, channel_id: CHANNEL, is_ephemeral: false },
      trigger_id: result.triggerId,
      team: { id: "T0PTBOT00", domain: "ptbot-sandbox" },
      channel: { id: CHANNEL, name: "ml-deploys" },
      message: { ts: card.ts, text: card.text, bot_id: emulator.bot.botId, blocks: card.blocks },
      response_url: result.responseUrl,
      state: { values: {} },
      actions: [
        {
          action_id: "approve",
          block_id: "decision",
          text: { type: "plain_text", text: "approve" },
          value: "value-approve",
          type: "button",
          action_ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
        },
      ],
    });
    const updated = await emulator.waitForMessage((m) => m.ts === card.ts && m.text === "Approved");
    expect(updated.edits).toHaveLength(1);
    await emulator.waitForMessage((m) => m.threadTs === card.ts && m.text === "Creating the endpoint");
  });

  it("fail clearly when the stored message no longer has the button", async () => {
    const card = await postCard();
    await driver.clickButton({ user: GRACE, channel: CHANNEL, messageTs: card.ts, actionId: "approve" });
    await emulator.waitForMessage((m) => m.ts === card.ts && m.text === "Approved");
    const error = await driver
      .clickButton({ user: GRACE, channel: CHANNEL, messageTs: card.ts, actionId: "approve" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackEmulatorError);
    expect((error as SlackEmulatorError).code).toBe("button_not_found");
    expect((error as Error).message).toContain("buttons: none");
  });

  it("respond() through the response_url replaces the original message", async () => {
    const card = await postCard();
    const since = emulator.lastSeq;
    await driver.clickButton({ user: GRACE, channel: CHANNEL, messageTs: card.ts, actionId: "reject" });
    const event = await emulator.waitFor(
      (e): e is Extract<SlackEmulatorEvent, { type: "response_posted" }> => e.type === "response_posted",
      { since },
    );
    expect(event.response.body).toEqual({ replace_original: true, text: "Rejected" });
    expect(event.response.origin).toMatchObject({ kind: "block_actions", messageTs: card.ts });
    expect(emulator.message(CHANNEL, card.ts)).toMatchObject({ text: "Rejected", blocks: [] });
    expect(emulator.responses().at(-1)?.use).toBe(1);
  });
});

describe("response_url", () => {
  it("takes 5 posts, then answers 404", async () => {
    const { responseUrl } = await driver.slashCommand({ user: ADA, channel: CHANNEL, text: "help" });
    const post = (n: number) =>
      fetch(responseUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: `update ${n}` }),
      }).then((r) => r.status);
    const statuses = [];
    for (let n = 1; n <= 6; n += 1) statuses.push(await post(n));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    const mine = emulator.responses().filter((r) => r.url === responseUrl);
    expect(mine.map((r) => r.use)).toEqual([1, 2, 3, 4, 5]);
    expect(emulator.ephemerals({ user: ADA }).at(-1)).toMatchObject({
      text: "update 5",
      source: "response_url",
    });
  });
});

describe("modals", () => {
  it("a view submission with field errors reaches app.view and keeps the modal open; a valid one closes it", async () => {
    const since = emulator.lastSeq;
    await driver.slashCommand({ user: ADA, channel: CHANNEL, text: "modal" });
    const opened = await emulator.waitFor(
      (e): e is Extract<SlackEmulatorEvent, { type: "view_opened" }> => e.type === "view_opened",
      { since },
    );
    const viewId = opened.view.id;
    expect(emulator.views(ADA).map((v) => v.id)).toContain(viewId);

    const refused = await driver.submitView({ user: ADA, viewId, values: { max_value: 20 } });
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ response_action: "errors", errors: { max: "At most 10" } });
    expect(refused.payload).toMatchObject({
      type: "view_submission",
      view: {
        id: viewId,
        callback_id: "adjust",
        state: { values: { max: { max_value: { type: "number_input", value: "20" } } } },
      },
    });
    expect(refused.view).toMatchObject({ open: true, errors: { max: "At most 10" } });

    const accepted = await driver.submitView({ user: ADA, viewId, values: { max_value: 4 } });
    expect(accepted.body).toBeUndefined();
    expect(accepted.view?.open).toBe(false);
    expect(emulator.views(ADA).map((v) => v.id)).not.toContain(viewId);
  });

  it("a trigger_id used after 3 s (by the emulator's clock) is expired_trigger_id", async () => {
    let release = () => {};
    gate = new Promise((resolve) => {
      release = resolve;
    });
    const since = emulator.lastSeq;
    await driver.slashCommand({ user: ADA, channel: CHANNEL, text: "slow modal" });
    clock += 3001;
    release();
    const call = await emulator.waitFor(
      (e): e is Extract<SlackEmulatorEvent, { type: "api_call" }> =>
        e.type === "api_call" && e.call.method === "views.open",
      { since },
    );
    gate = Promise.resolve();
    expect(call.call.response).toEqual({ ok: false, error: "expired_trigger_id" });
    expect(emulator.views(ADA).filter((v) => v.view.callback_id === "adjust")).toEqual([]);
  });
});
