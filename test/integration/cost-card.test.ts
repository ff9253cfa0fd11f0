/**
 * Cost on the card and the cost guardrails (issue 13), through signed HTTP into the real ptbot between the emulators.
 * The emulator's Llama 13B reports `dbus` 24 per 980 tokens/s chunk (the publicly observed figure), so the default
 * 2×–3× band costs 48–72 DBU/h.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { ACTIONS, ADJUST_INPUTS, CARD_BLOCKS } from "../../src/slack/ids.js";
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

/** The text of the card's block with `blockId`, or undefined when the card has none. */
function blockOf(m: StoredMessage, blockId: string): string | undefined {
  const block = m.blocks.find((b) => b.block_id === blockId) as { text?: { text?: string } } | undefined;
  return block?.text?.text;
}

async function approve(harness: Harness, card: StoredMessage, user = APPROVER): Promise<void> {
  const click = await harness.driver.clickButton({
    user,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
  expect(click.status).toBe(200);
}

describe("cost on the card", () => {
  it("shows DBU/h at min and at max, and with a DBU price the price per hour and per 30 days at max", async () => {
    h = await startHarness({ env: { PTBOT_DBU_PRICE: "0.07" } });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const cost = blockOf(card, CARD_BLOCKS.cost);
    expect(cost).toContain("48 DBU/h at min, 72 DBU/h at max");
    // 72 DBU/h × $0.07 = $5.04/h; × 720 h = $3,628.80.
    expect(cost).toContain("$5.04/h, $3,628.80 per 30 days at max (list price)");
    expect(blockOf(card, CARD_BLOCKS.tier)).toBeUndefined();
  });

  it("shows DBUs only without a price, and says 'cost unknown' when no rate is known", async () => {
    h = await startHarness();
    const llama = await h.deploy(`deploy ${LLAMA} 3`);
    expect(blockOf(llama, CARD_BLOCKS.cost)).toBe("💰 *Cost*: 48 DBU/h at min, 72 DBU/h at max");
    // A model-unit model: Databricks gives no `dbus` and PTBOT_DBU_PER_MODEL_UNIT is not set.
    const units = await h.deploy("deploy system.ai.gpt-oss-120b 2 --max 2");
    expect(blockOf(units, CARD_BLOCKS.cost)).toContain("cost unknown");
  });

  it("prices a model-unit model at the configured rate per unit", async () => {
    h = await startHarness({ env: { PTBOT_DBU_PER_MODEL_UNIT: "2" } });
    const units = await h.deploy("deploy system.ai.gpt-oss-120b 2 --max 2");
    // 2 chunks of 50 units × 2 DBU/h per unit.
    expect(blockOf(units, CARD_BLOCKS.cost)).toContain("200 DBU/h (configured rate per model unit)");
  });

  it("shows the change on a scale card", async () => {
    h = await startHarness({ env: { PTBOT_DBU_PRICE: "0.5" } });
    const first = await h.deploy(`deploy ${LLAMA} 3`);
    await approve(h, first);
    await h.waitForReply(first, (t) => t.includes("is READY"), 10_000);
    const scale = await h.deploy("scale llama-13b-3 --max 5");
    const cost = blockOf(scale, CARD_BLOCKS.cost);
    expect(cost).toContain("48 DBU/h at min, 120 DBU/h at max");
    // 3× → 5× of 24 DBU/h: +48 DBU/h, +$24/h at $0.50.
    expect(cost).toContain("change at max: +48 DBU/h (+$24.00/h)");
  });
});

describe("the DBU/h cap", () => {
  it("refuses a request whose max band costs more, with the figures, before any card", async () => {
    h = await startHarness({ env: { PTBOT_MAX_DBU_PER_HOUR: "100" } });
    const answer = await h.answer(`deploy ${LLAMA} 3 --max 5`);
    expect(answer).toContain("at max this band costs 120 DBU/h, above the cap of 100 DBU/h");
    expect(h.slack.calls("chat.postMessage")).toHaveLength(0);
  });

  it("refuses an Adjust that raises the band past the cap, under the max field", async () => {
    h = await startHarness({ env: { PTBOT_MAX_DBU_PER_HOUR: "100" } });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const since = h.slack.lastSeq;
    await h.driver.clickButton({
      user: REQUESTER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.adjust,
    });
    const opened = await h.slack.waitFor((e) => e.type === "view_opened", { since, timeoutMs: 3000 });
    if (opened.type !== "view_opened") throw new Error("no view");
    const over = await h.driver.submitView({
      user: REQUESTER,
      viewId: opened.view.id,
      values: { [ADJUST_INPUTS.max.action]: 5 },
    });
    expect(over.view?.errors?.[ADJUST_INPUTS.max.block]).toContain("120 DBU/h, above the cap of 100 DBU/h");
    expect(h.slack.calls("chat.update")).toHaveLength(0);
  });

  it("refuses when a cap is set and the cost cannot be told", async () => {
    h = await startHarness({ env: { PTBOT_MAX_DBU_PER_HOUR: "100" } });
    expect(await h.answer("deploy system.ai.gpt-oss-120b 2 --max 2")).toContain(
      "the cost of this band is unknown, and requests are capped at 100 DBU/h",
    );
  });
});

describe("the high-cost tier", () => {
  const env = {
    PTBOT_HIGH_COST_DBU_PER_HOUR: "100",
    PTBOT_HIGH_COST_REQUIRED_APPROVALS: "2",
    PTBOT_HIGH_COST_APPROVERS: `${APPROVER},${STRANGER}`,
  };

  it("asks the high-cost approvers for their number of approvals above the threshold, and says why", async () => {
    h = await startHarness({ env });
    const card = await h.deploy(`deploy ${LLAMA} 3 --max 5`);
    expect(blockOf(card, CARD_BLOCKS.tier)).toBe(
      "🔐 *High-cost tier*: 120 DBU/h at max is above 100 DBU/h, so it needs 2 approvals from any of <@U0APPROVER> or <@U0STRANGER>.",
    );
    expect(blockOf(card, CARD_BLOCKS.status)).toContain("needs 2 approvals");
    // The requester is no high-cost approver: the refusal names the tier's approvers.
    await approve(h, card, REQUESTER);
    await h.waitForEphemeral(REQUESTER, (t) => t.includes("<@U0APPROVER> or <@U0STRANGER>"));
    await approve(h, card, APPROVER);
    const once = await h.waitForCard(card, (m) => blockText(m).includes("1 of 2"));
    expect(blockOf(once, CARD_BLOCKS.status)).toContain("Waiting for approval");
    // STRANGER is no approver of the workspace, but is a high-cost approver: their approval completes the quorum.
    await approve(h, card, STRANGER);
    await h.waitForReply(card, (t) => t.includes("Creating endpoint"));
  });

  it("keeps the usual approvers and quorum at or below the threshold, and says so", async () => {
    h = await startHarness({ env });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    expect(blockOf(card, CARD_BLOCKS.tier)).toContain("*Standard tier*: at most 100 DBU/h at max");
    // The high-cost approver STRANGER may not approve a standard request.
    await approve(h, card, STRANGER);
    await h.waitForEphemeral(STRANGER, (t) => t.includes("Only approvers"));
    await approve(h, card, APPROVER);
    await h.waitForReply(card, (t) => t.includes("Creating endpoint"));
  });
});
