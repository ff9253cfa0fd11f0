/**
 * The database going away under a running ptbot, over signed HTTP: the store is unplugged (every call fails as
 * `PostgresStore` fails for a database out of reach), then plugged back in. Meanwhile `/readyz` answers 503, every
 * command and button answers "ptbot cannot reach its database, try again in a minute" in time and posts nothing, the
 * workers keep trying and log the outage once; afterwards the same commands work and a request approved before the
 * outage reaches READY with each notice once.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { ACTIONS, ADJUST_INPUTS } from "../../src/slack/ids.js";
import { STORE_UNAVAILABLE_TEXT } from "../../src/slack/messages.js";
import type { Store } from "../../src/store/store.js";
import { waitUntil } from "../chaos/wait-until.js";
import { type UnpluggableStore, unpluggable } from "../fakes/unpluggable-store.js";
import {
  APPROVER,
  blockText,
  CHANNEL,
  type Harness,
  isCard,
  LLAMA,
  REQUESTER,
  startHarness,
} from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function startUnpluggable(provisioningMs: number) {
  let plug: UnpluggableStore | undefined;
  let inner: Store | undefined;
  h = await startHarness({
    provisioningMs,
    wrapStore: (store) => {
      inner = store;
      plug = unpluggable(store);
      return plug.store;
    },
  });
  if (plug === undefined || inner === undefined) throw new Error("the store was not wrapped");
  return { h, plug, inner };
}

async function readyz(harness: Harness): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${harness.running.port}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function cardsSince(harness: Harness, seq: number): StoredMessage[] {
  return harness.slack
    .events(seq)
    .flatMap((e) => (e.type === "message_posted" && isCard(e.message) ? [e.message] : []));
}

const logged = (harness: Harness, msg: string) => harness.logs.filter((l) => l.msg === msg);

describe("the database going away and coming back", () => {
  it("answers 503 and 'cannot reach its database' meanwhile, then works again and finishes what was approved", async () => {
    const { h, plug, inner } = await startUnpluggable(2_500);
    const approved = await h.deploy(`deploy ${LLAMA} 3`);
    const waiting = await h.deploy(`deploy ${LLAMA} 2`);
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: approved.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForReply(approved, (t) => t.includes("provisioning"));
    expect((await readyz(h)).status).toBe(200);

    plug.unplug();
    // Guard: the approved request is still provisioning, so READY can only be noticed by a tracker that resumed.
    expect((await inner.listByStates(["provisioning"])).map((r) => r.endpointName)).toEqual(["llama-13b-3"]);

    const down = await readyz(h);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      ready: false,
      checks: { store: { ok: false, detail: "store_unavailable" } },
    });

    const since = h.slack.lastSeq;
    // `answer` checks each command was acknowledged within Slack's 3 s.
    expect(await h.answer(`deploy ${LLAMA} 1`)).toBe(STORE_UNAVAILABLE_TEXT);
    expect(await h.answer("status llama-13b-3")).toBe(STORE_UNAVAILABLE_TEXT);
    expect(await h.answer("list")).toBe(STORE_UNAVAILABLE_TEXT);
    expect(await h.answer("cancel llama-13b-2")).toBe(STORE_UNAVAILABLE_TEXT);
    const clickSeq = h.slack.lastSeq;
    const click = await h.driver.clickButton({
      user: REQUESTER,
      channel: CHANNEL,
      messageTs: waiting.ts,
      actionId: ACTIONS.cancel,
    });
    expect(click).toMatchObject({ status: 200, late: false });
    expect(await h.waitForEphemeral(REQUESTER, () => true, clickSeq)).toBe(STORE_UNAVAILABLE_TEXT);
    expect(cardsSince(h, since)).toEqual([]);
    expect(h.latest(waiting).edits).toHaveLength(0);

    // The workers keep trying while Databricks finishes the endpoint, and say so once.
    const failuresBefore = plug.failures;
    await waitUntil(
      () =>
        (h.dbx.endpoint("llama-13b-3") as { state?: { ready?: string } } | undefined)?.state?.ready ===
          "READY" && plug.failures > failuresBefore + 10,
      { timeoutMs: 10_000, description: "the endpoint READY at Databricks, and the workers still trying" },
    );
    expect(h.replies(approved).some((t) => t.includes("is READY"))).toBe(false);
    expect(logged(h, "database unreachable, work waits until it is back")).toHaveLength(1);
    expect(logged(h, "database unreachable, user asked to retry")).toHaveLength(5);
    expect(h.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);

    plug.plug();
    await h.waitForReply(approved, (t) => t.includes("is READY"), 10_000);
    await waitUntil(async () => (await readyz(h)).status === 200, {
      timeoutMs: 5_000,
      description: "/readyz 200 again",
    });
    expect(logged(h, "database reachable again")).toHaveLength(1);

    // The same command works now, and so does the button.
    const again = await h.deploy(`deploy ${LLAMA} 1`);
    expect(blockText(again)).toContain("llama-13b-1");
    await h.driver.clickButton({
      user: REQUESTER,
      channel: CHANNEL,
      messageTs: waiting.ts,
      actionId: ACTIONS.cancel,
    });
    await h.waitForCard(waiting, (m) => blockText(m).includes("*Cancelled*"));

    // Nothing lost, nothing twice.
    const replies = h.replies(approved);
    for (const word of ["Creating endpoint", "provisioning (this can take", "is READY"]) {
      expect(replies.filter((t) => t.includes(word))).toHaveLength(1);
    }
    expect(h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(1);
    expect(h.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it("answers the Adjust button and the adjust form with the same words, and saves the form once it is back", async () => {
    const { h, plug } = await startUnpluggable(300);
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    let since = h.slack.lastSeq;
    await h.driver.clickButton({
      user: REQUESTER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.adjust,
    });
    const opened = await h.slack.waitFor((e) => e.type === "view_opened", { since, timeoutMs: 5_000 });
    if (opened.type !== "view_opened") throw new Error("no view");

    plug.unplug();
    since = h.slack.lastSeq;
    const click = await h.driver.clickButton({
      user: REQUESTER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.adjust,
    });
    expect(click).toMatchObject({ status: 200, late: false });
    expect(await h.waitForEphemeral(REQUESTER, () => true, since)).toBe(STORE_UNAVAILABLE_TEXT);
    const values = { [ADJUST_INPUTS.max.action]: 4 };
    const refused = await h.driver.submitView({ user: REQUESTER, viewId: opened.view.id, values });
    expect(refused.late).toBe(false);
    expect(refused.body).toMatchObject({ response_action: "errors" });
    expect(Object.values(refused.view?.errors ?? {})).toEqual([STORE_UNAVAILABLE_TEXT]);
    expect(h.latest(card).edits).toHaveLength(0);

    plug.plug();
    const saved = await h.driver.submitView({ user: REQUESTER, viewId: opened.view.id, values });
    expect(saved.body).not.toMatchObject({ response_action: "errors" });
    await h.waitForCard(card, (m) => blockText(m).includes("1,960–3,920 tokens/s"));
  });

  it("answers /readyz within its bound and acks commands in time while the database hangs", async () => {
    const { h, plug } = await startUnpluggable(300);
    plug.unplug({ mode: "hang" });
    const begun = Date.now();
    const down = await readyz(h);
    expect(Date.now() - begun).toBeLessThan(2_900);
    expect(down).toMatchObject({
      status: 503,
      body: { checks: { store: { ok: false, detail: "timeout" } } },
    });

    const since = h.slack.lastSeq;
    const command = await h.driver.slashCommand({
      user: REQUESTER,
      channel: CHANNEL,
      text: `deploy ${LLAMA} 3`,
    });
    expect(command).toMatchObject({ status: 200, late: false });
    // The held query fails once the connection gives up (here: when plugged back in), and the user hears why.
    await waitUntil(() => plug.failuresOf("insert") > 0, {
      timeoutMs: 5_000,
      description: "the deploy waiting on the store",
    });
    plug.plug();
    expect(await h.waitForEphemeral(REQUESTER, (t) => t === STORE_UNAVAILABLE_TEXT, since)).toBe(
      STORE_UNAVAILABLE_TEXT,
    );
    expect(cardsSince(h, since)).toEqual([]);
    await h.deploy(`deploy ${LLAMA} 3`);
  });
});
