/**
 * A provisioning that runs past the typical time (15 min): the card says how long it has been provisioning, and is
 * refreshed at most every 5 minutes, with no thread message per refresh. ptbot's clock is moved by the test; the
 * emulated endpoint stays in progress (an hour of real time).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { ACTIONS } from "../../src/slack/ids.js";
import { waitUntil } from "../chaos/wait-until.js";
import { APPROVER, blockText, CHANNEL, type Harness, LLAMA, startHarness } from "./harness.js";

const MINUTE = 60_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Waits until the tracker has listed the workspace `rounds` more times: that many polls saw the clock as it is. */
async function polls(harness: Harness, rounds: number): Promise<void> {
  const lists = () => harness.dbx.requestsTo("GET", "/api/2.0/serving-endpoints").length;
  const target = lists() + rounds;
  await waitUntil(() => lists() >= target, { timeoutMs: 5000, description: `${rounds} more polls` });
}

function cardVersions(harness: Harness, card: StoredMessage): string[] {
  const latest = harness.latest(card);
  return [...latest.edits.map((e) => JSON.stringify(e.blocks)), blockText(latest)];
}

describe("elapsed time in the card", () => {
  it("past the typical time shows 'Provisioning for N min', refreshed at most every few minutes, without thread messages", async () => {
    h = await startHarness({ provisioningMs: 60 * MINUTE });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForCard(card, (m) => blockText(m).includes("Provisioning (this can take"));
    await polls(h, 2);
    const repliesBefore = h.replies(card).length;

    // Before the typical time: nothing changes.
    h.clock.advance(10 * MINUTE);
    await polls(h, 2);
    expect(blockText(h.latest(card))).toContain("Provisioning (this can take");

    h.clock.advance(24 * MINUTE);
    await h.waitForCard(card, (m) => blockText(m).includes("Provisioning for 34 min"));

    // Two minutes on: polled, but not refreshed.
    h.clock.advance(2 * MINUTE);
    await polls(h, 3);
    expect(blockText(h.latest(card))).toContain("Provisioning for 34 min");

    // Five minutes after the last refresh: refreshed once.
    h.clock.advance(3 * MINUTE);
    await h.waitForCard(card, (m) => blockText(m).includes("Provisioning for 39 min"));
    await polls(h, 3);

    const shown = cardVersions(h, card).filter((v) => v.includes("Provisioning for"));
    expect(shown.filter((v) => v.includes("34 min"))).toHaveLength(1);
    expect(shown.filter((v) => v.includes("39 min"))).toHaveLength(1);
    expect(shown).toHaveLength(2);
    expect(h.replies(card)).toHaveLength(repliesBefore);
  });
});
