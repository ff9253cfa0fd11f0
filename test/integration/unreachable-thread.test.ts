/**
 * The bot removed from the channel after posting the card: the thread can no longer be reached, so the requester
 * hears READY (or the failure) directly, in the app's DM with them.
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultWorkspace } from "../../emulators/slack/index.js";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, LLAMA, REQUESTER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const BOT = defaultWorkspace.bot.userId;

describe("a thread ptbot can no longer reach", () => {
  it("tells the requester READY by DM when the bot was removed from the channel mid-provisioning", async () => {
    h = await startHarness({ provisioningMs: 1_500 });
    const card = await h.deploy(`deploy ${LLAMA} 3 --name dm-me`);
    const click = await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    expect(click.status).toBe(200);
    await h.waitForReply(card, (t) => t.includes("provisioning (this can take"));
    h.slack.setChannelMember(CHANNEL, BOT, false);

    const dm = await h.slack.waitForMessage((m) => m.channel.startsWith("D") && m.text.includes("is READY"), {
      timeoutMs: 10_000,
      description: "READY in the requester's DM",
    });
    expect(h.slack.user(REQUESTER)).toBeDefined();
    expect(dm.channel).toBe(`D${REQUESTER.slice(1)}`);
    expect(dm.text).toContain("`dm-me`");
    expect(dm.text).toContain(`<#${CHANNEL}>`);
    expect(h.replies(card).some((t) => t.includes("is READY"))).toBe(false);
  });
});
