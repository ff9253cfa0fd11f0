/**
 * Only Slack may talk to ptbot: a forged signature, a stale timestamp or no signature at all is answered 401, and
 * nothing happens (no Web API call, no request stored, no card).
 */
import { afterEach, describe, expect, it } from "vitest";
import { CHANNEL, type Harness, LLAMA, REQUESTER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("request signatures", () => {
  it.each([
    ["a forged signature", { signature: `v0=${"0".repeat(64)}` }],
    ["a five-minute-old timestamp", { timestampSkewSeconds: -301 }],
    ["another app's signing secret", { signature: "v0=deadbeef" }],
    ["no signature", { unsigned: true }],
  ])("answers %s with 401 and does nothing", async (_, bend) => {
    h = await startHarness();
    const since = h.slack.lastSeq;
    const forged = await h.driver.slashCommand(
      { user: REQUESTER, channel: CHANNEL, text: `deploy ${LLAMA} 3` },
      bend,
    );
    expect(forged.status).toBe(401);
    // A genuine command after it proves the app is up and answering; the forged one left no trace.
    const genuine = await h.driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text: "help" });
    expect(genuine.status).toBe(200);
    const calls = h.slack.events(since).filter((e) => e.type === "api_call");
    expect(calls).toEqual([]);
    expect(h.dbx.requests.filter((r) => r.path.includes("unity-catalog"))).toEqual([]);
    expect(h.slack.ephemerals().filter((e) => e.text.includes("Looking up"))).toEqual([]);
  });

  it("accepts a request signed just inside the five-minute window", async () => {
    h = await startHarness();
    const result = await h.driver.slashCommand(
      { user: REQUESTER, channel: CHANNEL, text: "help" },
      { timestampSkewSeconds: -240 },
    );
    expect(result.status).toBe(200);
  });
});
