/**
 * Slack's answers that no retry changes, through the front door: a read-only channel, a token without a scope, a
 * locked thread. Each is worded as permanent (what to do instead, never "try again in a moment"), and a thread that
 * refuses a reply sends it to the requester's DM at once instead of retrying it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, LLAMA, REQUESTER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("permanent Slack answers", () => {
  it.each([
    ["restricted_action_read_only_channel", "read-only"],
    ["missing_scope", "retrying will not fix"],
    ["token_revoked", "tell the ptbot admins"],
  ])("a card refused with %s is answered as permanent", async (error, words) => {
    h = await startHarness();
    h.slack.failNext("chat.postMessage", { error });
    const answer = await h.answer(`deploy ${LLAMA} 3 --name refused-card`);
    expect(answer).toContain(words);
    expect(answer).not.toMatch(/try again in a moment/i);
  });

  it("sends a reply a locked thread refuses to the requester's DM at once, saying the thread is locked", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3 --name locked-thread`);
    h.slack.failNext("chat.postMessage", { error: "thread_locked" });
    const click = await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    expect(click.status).toBe(200);
    const dm = await h.slack.waitForMessage((m) => m.channel === `D${REQUESTER.slice(1)}`, {
      timeoutMs: 5_000,
      description: "the refused reply in the requester's DM",
    });
    expect(dm.text).toContain("the thread is locked");
    expect(h.logs.filter((l) => l.msg === "notice delivery failed")).toHaveLength(0);
  });
});
