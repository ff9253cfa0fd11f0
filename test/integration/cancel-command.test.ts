/**
 * `/pt cancel <endpoint or request id>` over signed HTTP: the requester or an approver releases a request that is
 * not applied yet, even when its card is gone; the answer is private, the card and thread say who cancelled, and
 * the name is free again. Anyone else, and a name nothing holds, get a clear private answer.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { ACTIONS } from "../../src/slack/ids.js";
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

/** Runs `/pt <text>` as `user` and returns the private answer after the ack. */
function requestIdOf(card: StoredMessage): string {
  const match = /Request `([^`]+)`/.exec(blockText(card));
  if (match?.[1] === undefined) throw new Error("no request id on the card");
  return match[1];
}

describe("/pt cancel", () => {
  it("lets an approver release a request by its endpoint name: private answer, card and thread updated, name free", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3 --name held-x`);
    const text = await h.answer("cancel held-x", APPROVER);
    expect(text).toContain("Cancelled");
    expect(text).toContain("`held-x`");
    const cancelled = await h.waitForCard(card, (m) => blockText(m).includes("*Cancelled*"));
    expect(blockText(cancelled)).toContain(`by <@${APPROVER}>`);
    await h.waitForReply(card, (t) => t.includes(`<@${APPROVER}> cancelled this request`));
    const again = await h.deploy(`deploy ${LLAMA} 3 --name held-x`);
    expect(again.ts).not.toBe(card.ts);
  });

  it("lets the requester release a request by its id, though its card was deleted", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3 --name lost-card`);
    const id = requestIdOf(card);
    // The card was deleted: Slack answers every edit of it with message_not_found.
    h.slack.failNext("chat.update", { error: "message_not_found", times: 10 });
    const text = await h.answer(`cancel ${id}`, REQUESTER);
    expect(text).toContain("Cancelled");
    expect((await h.running.workflow.get(id))?.state).toBe("cancelled");
  });

  it("refuses someone who is neither the requester nor an approver, privately, and changes nothing", async () => {
    h = await startHarness({ env: { PTBOT_APPROVERS: APPROVER } });
    const card = await h.deploy(`deploy ${LLAMA} 3 --name held-y`);
    const text = await h.answer("cancel held-y", STRANGER);
    expect(text).toContain(`Only <@${REQUESTER}>`);
    expect(text).toContain("or an approver");
    expect(h.latest(card).edits).toHaveLength(0);
    expect((await h.running.workflow.get(requestIdOf(card)))?.state).toBe("awaiting_approval");
  });

  it("says plainly that nothing is held under an unknown name or id", async () => {
    h = await startHarness();
    const text = await h.answer("cancel nothing-here", REQUESTER);
    expect(text).toContain("Nothing is held under `nothing-here`");
    expect(h.slack.channelMessages(CHANNEL).filter(isCard)).toHaveLength(0);
  });

  it("is in /pt help, and asks for a target when given none", async () => {
    h = await startHarness();
    const help = await h.driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text: "help" });
    expect(JSON.stringify(help.body)).toContain("/pt cancel <endpoint or request id>");
    const bare = await h.driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text: "cancel" });
    expect((bare.body as { text: string }).text).toContain(
      "`/pt cancel` needs the endpoint name or the request id",
    );
  });

  it("lets an approver press Cancel on the card too", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3 --name by-button`);
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.cancel,
    });
    const cancelled = await h.waitForCard(card, (m) => blockText(m).includes("*Cancelled*"));
    expect(blockText(cancelled)).toContain(`by <@${APPROVER}>`);
  });
});
