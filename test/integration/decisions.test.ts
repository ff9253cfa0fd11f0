/**
 * Who may press which button, over signed HTTP: refusals are private and change nothing; reject, cancel and expiry
 * close the request and say so in the thread.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS, CARD_BLOCKS } from "../../src/slack/ids.js";
import {
  APPROVER,
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

async function click(harness: Harness, user: string, ts: string, actionId: string) {
  const result = await harness.driver.clickButton({ user, channel: CHANNEL, messageTs: ts, actionId });
  expect(result.status).toBe(200);
  return result;
}

describe("card buttons", () => {
  it("refuses a stranger's approval privately and leaves the card as it was", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const since = h.slack.lastSeq;
    await click(h, STRANGER, card.ts, ACTIONS.approve);
    const answer = await h.waitForEphemeral(STRANGER, (t) => t.includes("Only approvers"), since);
    expect(answer).toContain(`<@${APPROVER}>`);
    expect(answer).toContain("<!subteam^S0MLAPPROVE>");
    expect(h.latest(card).edits).toHaveLength(0);
    expect(h.slack.responses().at(-1)?.body).toMatchObject({
      response_type: "ephemeral",
      replace_original: false,
    });
    expect(h.slack.calls("chat.update")).toHaveLength(0);
  });

  it("refuses the requester's own approval, even when they are an approver", async () => {
    h = await startHarness({ env: { PTBOT_APPROVERS: `${APPROVER},${REQUESTER}` } });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await click(h, REQUESTER, card.ts, ACTIONS.approve);
    const answer = await h.waitForEphemeral(REQUESTER, (t) => t.includes("someone else has to approve"));
    expect(answer).toContain(`<@${APPROVER}>`);
    expect(h.latest(card).edits).toHaveLength(0);
  });

  it("answers a second click after the decision with who approved, and creates nothing more", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const first = await click(h, APPROVER, card.ts, ACTIONS.approve);
    await h.waitForCard(card, (m) => blockText(m).includes("Approved"));
    // A double click, or a client still showing the old card: the same click arrives again.
    const since = h.slack.lastSeq;
    const again = await h.driver.sendRaw({
      body: new URLSearchParams({ payload: JSON.stringify(first.payload) }).toString(),
    });
    expect(again.status).toBe(200);
    const answer = await h.waitForEphemeral(APPROVER, (t) => t.includes("already approved by"), since);
    expect(answer).toContain(`<@${APPROVER}>`);
    await h.waitForReply(card, (t) => t.includes("is READY"));
    expect(h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(1);
  });

  it("lets an approver reject: the card says so, the thread tells the requester", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3 --name reject-me`);
    await click(h, APPROVER, card.ts, ACTIONS.reject);
    const rejected = await h.waitForCard(card, (m) => blockText(m).includes("*Rejected*"));
    expect(blockText(rejected)).toContain(`by <@${APPROVER}>`);
    expect(rejected.blocks.some((b) => b.block_id === CARD_BLOCKS.actions)).toBe(false);
    const reply = await h.waitForReply(card, (t) => t.includes("rejected this deploy"));
    expect(reply.text).toContain(`<@${REQUESTER}>`);
    expect(h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(0);
  });

  it("refuses a stranger's cancel, then lets the requester cancel", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await click(h, STRANGER, card.ts, ACTIONS.cancel);
    const refusal = await h.waitForEphemeral(STRANGER, (t) => t.includes("can cancel it"));
    expect(refusal).toContain(`Only <@${REQUESTER}>`);
    expect(h.latest(card).edits).toHaveLength(0);

    await click(h, REQUESTER, card.ts, ACTIONS.cancel);
    await h.waitForCard(card, (m) => blockText(m).includes("*Cancelled*"));
    await h.waitForReply(card, (t) => t.includes("cancelled this request"));
  });

  it("refuses a stranger's reject", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await click(h, STRANGER, card.ts, ACTIONS.reject);
    await h.waitForEphemeral(STRANGER, (t) => t.includes("Only approvers can reject"));
    expect(h.latest(card).edits).toHaveLength(0);
  });

  it("expires an undecided request, and refuses clicks on it afterwards", async () => {
    h = await startHarness({ env: { PTBOT_REQUEST_TTL_MS: "60000" } });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    h.clock.advance(61_000);
    // The tracker sweeps expired requests on every tick (every 100 ms here).
    const expired = await h.waitForCard(card, (m) => blockText(m).includes("*Expired*"));
    expect(expired.blocks.some((b) => b.block_id === CARD_BLOCKS.actions)).toBe(false);
    await h.waitForReply(card, (t) => t.includes("expired"));
    expect(h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(0);
  });

  it("refuses an approval clicked after the time ran out, before the sweep", async () => {
    h = await startHarness({ env: { PTBOT_REQUEST_TTL_MS: "60000", PTBOT_POLL_INTERVAL_MS: "3600000" } });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    h.clock.advance(61_000);
    await click(h, APPROVER, card.ts, ACTIONS.approve);
    await h.waitForEphemeral(APPROVER, (t) => t.includes("expired"));
    expect(h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(0);
  });
});
