/**
 * `/pt cost` through signed HTTP (issue 13): every endpoint ptbot manages with its band and cost, the totals per hour
 * and per 30 days at max, the three most expensive first. Emulator rates: Llama 13B 24 DBU/h per 980 tokens/s chunk,
 * Llama 3.1 8B 106 per 19,000, GTE large 12 per 970.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, LLAMA, REQUESTER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function deployed(harness: Harness, text: string): Promise<void> {
  const card = await harness.deploy(text);
  await harness.driver.clickButton({
    user: APPROVER,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
  await harness.waitForReply(card, (t) => t.includes("is READY"), 10_000);
}

/** `/pt cost`'s private answer: its fallback text, then every block's text, one per line. */
async function costAnswer(harness: Harness): Promise<string> {
  const text = await harness.answer("cost");
  const blocks = harness.slack.ephemerals({ user: REQUESTER }).at(-1)?.blocks ?? [];
  const texts = blocks.map((b) => {
    const block = b as { text?: { text?: string }; elements?: { text?: string }[] };
    return block.text?.text ?? (block.elements ?? []).map((e) => e.text ?? "").join(" ");
  });
  return [text, ...texts].join("\n");
}

describe("/pt cost", () => {
  it("lists every managed endpoint with its band and cost, the three most expensive first, and the totals", async () => {
    h = await startHarness({ env: { PTBOT_DBU_PRICE: "0.07" } });
    await deployed(h, "deploy system.ai.gte_large_en_v1_5 2 --min 1 --max 1"); // 12 DBU/h
    await deployed(h, `deploy ${LLAMA} 3`); // 48–72 DBU/h
    await deployed(h, "deploy system.ai.meta_llama_v3_1_8b_instruct 3 --min 1 --max 2"); // 106–212 DBU/h
    await deployed(h, `deploy ${LLAMA} 3 --max 5 --name llama-big`); // 48–120 DBU/h
    // Still waiting for approval: not part of the fleet.
    await h.deploy("deploy system.ai.dbrx_instruct 3");

    const answer = await costAnswer(h);
    // 12 + 72 + 212 + 120 = 416 DBU/h; × $0.07 = $29.12/h; × 720 h = $20,966.40.
    expect(answer).toContain("Total at max: 416 DBU/h · $29.12/h, $20,966.40 per 30 days");
    const top = answer.indexOf("*Most expensive*");
    const others = answer.indexOf("*The others*");
    expect(top).toBeGreaterThan(-1);
    expect(others).toBeGreaterThan(top);
    const order = ["meta_llama_v3_1_8b_instruct-3", "llama-big", "llama-13b-3", "gte_large_en_v1_5-2"].map(
      (n) => answer.indexOf(`|${n}>`),
    );
    expect(order.every((i) => i > -1)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order[3]).toBeGreaterThan(others);
    expect(answer).toContain("106–212 DBU/h · $14.84/h, $10,684.80 per 30 days at max");
    expect(answer).not.toContain("dbrx");
    expect(answer).toContain("contract price may differ");
  });

  it("says so when ptbot manages nothing, and counts endpoints of unknown cost apart", async () => {
    h = await startHarness();
    expect(await costAnswer(h)).toContain("ptbot manages no endpoints yet");
    await deployed(h, "deploy system.ai.gpt-oss-120b 2 --max 2");
    const answer = await costAnswer(h);
    expect(answer).toContain("Total at max: 0 DBU/h (1 of unknown cost, not counted)");
    expect(answer).toContain("cost unknown");
  });
});
