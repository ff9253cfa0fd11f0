/**
 * The card's channel archived while the endpoint provisions: Slack answers `is_inactive` to the card's edit and
 * `is_archived` to a thread reply. Neither is retried; the request goes on to READY, the requester hears it by DM,
 * the log says once that the card stopped, and `/pt status` says it too.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, blockText, CHANNEL, type Harness, LLAMA, REQUESTER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("a card in a channel archived meanwhile", () => {
  it("stops updating the card after Slack's first is_inactive, carries on to READY, and says so once", async () => {
    h = await startHarness({ provisioningMs: 1_500 });
    const card = await h.deploy(`deploy ${LLAMA} 3 --name archived-card`);
    const click = await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    expect(click.status).toBe(200);
    await h.waitForReply(card, (t) => t.includes("provisioning (this can take"));
    h.slack.archiveChannel(CHANNEL);

    const dm = await h.slack.waitForMessage((m) => m.channel.startsWith("D") && m.text.includes("is READY"), {
      timeoutMs: 10_000,
      description: "READY in the requester's DM",
    });
    expect(dm.text).toContain("the channel is archived");

    const refused = h.slack.calls("chat.update").filter((c) => c.response.error === "is_inactive");
    // The card's READY edit (and any progress edit) met the archived channel once; none was tried again.
    expect(refused).toHaveLength(1);
    const stopped = h.logs.filter((l) => l.msg === "card unreachable; card updates stopped");
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toMatchObject({ slackError: "is_inactive" });
    expect(h.logs.filter((l) => l.msg === "notice delivery failed")).toHaveLength(0);

    await h.answer("status archived-card", REQUESTER, `D${REQUESTER.slice(1)}`);
    const status = blockText(h.slack.ephemerals({ user: REQUESTER }).at(-1) ?? { blocks: [] });
    expect(status).toContain("can no longer be updated");
    expect(status).toContain("the channel is archived");
  });
});
