import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import { ADA, GRACE, startTestEmulator, webClient } from "./fixtures.js";

let emulator: SlackEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ now: () => 1_700_000_000_000 });
});
afterAll(() => emulator.close());

const home = (text = "Hello") => ({
  type: "home" as const,
  blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
});

async function errorOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => "ok",
    (e: { data?: { error?: string } }) => e.data?.error,
  );
}

describe("views.publish", () => {
  it("publishes a user's Home tab, replaced whole by the next publish under the same view id", async () => {
    const first = await webClient(emulator).views.publish({ user_id: ADA, view: home("one") });
    expect(first.view?.type).toBe("home");
    const second = await webClient(emulator).views.publish({ user_id: ADA, view: home("two") });
    expect(second.view?.id).toBe(first.view?.id);
    expect(second.view?.hash).not.toBe(first.view?.hash);
    expect(JSON.stringify(emulator.home(ADA)?.view.blocks)).toContain("two");
    expect(emulator.home(GRACE)).toBeUndefined();
  });

  it("refuses what Slack refuses: a modal, too many blocks, an unknown user, a stale hash", async () => {
    const client = webClient(emulator);
    expect(
      await errorOf(client.views.publish({ user_id: ADA, view: { ...home(), type: "modal" } as never })),
    ).toBe("invalid_arguments");
    const many = { type: "home" as const, blocks: Array.from({ length: 101 }, () => home().blocks[0]) };
    expect(await errorOf(client.views.publish({ user_id: ADA, view: many as never }))).toBe(
      "invalid_arguments",
    );
    expect(await errorOf(client.views.publish({ user_id: "U0NOBODY", view: home() }))).toBe("user_not_found");
    const current = await client.views.publish({ user_id: GRACE, view: home() });
    await client.views.publish({ user_id: GRACE, view: home("newer") });
    expect(
      await errorOf(client.views.publish({ user_id: GRACE, view: home(), hash: current.view?.hash ?? "" })),
    ).toBe("hash_conflict");
  });
});
