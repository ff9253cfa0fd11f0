/**
 * One request's slow or throttled call never holds back another's (issue 9, item 4): while Databricks answers one
 * endpoint's create with 429 again and again (the client retrying it for minutes), a second conversation goes to
 * READY promptly; the throttled one's thread is told once after the bound, and the request fails with the reason
 * after the limit. ptbot's clock (ShiftedClock) moves past the bound and the limit; the client's retries run on real
 * time.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, LLAMA, startHarness } from "./harness.js";

const ENDPOINTS = "/api/2.0/serving-endpoints";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function approve(harness: Harness, ts: string): Promise<void> {
  const click = await harness.driver.clickButton({
    user: APPROVER,
    channel: CHANNEL,
    messageTs: ts,
    actionId: ACTIONS.approve,
  });
  expect(click.status).toBe(200);
}

const createsOf = (harness: Harness, name: string) =>
  harness.dbx
    .requestsTo("POST", ENDPOINTS)
    .filter((r) => (r.body as { name?: string } | undefined)?.name === name);

describe("a throttled create", () => {
  it("holds back no other request, is reported once after the bound, and fails after the limit", async () => {
    h = await startHarness();
    const harness = h;
    harness.dbx.injectFault({
      method: "POST",
      path: ENDPOINTS,
      endpointName: "slow-one",
      kind: "status",
      status: 429,
      retryAfterSeconds: 1,
      times: Number.POSITIVE_INFINITY,
    });
    const slow = await harness.deploy(`deploy ${LLAMA} 3 --name slow-one`);
    await approve(harness, slow.ts);
    // The client is retrying the 429 (for up to five minutes, as the SDKs do).
    await expect.poll(() => createsOf(harness, "slow-one").length, { timeout: 10_000 }).toBeGreaterThan(1);

    const fast = await harness.deploy(`deploy ${LLAMA} 2 --name fast-one`);
    await approve(harness, fast.ts);
    await harness.waitForReply(fast, (t) => t.includes("is READY"), 10_000);

    harness.clock.advance(6 * 60_000);
    const notice = await harness.waitForReply(slow, (t) => t.includes("has not taken the create"), 10_000);
    expect(notice.text).toContain("still trying");

    // Past the limit; the next 429 asks for a wait longer than the client's budget, so the call gives up at once.
    harness.clock.advance(30 * 60_000);
    harness.dbx.clearFaults();
    harness.dbx.injectFault({
      method: "POST",
      path: ENDPOINTS,
      endpointName: "slow-one",
      kind: "status",
      status: 429,
      retryAfterSeconds: 600,
      times: Number.POSITIVE_INFINITY,
    });
    const failed = await harness.waitForReply(
      slow,
      (t) => t.includes("could not reach the Databricks workspace"),
      15_000,
    );
    expect(failed.text).toContain("nothing was created");
    expect(harness.replies(slow).filter((t) => t.includes("has not taken the create"))).toHaveLength(1);
    expect(harness.dbx.endpoint("slow-one")).toBeUndefined();
  });
});
