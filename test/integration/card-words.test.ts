/**
 * What the card and the answers say, over signed HTTP: a held endpoint names the endpoint and the person, an
 * approved update says it updates, a quorum card does not ask an approver for a second approval, and Adjust is
 * refused at once to someone who may not adjust.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/ids.js";
import {
  APPROVER,
  APPROVER_GROUP,
  blockText,
  CHANNEL,
  type Harness,
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

function approve(harness: Harness, ts: string, user = APPROVER) {
  return harness.driver.clickButton({ user, channel: CHANNEL, messageTs: ts, actionId: ACTIONS.approve });
}

/** Every version the card went through, oldest first, as text. */
function versions(harness: Harness, card: { channel: string; ts: string }): string[] {
  const latest = harness.slack.message(card.channel, card.ts);
  if (latest === undefined) return [];
  return [...latest.edits.map((e) => JSON.stringify(e.blocks)), blockText(latest)];
}

describe("card and answer words", () => {
  it("names the endpoint and the person whose request holds it, not raw ids", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const id = /Request `([^`]+)`/.exec(blockText(card))?.[1] ?? "";
    const answer = await h.answer(`deploy ${LLAMA} 3`, STRANGER);
    expect(answer).toContain("`llama-13b-3`");
    expect(answer).toContain(`<@${REQUESTER}>`);
    expect(answer).not.toContain(id);
    expect(answer).not.toContain(`by ${REQUESTER}`);
  });

  it("says an approved update updates the endpoint next, never that it creates it", async () => {
    h = await startHarness();
    const first = await h.deploy(`deploy ${LLAMA} 3 --max 4`);
    await approve(h, first.ts);
    await h.waitForReply(first, (t) => t.includes("is READY"));
    const update = await h.deploy(`deploy ${LLAMA} 3`);
    expect(blockText(update)).toContain("Change to the existing endpoint");
    await approve(h, update.ts);
    await h.waitForReply(update, (t) => t.includes("is READY"));
    const shown = versions(h, update);
    expect(shown.some((v) => v.includes("Updating the endpoint next"))).toBe(true);
    expect(shown.some((v) => v.includes("Creating the endpoint next"))).toBe(false);
  });

  it("does not list an approver who already approved as able to give the next approval", async () => {
    h = await startHarness({ env: { PTBOT_REQUIRED_APPROVALS: "2" } });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    expect(blockText(card)).toMatch(/needs 2 approvals from any of <@U0APPROVER>/);
    await approve(h, card.ts);
    const once = await h.waitForCard(card, (m) => blockText(m).includes("1 of 2"));
    const needs = /needs 1 approval from ([^·]*)·/.exec(blockText(once))?.[1] ?? "";
    expect(needs).toContain(`<!subteam^${APPROVER_GROUP}>`);
    expect(needs).not.toContain(`<@${APPROVER}>`);
  });

  it("refuses Adjust at once to someone who is neither the requester nor an approver, even with approver groups", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const since = h.slack.lastSeq;
    await h.driver.clickButton({
      user: STRANGER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.adjust,
    });
    const answer = await h.waitForEphemeral(STRANGER, (t) => t.includes("can adjust this request"), since);
    expect(answer).toContain(`<@${REQUESTER}>`);
    expect(h.slack.views()).toHaveLength(0);
  });
});
