/**
 * `/pt status <endpoint>` over signed HTTP, for any endpoint of the workspace: another team's (pay-per-token, CPU)
 * read from Databricks with its served entities, workload, state and tags; and one ptbot created and then updated,
 * with the last changes ptbot made to it (what, who asked, who approved, when) read from the audit log.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, LLAMA, REQUESTER, STRANGER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function lastEphemeral(harness: Harness, user = REQUESTER): string {
  return JSON.stringify(harness.slack.ephemerals({ user }).at(-1)?.blocks);
}

async function approveAndWait(harness: Harness, text: string, user = REQUESTER): Promise<void> {
  const card = await harness.deploy(text, user);
  await harness.driver.clickButton({
    user: APPROVER,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
  await harness.waitForReply(card, (t) => t.includes("is READY"));
}

describe("/pt status for any endpoint", () => {
  it("describes another team's CPU and pay-per-token endpoints from Databricks, tags included", async () => {
    h = await startHarness();
    await h.answer("status churn-classifier");
    const churn = lastEphemeral(h);
    expect(churn).toContain("🟢 ready");
    expect(churn).toContain("`ml.sandbox.sklearn-churn` v2 at CPU, Small");
    expect(churn).toContain("*Tags*: `team=data-science`");
    expect(churn).toContain("not created through ptbot");
    expect(churn).not.toContain("Last changes by ptbot");

    await h.answer("status databricks-gte-large-en");
    const gte = lastEphemeral(h);
    expect(gte).toContain("pay-per-token `databricks-gte-large-en`");
    expect(gte).not.toContain("no endpoint");
  });

  it("lists the last changes ptbot made to its endpoint, newest first: what, who asked, who approved, when", async () => {
    h = await startHarness();
    await approveAndWait(h, `deploy ${LLAMA} 2 --name llama --max 2`);
    await approveAndWait(h, `deploy ${LLAMA} 3 --name llama --min 2 --max 3`, STRANGER);
    await h.answer("status llama");
    const shown = lastEphemeral(h);
    expect(shown).toContain("Last changes by ptbot");
    const update = shown.indexOf("update to `ml.llm-catalog.llama-13b` v3 at 1,960–2,940 tokens/s");
    const create = shown.indexOf("create to `ml.llm-catalog.llama-13b` v2");
    expect(update).toBeGreaterThan(0);
    expect(create).toBeGreaterThan(update);
    expect(shown.slice(update, create)).toContain(`requested by <@${STRANGER}>, approved by <@${APPROVER}>`);
    expect(shown.slice(create)).toContain(`requested by <@${REQUESTER}>, approved by <@${APPROVER}>`);
    expect(shown).toMatch(/<!date\^\d+\^/);
  });
});
