/**
 * Reminders over signed HTTP, with the harness's controllable clock and a policy file: a pending request's thread
 * reminds its approvers after 1 h and 4 h, then mentions the escalation group 2 h before the request expires; a
 * decided request is not reminded. (Exactly once across restarts and replicas: `test/core/reminders.test.ts`.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, LLAMA, startHarness } from "./harness.js";

const HOUR = 3_600_000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const policyFile = (url: string) => `
defaults:
  approvers: [${APPROVER}]
  request_ttl: 24h
  reminders:
    after: [1h, 4h]
    escalation_group: S0ONCALL
    escalate_before_expiry: 2h
workspaces:
  prod:
    host: ${url}
    auth:
      token_env: HARNESS_DATABRICKS_TOKEN
`;

describe("reminders of a pending request", () => {
  it("reminds the approvers in the thread at 1 h and 4 h, then mentions the escalation group before expiry", async () => {
    h = await startHarness({ policyFile });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const reminded = (t: string) => t.startsWith("⏰ Reminder");
    h.clock.advance(HOUR + 1000);
    const first = await h.waitForReply(card, reminded);
    expect(first.text).toContain(`<@${APPROVER}>`);
    expect(first.text).toContain("1 more approval");

    h.clock.advance(3 * HOUR);
    await h.waitForReply(card, (t) => reminded(t) && h?.replies(card).filter(reminded).length === 2);

    h.clock.advance(18 * HOUR);
    const escalation = await h.waitForReply(card, (t) => t.startsWith("🔔"));
    expect(escalation.text).toContain("<!subteam^S0ONCALL>");
    expect(escalation.text).toContain("still has no decision");
    expect(h.replies(card).filter(reminded)).toHaveLength(2);
  });

  it("does not remind a request that was approved", async () => {
    h = await startHarness({ policyFile });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const click = await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    expect(click.status).toBe(200);
    await h.waitForReply(card, (t) => t.includes("is READY"), 10_000);
    h.clock.advance(5 * HOUR);
    // A later request's reminder shows the rounds ran past the first one's points.
    const later = await h.deploy(`deploy ${LLAMA} 3 --name later-1`);
    h.clock.advance(HOUR + 1000);
    await h.waitForReply(later, (t) => t.startsWith("⏰ Reminder"));
    expect(h.replies(card).filter((t) => t.startsWith("⏰") || t.startsWith("🔔"))).toEqual([]);
  });
});
