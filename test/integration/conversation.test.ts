/**
 * The whole conversation over signed HTTP, against both emulators: `/pt deploy`, the card, the approval, and the
 * thread following the endpoint to READY (or to a failure); and ten approvers clicking at once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS, CARD_BLOCKS } from "../../src/slack/ids.js";
import { APPROVER, blockText, CHANNEL, type Harness, LLAMA, REQUESTER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("a deploy from the command to a ready endpoint", () => {
  it("acks at once, posts the card, edits it on approval, and follows the endpoint to READY in the thread", async () => {
    h = await startHarness();
    const command = await h.driver.slashCommand({
      user: REQUESTER,
      channel: CHANNEL,
      text: `deploy ${LLAMA} 3`,
    });
    expect(command.status).toBe(200);
    expect(command.late).toBe(false);
    expect(JSON.stringify(command.body)).toContain("Looking up");

    const card = await h.slack.waitForMessage((m) => m.channel === CHANNEL && m.threadTs === undefined, {
      timeoutMs: 5000,
    });
    const shown = blockText(card);
    for (const expected of [
      LLAMA,
      "*Version*\\n3",
      "*Model type*\\nllama",
      "980 tokens/s",
      "1,960–2,940 tokens/s (2×–3× of 980)",
      "*Scale to zero*\\noff",
      "llama-13b-3",
      "(new)",
      `<@${REQUESTER}>`,
      `<@${APPROVER}>`,
      "<!subteam^S0MLAPPROVE>",
      "0 of 1",
      "<!date^",
    ]) {
      expect(shown).toContain(expected);
    }
    expect(card.text).toContain("llama-13b-3");
    const actions = card.blocks.find((b) => b.block_id === CARD_BLOCKS.actions);
    const buttons = (actions?.elements ?? []) as { action_id: string; style?: string; confirm?: unknown }[];
    expect(buttons.map((b) => b.action_id)).toEqual([
      ACTIONS.approve,
      ACTIONS.adjust,
      ACTIONS.reject,
      ACTIONS.cancel,
    ]);
    expect(buttons[0]).toMatchObject({ style: "primary", confirm: expect.any(Object) });
    expect(buttons[2]).toMatchObject({ style: "danger" });

    const click = await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    expect(click.status).toBe(200);
    const approved = await h.waitForCard(card, (m) => blockText(m).includes("Approved"));
    expect(approved.blocks.some((b) => b.block_id === CARD_BLOCKS.actions)).toBe(false);
    expect(blockText(approved)).toContain(`*Approved* by <@${APPROVER}>`);

    const ready = await h.waitForReply(card, (t) => t.includes("READY"));
    expect(ready.text).toContain("1,960–2,940 tokens/s");
    expect(ready.text).toContain(`${h.dbx.url}/ml/endpoints/llama-13b-3`);
    await h.waitForCard(card, (m) => blockText(m).includes("*Ready*"));

    const replies = h.replies(card);
    const count = (word: string) => replies.filter((t) => t.includes(word)).length;
    expect(count("Creating endpoint")).toBe(1);
    expect(count("provisioning (this can take")).toBe(1);
    expect(count("is READY")).toBe(1);
    expect(replies.findIndex((t) => t.includes("Creating endpoint"))).toBeLessThan(
      replies.findIndex((t) => t.includes("is READY")),
    );
    expect(h.slack.warnings()).toEqual([]);
    expect(JSON.stringify(h.logs)).not.toContain("xoxb-");

    // The same server reports what just happened: both acks timed, the create counted by route.
    const metrics = await (await fetch(new URL("/metrics", h.appUrl))).text();
    expect(metrics).toMatch(/ptbot_slack_ack_duration_seconds_count\{kind="command"\} 1\b/);
    expect(metrics).toMatch(/ptbot_slack_ack_duration_seconds_count\{kind="block_actions"\} 1\b/);
    expect(metrics).toMatch(
      /ptbot_databricks_calls_total\{method="POST",route="\/api\/2.0\/serving-endpoints",outcome="2xx"\} 1\b/,
    );
  });

  it("reports a failed provisioning with Databricks' message and the end of the build log", async () => {
    h = await startHarness();
    h.dbx.failProvisioning("llama-13b-3", {
      message: "Not enough GPU capacity in westus2 <!channel>",
      buildLogs: `${"x".repeat(100_000)}\nERROR step 6: allocating GPUs\nBuild failed`,
    });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    const failed = await h.waitForReply(card, (t) => t.includes("failed"));
    const shown = blockText(failed);
    expect(shown).toContain("Not enough GPU capacity in westus2 &lt;!channel&gt;");
    expect(shown).not.toContain("<!channel>");
    expect(shown).toContain("```");
    expect(shown).toContain("Build failed");
    await h.waitForCard(card, (m) => blockText(m).includes("*Failed*"));
  });

  it("creates one endpoint and says 'creating' once when ten approvers click at the same moment", async () => {
    const approvers = Array.from({ length: 10 }, (_, i) => `U0APPR${String(i).padStart(2, "0")}`);
    h = await startHarness({
      workspace: {
        users: [{ id: REQUESTER, name: "ada" }, ...approvers.map((id, i) => ({ id, name: `approver${i}` }))],
        channels: [{ id: CHANNEL, name: "ml-deploys", members: [REQUESTER, ...approvers, "U0PTBOT00"] }],
        usergroups: [{ id: "S0MLAPPROVE", handle: "ml-approvers", users: approvers }],
      },
    });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const clicks = await Promise.all(
      approvers.map((user) =>
        h?.driver.clickButton({ user, channel: CHANNEL, messageTs: card.ts, actionId: ACTIONS.approve }),
      ),
    );
    expect(clicks.every((c) => c?.status === 200)).toBe(true);
    await h.waitForReply(card, (t) => t.includes("is READY"));
    expect(h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(1);
    expect(h.replies(card).filter((t) => t.includes("Creating endpoint"))).toHaveLength(1);
    // Nine people were told, privately, that someone else got there first; the group was read once.
    const refusals = h.slack.ephemerals().filter((e) => e.text.includes("already approved by"));
    expect(refusals).toHaveLength(9);
    expect(h.slack.calls("usergroups.users.list")).toHaveLength(1);
  });
});
