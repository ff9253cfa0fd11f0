/**
 * The harness fails a test in which Slack got an answer later than 3 s: Slack drops such an answer and shows the
 * user its own error, so a late ptbot must not pass as a working one. Here the late answer comes from a stand-in
 * for a stalled ptbot (ptbot itself acks first and works after), sent through the same Slack emulator.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CHANNEL, type Harness, REQUESTER, startHarness } from "./harness.js";

let h: Harness | undefined;
let stalled: Server | undefined;
afterEach(async () => {
  await h?.close().catch(() => {});
  h = undefined;
  stalled?.closeAllConnections();
  await new Promise((resolve) => stalled?.close(resolve) ?? resolve(undefined));
  stalled = undefined;
});

describe("an answer later than Slack's 3 s", () => {
  it("fails the test when the harness closes, after the user was shown operation_timeout", async () => {
    h = await startHarness();
    stalled = createServer((_req, res) => {
      // A process that answers only after Slack has given up: this wait is the stand-in's, not the test's.
      setTimeout(() => res.writeHead(200).end(), 3_100);
    });
    await new Promise<void>((resolve) => stalled?.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}/slack/events`;
    const result = await h.slack
      .driver({ appUrl: url })
      .slashCommand({ user: REQUESTER, channel: CHANNEL, text: "list" });
    expect(result.late).toBe(true);
    expect(h.slack.ephemerals({ user: REQUESTER }).at(-1)?.text).toContain("operation_timeout");
    const closing = h.close();
    h = undefined;
    await expect(closing).rejects.toThrow(/too late \(> 3 s\)/);
  });
});
