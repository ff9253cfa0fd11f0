/**
 * A workspace with other teams' endpoints (the emulator's default seed: pay-per-token `databricks-*` endpoints, an
 * external OpenAI model, a CPU model, one being created, one suspended whose state has no `ready`), seen through the
 * front door: `/pt list` still answers and shows only what ptbot manages, `/pt status` describes any of them, and a
 * deploy to one of their names is refused as any endpoint serving another model is.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, isCard, LLAMA, REQUESTER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const FOREIGN = [
  "databricks-meta-llama-3-3-70b-instruct",
  "databricks-gte-large-en",
  "search-team-gpt-4o",
  "churn-classifier",
  "fraud-scorer",
  "support-agent",
];

function lastEphemeral(harness: Harness): string {
  return JSON.stringify(harness.slack.ephemerals({ user: REQUESTER }).at(-1)?.blocks);
}

describe("other teams' endpoints", () => {
  it("/pt list answers and leaves them out: ptbot lists only the endpoints it manages", async () => {
    h = await startHarness();
    const text = await h.answer("list");
    expect(text).toContain("ptbot manages 0 endpoints");
    const shown = lastEphemeral(h);
    for (const name of FOREIGN) expect(shown).not.toContain(name);
    expect(shown).not.toContain("could not");
  });

  it("/pt status describes an external-model endpoint, one being created and one whose state has no ready", async () => {
    h = await startHarness();
    await h.answer("status search-team-gpt-4o");
    const gpt = lastEphemeral(h);
    expect(gpt).toContain("🟢 ready");
    expect(gpt).toContain("gpt-4o");
    expect(gpt).toContain(`${h.dbx.url}/ml/endpoints/search-team-gpt-4o`);

    await h.answer("status fraud-scorer");
    expect(lastEphemeral(h)).toContain("🔧 provisioning");

    await h.answer("status support-agent");
    const agent = lastEphemeral(h);
    expect(agent).toContain("state not reported");
    expect(agent).not.toContain("no endpoint");
  });

  it("refuses a deploy to a name another team's endpoint uses, saying what it serves, and posts no card", async () => {
    h = await startHarness();
    const external = await h.answer(`deploy ${LLAMA} 3 --name search-team-gpt-4o`);
    expect(external).toContain(
      "`search-team-gpt-4o` already exists and ptbot will not change what it serves",
    );
    expect(external).toContain("already serves openai model gpt-4o");
    expect(external).not.toContain("v?");
    const creating = await h.answer(`deploy ${LLAMA} 3 --name fraud-scorer`);
    expect(creating).toContain("already serves ml.risk.fraud-xgb v7");
    const payPerToken = await h.answer(`deploy ${LLAMA} 3 --name databricks-meta-llama-3-3-70b-instruct`);
    expect(payPerToken).toContain("already serves pay-per-token databricks-meta-llama-3-3-70b-instruct");
    expect(h.slack.channelMessages(CHANNEL).filter(isCard)).toHaveLength(0);
    expect(h.dbx.requestsTo("PUT", /\/config$/)).toHaveLength(0);
    expect(h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(0);
  });

  it("follows ptbot's own endpoint to READY beside them, reading no details of theirs", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForReply(card, (t) => t.includes("is READY"));
    expect(h.dbx.requestsTo("GET", "/api/2.0/serving-endpoints").length).toBeGreaterThan(0);
    const detailReads = h.dbx.requests
      .filter((r) => r.method === "GET" && r.path.startsWith("/api/2.0/serving-endpoints/"))
      .map((r) => r.path.split("/")[4]);
    for (const name of FOREIGN) expect(detailReads).not.toContain(name);
    expect(h.replies(card).join("\n")).not.toContain("deleted");
  });
});
