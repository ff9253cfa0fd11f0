/**
 * An approval counts only for the version of the request the approver was shown, over signed HTTP: grace's confirm
 * dialog, left open while ada adjusts, approves nothing; she is told privately that the request changed, nothing is
 * recorded, and Databricks receives nothing until she approves the card as it is now.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { ACTIONS, ADJUST_INPUTS } from "../../src/slack/ids.js";
import { APPROVER, blockText, CHANNEL, type Harness, LLAMA, REQUESTER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CREATE = "/api/2.0/serving-endpoints";
const CHANGED = "the request changed since you looked at it";

async function adjust(harness: Harness, card: StoredMessage, values: Record<string, string | number>) {
  const since = harness.slack.lastSeq;
  await harness.driver.clickButton({
    user: REQUESTER,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId: ACTIONS.adjust,
  });
  const opened = await harness.slack.waitFor((e) => e.type === "view_opened", { since, timeoutMs: 3000 });
  if (opened.type !== "view_opened") throw new Error("no view");
  const saved = await harness.driver.submitView({ user: REQUESTER, viewId: opened.view.id, values });
  expect(saved.view?.open).toBe(false);
}

/** The request id the card's buttons carry (before any revision suffix). */
function requestIdOf(card: StoredMessage): string {
  const match = /Request `([^`]+)`/.exec(blockText(card));
  if (match?.[1] === undefined) throw new Error("no request id on the card");
  return match[1];
}

describe("an approval applies to the version the approver saw", () => {
  it("refuses an approval confirmed on the card from before an adjustment, and records nothing", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    expect(blockText(card)).toContain("1,960–2,940 tokens/s");
    // grace presses Approve: the confirm dialog shows 1,960–2,940. While it is open, ada adjusts to 20×.
    await adjust(h, card, { [ADJUST_INPUTS.max.action]: 20 });
    const adjusted = await h.waitForCard(card, (m) => blockText(m).includes("19,600"));
    const id = requestIdOf(adjusted);
    const before = await h.running.workflow.get(id);

    const since = h.slack.lastSeq;
    const stale = await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
      version: 0,
    });
    expect(stale.status).toBe(200);
    const answer = await h.waitForEphemeral(APPROVER, (t) => t.includes(CHANGED), since);
    expect(answer).toContain("look at the card again");

    const after = await h.running.workflow.get(id);
    expect(after?.state).toBe("awaiting_approval");
    expect(after?.approvals).toEqual([]);
    expect(after?.version).toBe(before?.version);
    expect(h.dbx.requestsTo("POST", CREATE)).toHaveLength(0);
    expect(blockText(h.latest(card))).toContain("Waiting for approval");

    // The card as it is now approves the plan it shows.
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForReply(card, (t) => t.includes("Creating endpoint"));
    const [create] = h.dbx.requestsTo("POST", CREATE);
    expect(create?.body).toMatchObject({
      config: { served_entities: [{ max_provisioned_throughput: 19600 }] },
    });
  });

  it("refuses an approval seen before the endpoint name changed (a create turned into another endpoint's update)", async () => {
    h = await startHarness();
    // An endpoint ptbot made earlier, at 2×–4×.
    const first = await h.deploy(`deploy ${LLAMA} 3 --max 4`);
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: first.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForReply(first, (t) => t.includes("is READY"));
    const creates = h.dbx.requestsTo("POST", CREATE).length;

    const card = await h.deploy(`deploy ${LLAMA} 3 --name llama-scratch`);
    expect(blockText(card)).toContain("llama-scratch");
    await adjust(h, card, { [ADJUST_INPUTS.name.action]: "llama-13b-3" });
    const renamed = await h.waitForCard(card, (m) =>
      blockText(m).includes("Change to the existing endpoint"),
    );
    const id = requestIdOf(renamed);
    const before = await h.running.workflow.get(id);
    expect(before?.mode?.kind).toBe("update");

    const since = h.slack.lastSeq;
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
      version: 0,
    });
    await h.waitForEphemeral(APPROVER, (t) => t.includes(CHANGED), since);
    const after = await h.running.workflow.get(id);
    expect(after?.state).toBe("awaiting_approval");
    expect(after?.approvals).toEqual([]);
    expect(after?.version).toBe(before?.version);
    expect(h.dbx.requestsTo("POST", CREATE)).toHaveLength(creates);
    expect(h.dbx.requestsTo("PUT", /\/config$/)).toHaveLength(0);
  });
});
