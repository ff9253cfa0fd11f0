/**
 * Approver-group membership fails closed, over signed HTTP: a member removed from the approvers' user group stops
 * approving once the cache's short TTL has passed, and when Slack cannot say who is in the group (and what ptbot
 * knows is too old), the click is refused privately with the reason, and nothing is recorded.
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultWorkspace } from "../../emulators/slack/index.js";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, APPROVER_GROUP, CHANNEL, type Harness, LLAMA, readyz, startHarness } from "./harness.js";

/** Approves only through the group (not listed in PTBOT_APPROVERS). */
const MEMBER = "U0MEMBER";
const workspace = {
  users: [...defaultWorkspace.users, { id: MEMBER, name: "mary", realName: "Mary Jackson" }],
  channels: [{ ...defaultWorkspace.channels[0], members: [...defaultWorkspace.channels[0].members, MEMBER] }],
  usergroups: [{ ...defaultWorkspace.usergroups[0], users: [MEMBER] }],
};
const CREATE = "/api/2.0/serving-endpoints";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function approve(harness: Harness, ts: string): Promise<void> {
  const result = await harness.driver.clickButton({
    user: MEMBER,
    channel: CHANNEL,
    messageTs: ts,
    actionId: ACTIONS.approve,
  });
  expect(result.status).toBe(200);
}

describe("approver group lookups", () => {
  it("refuses a member removed from the group once the cache's minute has passed", async () => {
    h = await startHarness({ workspace, env: { PTBOT_APPROVERS: APPROVER_GROUP } });
    const first = await h.deploy(`deploy ${LLAMA} 3 --name first-approval`);
    await approve(h, first.ts);
    // READY first, so that no later edit of this card is taken for the next one.
    await h.waitForReply(first, (t) => t.includes("is READY"));

    h.slack.setUsergroupMembers(APPROVER_GROUP, []);
    const second = await h.deploy(`deploy ${LLAMA} 3 --name after-removal`);
    h.clock.advance(61_000);
    const since = h.slack.lastSeq;
    await approve(h, second.ts);
    await h.waitForEphemeral(MEMBER, (t) => t.includes("Only approvers"), since);
    expect(h.latest(second).edits).toHaveLength(0);
  });

  it("refuses with the reason when Slack cannot say who is in the group and nothing cached is recent", async () => {
    h = await startHarness({ workspace, env: { PTBOT_APPROVERS: APPROVER_GROUP } });
    const first = await h.deploy(`deploy ${LLAMA} 3 --name cached-approval`);
    await approve(h, first.ts);
    // READY first, so that no later edit of this card is taken for the next one.
    await h.waitForReply(first, (t) => t.includes("is READY"));

    const second = await h.deploy(`deploy ${LLAMA} 3 --name lookup-down`);
    h.slack.failNext("usergroups.users.list", { error: "internal_error", times: 1_000 });
    // Past any bound on serving stale members: the members ptbot knows are 10 minutes old.
    h.clock.advance(10 * 60_000);
    const since = h.slack.lastSeq;
    await approve(h, second.ts);
    const answer = await h.waitForEphemeral(MEMBER, (t) => t.includes("could not check"), since);
    expect(answer).toContain(`your membership of <!subteam^${APPROVER_GROUP}>`);
    expect(answer).toContain("internal_error");
    expect(answer).toContain("try again");
    expect(h.latest(second).edits).toHaveLength(0);
    expect(h.dbx.requestsTo("POST", CREATE)).toHaveLength(1);
  });

  it("refuses with the reason when Slack fails and nothing is cached", async () => {
    // Failing from before the start, so that the start-up check of the groups caches nothing either.
    h = await startHarness({
      workspace,
      env: { PTBOT_APPROVERS: APPROVER_GROUP },
      beforeStart: (slack) => slack.failNext("usergroups.users.list", { error: "ratelimited", times: 1_000 }),
    });
    const card = await h.deploy(`deploy ${LLAMA} 3 --name never-looked-up`);
    const since = h.slack.lastSeq;
    await approve(h, card.ts);
    const answer = await h.waitForEphemeral(MEMBER, (t) => t.includes("could not check"), since);
    expect(answer).toContain(`<!subteam^${APPROVER_GROUP}>`);
    expect(h.latest(card).edits).toHaveLength(0);
    expect(h.dbx.requestsTo("POST", CREATE)).toHaveLength(0);
  });

  it.each([
    ["a free workspace (no user groups)", { freePlan: true }, "plan_upgrade_required"],
    ["a token without usergroups:read", { scopes: ["chat:write", "commands"] }, "usergroups:read"],
  ] as const)(
    "tells the approver the real reason, not 'try again', on %s",
    async (_what, slackOptions, why) => {
      h = await startHarness({ workspace, env: { PTBOT_APPROVERS: APPROVER_GROUP }, slack: slackOptions });
      const card = await h.deploy(`deploy ${LLAMA} 3 --name lookup-never`);
      const since = h.slack.lastSeq;
      await approve(h, card.ts);
      const answer = await h.waitForEphemeral(MEMBER, (t) => t.includes("could not check"), since);
      expect(answer).toContain(why);
      expect(answer).toContain("will not pass by itself");
      expect(answer).not.toContain("try again");
      expect(h.dbx.requestsTo("POST", CREATE)).toHaveLength(0);
    },
  );

  it("checks the configured groups at start: a mistyped group is logged and shown in /readyz, which stays ready", async () => {
    h = await startHarness({ workspace, env: { PTBOT_APPROVERS: `${APPROVER},${APPROVER_GROUP},S0TYPOED` } });
    const body = await readyz(h.running.port);
    expect(body.ready).toBe(true);
    expect(body.checks?.approverGroups).toEqual({ ok: false, detail: "S0TYPOED: no_such_subteam" });
    const logged = h.logs.filter((l) => String(l.msg).startsWith("approver group unusable"));
    expect(logged).toEqual([
      expect.objectContaining({ group: "S0TYPOED", reason: "no_such_subteam", level: 50 }),
    ]);
  });

  it("reports every configured group fine at start when Slack answers for each", async () => {
    h = await startHarness({ workspace, env: { PTBOT_APPROVERS: APPROVER_GROUP } });
    expect((await readyz(h.running.port)).checks?.approverGroups).toEqual({ ok: true });
    expect(h.logs.some((l) => l.msg === "approver groups checked")).toBe(true);
  });

  it("lets an approver listed by id approve while Slack cannot say who is in the groups", async () => {
    h = await startHarness({ workspace, env: { PTBOT_APPROVERS: `${APPROVER},${APPROVER_GROUP}` } });
    const card = await h.deploy(`deploy ${LLAMA} 3 --name listed-approver`);
    h.slack.failNext("usergroups.users.list", { error: "internal_error", times: 1_000 });
    const result = await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    expect(result.status).toBe(200);
    // Listed by id, the approver is one whatever the groups say: no lookup is needed, so none can fail.
    await h.waitForReply(card, (t) => t.includes("is READY"));
    expect(h.dbx.requestsTo("POST", CREATE)).toHaveLength(1);
  });
});
