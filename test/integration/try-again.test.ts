/**
 * Try again: the failure notice in the thread carries a button that opens a new request with the same settings,
 * through the same path as `/pt deploy`: its own card in the channel, awaiting its own approval, which then deploys.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { ACTIONS, DELETE_INPUT, THREAD_BLOCKS } from "../../src/slack/ids.js";
import {
  APPROVER,
  blockText,
  CHANNEL,
  type Harness,
  isCard,
  LLAMA,
  REQUESTER,
  STRANGER,
  startHarness,
} from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function approve(harness: Harness, card: StoredMessage): Promise<void> {
  const click = await harness.driver.clickButton({
    user: APPROVER,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
  expect(click.status).toBe(200);
}

describe("Try again on a failure notice", () => {
  it("opens a new request with the same settings, with its own card and approval, and that one deploys", async () => {
    h = await startHarness();
    h.dbx.failProvisioning("llama-13b-3", { kind: "capacity" });
    const card = await h.deploy(`deploy ${LLAMA} 3 --min 1 --max 4`);
    await approve(h, card);
    const failure = await h.waitForReply(card, (t) => t.startsWith("❌"));
    const retry = failure.blocks.find((b) => b.block_id === THREAD_BLOCKS.retry);
    expect(JSON.stringify(retry)).toContain("Try again");

    const since = h.slack.lastSeq;
    const click = await h.driver.clickButton({
      user: STRANGER,
      channel: CHANNEL,
      messageTs: failure.ts,
      actionId: ACTIONS.retry,
    });
    expect(click.status).toBe(200);
    expect(click.late).toBe(false);
    const second = await h.slack.waitForMessage(
      (m) => m.channel === CHANNEL && isCard(m) && m.ts !== card.ts,
      {
        since,
        timeoutMs: 5000,
        description: "the new request's card",
      },
    );
    const shown = blockText(second);
    for (const expected of [
      LLAMA,
      "*Version*\\n3",
      "980–3,920 tokens/s (1×–4× of 980)",
      "llama-13b-3",
      `<@${STRANGER}>`,
    ]) {
      expect(shown).toContain(expected);
    }
    expect(shown).toContain("0 of 1");
    expect(second.blocks.some((b) => JSON.stringify(b).includes(ACTIONS.approve))).toBe(true);
    // The failed endpoint is still there (NOT_READY): the new request updates it in place.
    await approve(h, second);
    const ready = await h.waitForReply(second, (t) => t.includes("is READY"), 10_000);
    expect(ready.text).toContain("980–3,920 tokens/s");
    // The first request's card stays failed; nothing was posted in its thread after the failure but the answer.
    expect(blockText(h.latest(card))).toContain("*Failed*");
  });

  it("a second click while the new request is open answers privately and opens no second card", async () => {
    h = await startHarness();
    h.dbx.failProvisioning("llama-13b-3", { kind: "permissions" });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await approve(h, card);
    const failure = await h.waitForReply(card, (t) => t.startsWith("❌"));
    const click = () =>
      h?.driver.clickButton({
        user: REQUESTER,
        channel: CHANNEL,
        messageTs: failure.ts,
        actionId: ACTIONS.retry,
      });
    const since = h.slack.lastSeq;
    await click();
    await h.slack.waitForMessage((m) => m.channel === CHANNEL && isCard(m) && m.ts !== card.ts, {
      since,
      timeoutMs: 5000,
      description: "the new request's card",
    });
    const before = h.slack.lastSeq;
    await click();
    const answer = await h.waitForEphemeral(REQUESTER, () => true, before);
    expect(answer).toContain("llama-13b-3");
    const cards = h.slack.channelMessages(CHANNEL).filter((m) => isCard(m) && m.ts !== card.ts);
    expect(cards).toHaveLength(1);
  });
});

describe("Try again on a failed change", () => {
  it("repeats a failed scale as a deploy of the band it asked for, which then updates the endpoint", async () => {
    h = await startHarness();
    const first = await h.deploy(`deploy ${LLAMA} 3`);
    await approve(h, first);
    await h.waitForReply(first, (t) => t.includes("is READY"), 10_000);
    await h.waitForReply(first, (t) => t.includes("Smoke test"), 10_000);
    const scale = await h.deploy("scale llama-13b-3 --max 6");
    h.dbx.failProvisioning("llama-13b-3", { kind: "capacity" });
    await approve(h, scale);
    const failure = await h.waitForReply(scale, (t) => t.startsWith("❌"), 10_000);
    expect(JSON.stringify(failure.blocks.find((b) => b.block_id === THREAD_BLOCKS.retry))).toContain(
      "Try again",
    );

    const since = h.slack.lastSeq;
    const click = await h.driver.clickButton({
      user: REQUESTER,
      channel: CHANNEL,
      messageTs: failure.ts,
      actionId: ACTIONS.retry,
    });
    expect(click.status).toBe(200);
    const second = await h.slack.waitForMessage(
      (m) => m.channel === CHANNEL && isCard(m) && m.ts !== first.ts && m.ts !== scale.ts,
      { since, timeoutMs: 5000, description: "the new request's card" },
    );
    const shown = blockText(second);
    expect(shown).toContain("1,960–5,880 tokens/s (2×–6× of 980)");
    expect(shown).toContain("llama-13b-3");
    await approve(h, second);
    const ready = await h.waitForReply(second, (t) => t.includes("is READY"), 10_000);
    expect(ready.text).toContain("1,960–5,880 tokens/s");
    const served = (
      h.dbx.endpoint("llama-13b-3") as {
        config?: { served_entities?: { max_provisioned_throughput?: number }[] };
      }
    )?.config?.served_entities?.[0];
    expect(served?.max_provisioned_throughput).toBe(5880);
  });

  it("shows no Try again after a failed delete", async () => {
    h = await startHarness();
    const first = await h.deploy(`deploy ${LLAMA} 3`);
    await approve(h, first);
    await h.waitForReply(first, (t) => t.includes("is READY"), 10_000);
    const card = await h.deploy("delete llama-13b-3");
    h.dbx.injectFault({
      method: "DELETE",
      path: "/api/2.0/serving-endpoints/llama-13b-3",
      kind: "status",
      // A permanent refusal (the emulator's faults carry 400, 429 and 5xx statuses).
      status: 400,
      errorCode: "INVALID_PARAMETER_VALUE",
      message: "Endpoint llama-13b-3 cannot be deleted.",
    });
    const since = h.slack.lastSeq;
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.delete,
    });
    const opened = await h.slack.waitFor((e) => e.type === "view_opened", { since, timeoutMs: 3000 });
    if (opened.type !== "view_opened") throw new Error("no view");
    await h.driver.submitView({
      user: APPROVER,
      viewId: opened.view.id,
      values: { [DELETE_INPUT.action]: "llama-13b-3" },
    });
    const failure = await h.waitForReply(card, (t) => t.startsWith("❌"), 10_000);
    expect(failure.blocks.some((b) => b.block_id === THREAD_BLOCKS.retry)).toBe(false);
    expect(JSON.stringify(failure.blocks)).not.toContain(ACTIONS.retry);
    expect(h.dbx.endpoint("llama-13b-3")).toBeDefined();
  });
});
