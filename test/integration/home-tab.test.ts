/**
 * The App Home tab (issue 13) through the front door: the Slack emulator sends the signed `app_home_opened` event as
 * Slack does, ptbot publishes the viewer's view (`views.publish`, validated by the emulator), with the requests
 * waiting for them as an approver linked to their cards (`chat.getPermalink`) and the fleet with its cost.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { StoredHome, StoredMessage } from "../../emulators/slack/index.js";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, LLAMA, REQUESTER, STRANGER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Opens `user`'s Home tab and waits for the view ptbot publishes in answer. */
async function openHome(harness: Harness, user: string): Promise<StoredHome> {
  const since = harness.slack.lastSeq;
  const delivery = await harness.driver.openHome({ user });
  expect(delivery.status).toBe(200);
  const event = await harness.slack.waitFor((e) => e.type === "home_published" && e.home.user === user, {
    since,
    timeoutMs: 5000,
    description: `${user}'s Home tab`,
  });
  if (event.type !== "home_published") throw new Error("no home");
  return event.home;
}

const text = (home: StoredHome) => JSON.stringify(home.view.blocks);

function permalinkOf(card: StoredMessage): string {
  return `https://ptbot-sandbox.slack.com/archives/${card.channel}/p${card.ts.replace(".", "")}`;
}

async function approve(harness: Harness, card: StoredMessage): Promise<void> {
  await harness.driver.clickButton({
    user: APPROVER,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
}

describe("the Home tab", () => {
  it("shows an approver what waits for them, linked to its card, and the fleet with its cost", async () => {
    h = await startHarness({ env: { PTBOT_DBU_PRICE: "0.07" } });
    const first = await h.deploy(`deploy ${LLAMA} 3`);
    await approve(h, first);
    await h.waitForReply(first, (t) => t.includes("is READY"), 10_000);
    const pending = await h.deploy(`deploy ${LLAMA} 3 --max 4 --name llama-next`);

    const home = await openHome(h, APPROVER);
    expect(home.view.type).toBe("home");
    const shown = text(home);
    expect(shown).toContain("*Waiting for your approval* (1)");
    expect(shown).toContain(`<${permalinkOf(pending)}|deploy llama-next>`);
    expect(shown).toContain("48–96 DBU/h");
    expect(shown).toContain("*Endpoints ptbot manages* (1)");
    expect(shown).toContain("llama-13b-3");
    expect(shown).toContain("48–72 DBU/h · $5.04/h, $3,628.80 per 30 days at max");
    expect(shown).toContain("Total at max: 72 DBU/h");
    expect(h.slack.calls("chat.getPermalink")).toHaveLength(1);
    // The emulator accepted the view: no warning, and the call answered ok.
    expect(h.slack.calls("views.publish").every((c) => c.response.ok === true)).toBe(true);

    // Approved: nothing waits any more, and the tab says so the next time it is opened (the same view, republished).
    await approve(h, pending);
    await h.waitForReply(pending, (t) => t.includes("is READY"), 10_000);
    const again = await openHome(h, APPROVER);
    expect(again.view.id).toBe(home.view.id);
    expect(text(again)).toContain("Nothing waits for your approval.");
    expect(text(again)).toContain("*Endpoints ptbot manages* (2)");
  });

  it("shows when an endpoint with a lifetime goes away, also after a scale made it READY again", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3 --ttl 7d`);
    await approve(h, card);
    await h.waitForReply(card, (t) => t.includes("is READY"), 10_000);
    const first = text(await openHome(h, APPROVER));
    expect(first).toMatch(/llama-13b-3.* · until <!date\^\d+/);
    const kept = await h.deploy("scale llama-13b-3 --max 4");
    await approve(h, kept);
    await h.waitForReply(kept, (t) => t.includes("is READY"), 10_000);
    const after = text(await openHome(h, APPROVER));
    // The lifetime stays the deploy's: the same moment after the scale.
    const until = (shown: string) => shown.match(/until <!date\^(\d+)/)?.[1];
    expect(until(after)).toBe(until(first));
    expect(until(after)).toBeDefined();
  });

  it("lists nothing to approve for the requester or for someone who is no approver", async () => {
    h = await startHarness();
    await h.deploy(`deploy ${LLAMA} 3`);
    for (const user of [REQUESTER, STRANGER]) {
      const home = await openHome(h, user);
      expect(text(home)).toContain("*Waiting for your approval* (0)");
      expect(text(home)).toContain("None yet: `/pt deploy` creates one.");
    }
  });

  it("works over Socket Mode too", async () => {
    h = await startHarness({ socketMode: true });
    await h.deploy(`deploy ${LLAMA} 3`);
    expect(text(await openHome(h, APPROVER))).toContain("*Waiting for your approval* (1)");
  });
});
