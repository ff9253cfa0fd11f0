/**
 * Issue 9, items 5, 6 and 9, over signed HTTP: one live request per endpoint name, held atomically (two people racing
 * for a name get one card and one clear refusal; a rename onto a held name is a field error); a deploy that would
 * change nothing is answered so, with no card; the same command twice gives one card and no cancellation.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { ACTIONS, ADJUST_INPUTS } from "../../src/slack/ids.js";
import {
  APPROVER,
  blockText,
  CHANNEL,
  type Harness,
  isCard,
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

const GPT_OSS = "system.ai.gpt-oss-120b";
const OPTIMIZATION_INFO = /get-model-optimization-info/;

/** The private answer after the ack ("Looking up…") to a command `user` sent after `since`. */
function answerTo(harness: Harness, user: string, since: number): Promise<string> {
  return harness.waitForEphemeral(user, (t) => !t.startsWith("Looking up"), since);
}

/** The requester named on a card (`*Requested by*\n<@U…>`). */
function requesterOf(card: StoredMessage): string | undefined {
  return /\*Requested by\*\\n<@(U[A-Z0-9]+)>/.exec(blockText(card))?.[1];
}

/** Sends both commands at once, each lookup held long enough that both requests are resolving together. */
async function race(harness: Harness, commands: readonly { user: string; text: string }[]) {
  harness.dbx.injectFault({ kind: "delay", ms: 400, path: OPTIMIZATION_INFO, times: commands.length });
  const since = harness.slack.lastSeq;
  const results = await Promise.all(
    commands.map((c) => harness.driver.slashCommand({ user: c.user, channel: CHANNEL, text: c.text })),
  );
  for (const r of results) expect(r.status).toBe(200);
  return since;
}

async function deployAndWaitReady(harness: Harness, text: string): Promise<StoredMessage> {
  const card = await harness.deploy(text);
  await harness.driver.clickButton({
    user: APPROVER,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
  await harness.waitForReply(card, (t) => t.includes("is READY"), 10_000);
  return card;
}

async function openModal(harness: Harness, user: string, ts: string) {
  const since = harness.slack.lastSeq;
  await harness.driver.clickButton({ user, channel: CHANNEL, messageTs: ts, actionId: ACTIONS.adjust });
  const opened = await harness.slack.waitFor((e) => e.type === "view_opened", { since, timeoutMs: 3000 });
  if (opened.type !== "view_opened") throw new Error("no view");
  return opened.view;
}

describe("one request per endpoint name", () => {
  for (const [label, text] of [
    ["the default name", `deploy ${LLAMA} 3`],
    ["a name given with --name", `deploy ${LLAMA} 3 --name shared-name`],
  ] as const) {
    it(`two people deploying to ${label} at once: exactly one card, the other a clear refusal`, async () => {
      h = await startHarness();
      const harness = h;
      const since = await race(h, [
        { user: REQUESTER, text },
        { user: STRANGER, text },
      ]);
      const card = await h.slack.waitForMessage((m) => m.channel === CHANNEL && isCard(m), {
        since,
        timeoutMs: 5000,
        description: "the winner's card",
      });
      const winner = requesterOf(card);
      const loser = winner === REQUESTER ? STRANGER : REQUESTER;
      const refusal = await answerTo(harness, loser, since);
      const endpoint = text.includes("--name") ? "shared-name" : "llama-13b-3";
      expect(refusal).toContain(`\`${endpoint}\``);
      expect(refusal).toContain(`<@${winner}>`);
      expect(refusal).not.toContain("someone else");
      expect(h.slack.channelMessages(CHANNEL).filter(isCard)).toHaveLength(1);
      // The winner's card goes ahead.
      await h.driver.clickButton({
        user: APPROVER,
        channel: CHANNEL,
        messageTs: card.ts,
        actionId: ACTIONS.approve,
      });
      await h.waitForReply(card, (t) => t.includes("is READY"), 10_000);
      expect(h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(1);
    });
  }

  it("refuses an Adjust rename onto a name another live request holds, with a field error", async () => {
    h = await startHarness();
    const held = await h.deploy(`deploy ${LLAMA} 3`, STRANGER);
    const card = await h.deploy(`deploy ${LLAMA} 3 --name mine`);
    const view = await openModal(h, REQUESTER, card.ts);
    const refused = await h.driver.submitView({
      user: REQUESTER,
      viewId: view.id,
      values: { [ADJUST_INPUTS.name.action]: "llama-13b-3" },
    });
    expect(refused.body).toMatchObject({ response_action: "errors" });
    expect(refused.view?.open).toBe(true);
    expect(refused.view?.errors?.[ADJUST_INPUTS.name.block]).toContain("llama-13b-3");
    // Named by the holder's Slack name (linus is STRANGER), in plain text as field errors are.
    expect(refused.view?.errors?.[ADJUST_INPUTS.name.block]).toContain("linus");
    expect(h.slack.calls("chat.update")).toHaveLength(0);
    expect(h.latest(card).edits).toHaveLength(0);
    expect(h.latest(held).edits).toHaveLength(0);
    // Nothing changed: approving the renamed-in-vain card still creates `mine`.
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForReply(card, (t) => t.includes("Creating endpoint"));
    expect(h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")[0]?.body).toMatchObject({ name: "mine" });
  });
});

describe("a no-op is not a change", () => {
  it.each([
    ["tokens/s", `deploy ${LLAMA} 3`, "llama-13b-3", "/api/2.0/serving-endpoints/llama-13b-3/config"],
    [
      "model units",
      `deploy ${GPT_OSS} 2`,
      "gpt-oss-120b-2",
      "/api/2.0/serving-endpoints/pt/gpt-oss-120b-2/config",
    ],
  ])(
    "answers that the endpoint already serves this (%s), with no card and no config update",
    async (_unit, text, name, route) => {
      h = await startHarness();
      await deployAndWaitReady(h, text);
      const cards = h.slack.channelMessages(CHANNEL).filter(isCard).length;
      const answer = await h.answer(text);
      expect(answer).toContain(`\`${name}\` already serves this; nothing to change`);
      expect(h.slack.channelMessages(CHANNEL).filter(isCard)).toHaveLength(cards);
      expect(h.dbx.requestsTo("PUT", route)).toHaveLength(0);
    },
  );

  it("refuses an Adjust that would make an update change nothing", async () => {
    h = await startHarness();
    await deployAndWaitReady(h, `deploy ${LLAMA} 3`);
    const card = await h.deploy(`deploy ${LLAMA} 3 --max 4`);
    const view = await openModal(h, REQUESTER, card.ts);
    const edits = h.slack.calls("chat.update").length;
    const refused = await h.driver.submitView({
      user: REQUESTER,
      viewId: view.id,
      values: { [ADJUST_INPUTS.max.action]: 3 },
    });
    expect(refused.body).toMatchObject({ response_action: "errors" });
    expect(Object.values(refused.view?.errors ?? {}).join(" ")).toContain("already serves");
    expect(h.slack.calls("chat.update")).toHaveLength(edits);
  });
});

describe("the same command twice within milliseconds", () => {
  it("gives one card and no cancellation notice", async () => {
    h = await startHarness();
    const harness = h;
    const text = `deploy ${LLAMA} 3`;
    const since = await race(h, [
      { user: REQUESTER, text },
      { user: REQUESTER, text },
    ]);
    const card = await h.slack.waitForMessage((m) => m.channel === CHANNEL && isCard(m), {
      since,
      timeoutMs: 5000,
      description: "the card",
    });
    const answer = await answerTo(h, REQUESTER, since);
    expect(answer).toContain("`llama-13b-3`");
    expect(answer).not.toContain("Cancelled");
    expect(h.slack.channelMessages(CHANNEL).filter(isCard)).toHaveLength(1);
    // The one card goes ahead; nothing anywhere says it (or a twin) was cancelled.
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForReply(card, (t) => t.includes("is READY"), 10_000);
    const everything = h.slack
      .channelMessages(CHANNEL)
      .flatMap((m) => [m.text, blockText(m), ...harness.replies(m)])
      .join("\n");
    expect(everything).not.toMatch(/cancel/i);
  });
});
