import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SlackDriver } from "../../../emulators/slack/driver.js";
import type { SlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import { ADA, CHANNEL, cardBlocks, GRACE, startTestEmulator, webClient } from "./fixtures.js";

/**
 * How the driver applies answers to the model, with a scripted stand-in for the app (a bare HTTP server whose
 * answer each test sets), so that every `response_action` can be exercised directly.
 */
let emulator: SlackEmulator;
let server: Server;
let driver: SlackDriver;
let payloads: Record<string, unknown>[] = [];
let answer: (res: ServerResponse) => void = (res) => res.end();

const json = (body: unknown) => (res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

const modal = (title: string, extra: Record<string, unknown> = {}) => ({
  type: "modal",
  callback_id: "adjust",
  title: { type: "plain_text", text: title },
  submit: { type: "plain_text", text: "Save" },
  blocks: [
    {
      type: "input",
      block_id: "reason",
      label: { type: "plain_text", text: "Reason" },
      element: { type: "plain_text_input", action_id: "reason_text" },
    },
  ],
  ...extra,
});

beforeAll(async () => {
  emulator = await startTestEmulator();
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const payload = form.get("payload");
    payloads.push(
      payload === null ? Object.fromEntries(form) : (JSON.parse(payload) as Record<string, unknown>),
    );
    answer(res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  driver = emulator.driver({ appUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
});
afterEach(() => {
  payloads = [];
  answer = (res) => res.end();
});
afterAll(async () => {
  server.close();
  await emulator.close();
});

async function openModal(user: string, extra: Record<string, unknown> = {}): Promise<string> {
  const opened = await webClient(emulator).views.open({
    trigger_id: emulator.issueTriggerId(user),
    view: modal("Adjust", extra) as never,
  });
  return opened.view?.id ?? "";
}

describe("view submission answers", () => {
  it("update replaces the view in place; push stacks one; clear closes them all", async () => {
    const viewId = await openModal(ADA);
    answer = json({ response_action: "update", view: modal("Step 2") });
    const updated = await driver.submitView({ user: ADA, viewId, values: { reason_text: "because" } });
    expect(updated.view).toMatchObject({ id: viewId, open: true, view: { title: { text: "Step 2" } } });

    answer = json({ response_action: "push", view: modal("Step 3") });
    await driver.submitView({ user: ADA, viewId, values: { reason_text: "because" } });
    const stack = emulator.views(ADA);
    expect(stack.map((v) => v.view.previous_view_id)).toEqual([null, viewId]);

    answer = json({ response_action: "clear" });
    await driver.submitView({ user: ADA, viewId: stack[1]?.id ?? "", values: { reason_text: "because" } });
    expect(emulator.views(ADA)).toEqual([]);
  });

  it("warns when errors name a block that is not an input, or an update carries an invalid view", async () => {
    const viewId = await openModal(GRACE);
    const before = emulator.warnings().length;
    answer = json({ response_action: "errors", errors: { reasonn: "typo" } });
    await driver.submitView({ user: GRACE, viewId, values: { reason_text: "x" } });
    answer = json({ response_action: "update", view: modal("A title longer than twenty-four") });
    await driver.submitView({ user: GRACE, viewId, values: { reason_text: "x" } });
    expect(
      emulator
        .warnings()
        .slice(before)
        .map((w) => w.message),
    ).toEqual([expect.stringContaining("reasonn"), expect.stringContaining("/view/title/text")]);
    expect(emulator.view(viewId)?.view.title).toEqual({ type: "plain_text", text: "Adjust" });
  });

  it("closeView tells the app only when the view asked for notify_on_close", async () => {
    const quiet = await openModal(ADA);
    expect(await driver.closeView({ user: ADA, viewId: quiet })).toBeUndefined();
    expect(payloads).toEqual([]);
    const noisy = await openModal(ADA, { notify_on_close: true });
    const result = await driver.closeView({ user: ADA, viewId: noisy });
    expect(result?.payload).toMatchObject({ type: "view_closed", view: { id: noisy }, is_cleared: false });
    expect(payloads).toHaveLength(1);
    expect(emulator.views(ADA)).toEqual([]);
  });
});

describe("messages through response_urls and ephemeral cards", () => {
  it("a button on an ephemeral message sends is_ephemeral and no message; delete_original removes it", async () => {
    const { message_ts: ts } = await webClient(emulator).chat.postEphemeral({
      channel: CHANNEL,
      user: ADA,
      text: "Only you",
      blocks: cardBlocks(["dismiss"]),
    });
    const click = await driver.clickButton({
      user: ADA,
      channel: CHANNEL,
      messageTs: ts ?? "",
      actionId: "dismiss",
    });
    expect(click.payload).toMatchObject({ container: { is_ephemeral: true, message_ts: ts } });
    expect(click.payload).not.toHaveProperty("message");
    const status = await fetch(click.responseUrl ?? "", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ delete_original: true }),
    }).then((r) => r.status);
    expect(status).toBe(200);
    expect(emulator.ephemerals({ user: ADA }).map((e) => e.messageTs)).not.toContain(ts);
  });

  it("in_channel responses post as the bot; invalid blocks are refused with 400", async () => {
    const { responseUrl } = await driver.slashCommand({ user: ADA, channel: CHANNEL, text: "status" });
    const post = (body: unknown) =>
      fetch(responseUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post({ response_type: "in_channel", text: "All systems go" })).status).toBe(200);
    expect(emulator.channelMessages(CHANNEL).at(-1)).toMatchObject({
      text: "All systems go",
      botId: "B0PTBOT00",
    });
    const refused = await post({ blocks: [{ type: "section", text: { type: "mrkdwn", text: "" } }] });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "invalid_blocks" });
  });

  it("another user cannot click someone else's ephemeral message", async () => {
    const { message_ts: ts } = await webClient(emulator).chat.postEphemeral({
      channel: CHANNEL,
      user: ADA,
      text: "Only you",
      blocks: cardBlocks(["mine"]),
    });
    await expect(
      driver.clickButton({ user: GRACE, channel: CHANNEL, messageTs: ts ?? "", actionId: "mine" }),
    ).rejects.toMatchObject({ code: "message_not_found" });
  });
});
