import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import { ADA, GRACE, startTestEmulator, webClient } from "./fixtures.js";

let clock = 1_700_000_000_000;
let emulator: SlackEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ now: () => clock });
});
afterAll(() => emulator.close());

const modal = (title = "Adjust request") => ({
  type: "modal" as const,
  callback_id: "adjust",
  private_metadata: '{"requestId":"r-1"}',
  title: { type: "plain_text" as const, text: title },
  submit: { type: "plain_text" as const, text: "Save" },
  blocks: [
    {
      type: "input",
      block_id: "max",
      label: { type: "plain_text" as const, text: "Max" },
      element: { type: "number_input", action_id: "max_value", is_decimal_allowed: false },
    },
  ],
});

async function errorOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => "ok",
    (e: { data?: { error?: string; response_metadata?: unknown } }) => e.data,
  );
}

describe("views.open", () => {
  it("opens a modal for the trigger's user and answers Slack's view object", async () => {
    const triggerId = emulator.issueTriggerId(ADA);
    const result = await webClient(emulator).views.open({ trigger_id: triggerId, view: modal() });
    const view = result.view;
    expect(view).toMatchObject({
      type: "modal",
      callback_id: "adjust",
      private_metadata: '{"requestId":"r-1"}',
      state: { values: {} },
      title: { type: "plain_text", text: "Adjust request" },
      root_view_id: view?.id,
      previous_view_id: null,
      app_id: emulator.appId,
      bot_id: emulator.bot.botId,
    });
    expect(view?.id).toMatch(/^V[0-9A-Z]{10}$/);
    expect(view?.hash).toEqual(expect.any(String));
    expect(emulator.views(ADA).map((v) => v.id)).toEqual([view?.id]);
    expect(emulator.views(GRACE)).toEqual([]);
  });

  it("refuses unknown, used and expired (over 3 s old) trigger ids", async () => {
    const client = webClient(emulator);
    expect(await errorOf(client.views.open({ trigger_id: "12.34.nope", view: modal() }))).toMatchObject({
      error: "invalid_trigger_id",
    });
    const used = emulator.issueTriggerId(ADA);
    await client.views.open({ trigger_id: used, view: modal() });
    expect(await errorOf(client.views.open({ trigger_id: used, view: modal() }))).toMatchObject({
      error: "exchanged_trigger_id",
    });
    const fresh = emulator.issueTriggerId(ADA);
    clock += 3000;
    const atTheLimit = await client.views.open({ trigger_id: fresh, view: modal() });
    expect(atTheLimit.ok).toBe(true);
    const stale = emulator.issueTriggerId(ADA);
    clock += 3001;
    expect(await errorOf(client.views.open({ trigger_id: stale, view: modal() }))).toMatchObject({
      error: "expired_trigger_id",
    });
  });

  it("answers a view breaking Block Kit limits with invalid_arguments and its pointer", async () => {
    const result = await errorOf(
      webClient(emulator).views.open({
        trigger_id: emulator.issueTriggerId(ADA),
        view: modal("A title that is far too long"),
      }),
    );
    expect(result).toMatchObject({
      error: "invalid_arguments",
      response_metadata: {
        messages: ["[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"],
      },
    });
  });

  it("requires trigger_id and view", async () => {
    expect(await errorOf(webClient(emulator).apiCall("views.open", { view: modal() }))).toMatchObject({
      error: "invalid_arguments",
    });
  });
});

describe("views.update and views.push", () => {
  it("updates by view_id, checks the hash, and keeps the id", async () => {
    const client = webClient(emulator);
    const opened = (await client.views.open({ trigger_id: emulator.issueTriggerId(GRACE), view: modal() }))
      .view;
    const viewId = opened?.id ?? "";
    const updated = await client.views.update({
      view_id: viewId,
      hash: opened?.hash ?? "",
      view: modal("Second"),
    });
    expect(updated.view).toMatchObject({ id: viewId, title: { text: "Second" } });
    expect(updated.view?.hash).not.toBe(opened?.hash);
    expect(
      await errorOf(client.views.update({ view_id: viewId, hash: opened?.hash ?? "", view: modal() })),
    ).toMatchObject({ error: "hash_conflict" });
    expect(await errorOf(client.views.update({ view_id: "V0NOPE", view: modal() }))).toMatchObject({
      error: "not_found",
    });
    expect(emulator.view(viewId)?.view.title).toEqual({ type: "plain_text", text: "Second" });
  });

  it("pushes onto the user's stack, at most 3 deep", async () => {
    const client = webClient(emulator);
    const root = (await client.views.open({ trigger_id: emulator.issueTriggerId(GRACE), view: modal() }))
      .view;
    const pushed = (
      await client.views.push({ trigger_id: emulator.issueTriggerId(GRACE), view: modal("More") })
    ).view;
    expect(pushed).toMatchObject({ root_view_id: root?.root_view_id, previous_view_id: root?.id });
    await client.views.push({ trigger_id: emulator.issueTriggerId(GRACE), view: modal("Third") });
    expect(
      await errorOf(client.views.push({ trigger_id: emulator.issueTriggerId(GRACE), view: modal("Fourth") })),
    ).toMatchObject({ error: "push_limit_reached" });
  });
});
