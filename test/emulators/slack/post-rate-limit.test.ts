/**
 * chat.postMessage's per-channel limit, as Slack applies it: a burst goes through, then about one post a second per
 * channel, 429 `ratelimited` with `Retry-After`; other channels are not held back. Driven by the emulator's clock.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  defaultWorkspace,
  SLACK_POST_RATE_LIMIT,
  startSlackEmulator,
} from "../../../emulators/slack/index.js";
import type { SlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import { ADA, BOT_TOKEN, CHANNEL, startTestEmulator } from "./fixtures.js";

let emulator: SlackEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function post(
  e: SlackEmulator,
  channel: string,
): Promise<{ status: number; retryAfter: string | null }> {
  const res = await fetch(`${e.apiUrl}chat.postMessage`, {
    method: "POST",
    headers: { authorization: `Bearer ${BOT_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ channel, text: "hello" }),
  });
  await res.json();
  return { status: res.status, retryAfter: res.headers.get("retry-after") };
}

describe("chat.postMessage's per-channel rate limit", () => {
  it("lets a burst through, then one post a second, with Retry-After; the default is Slack's", async () => {
    let now = 1_700_000_000_000;
    expect(SLACK_POST_RATE_LIMIT).toEqual({ perSecond: 1, burst: 10 });
    // Without the test fixture, which turns the limit off: the emulator's own default.
    emulator = await startSlackEmulator({
      ...defaultWorkspace,
      signingSecret: "secret",
      botToken: BOT_TOKEN,
      port: 0,
      now: () => now,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await post(emulator, CHANNEL)).status);
    expect(statuses).toEqual(Array(10).fill(200));
    expect(await post(emulator, CHANNEL)).toEqual({ status: 429, retryAfter: "1" });
    now += 1_000;
    expect((await post(emulator, CHANNEL)).status).toBe(200);
    expect((await post(emulator, CHANNEL)).status).toBe(429);
    expect(emulator.channelMessages(CHANNEL)).toHaveLength(11);
  });

  it("holds each channel to its own allowance", async () => {
    const now = 1_700_000_000_000;
    emulator = await startTestEmulator({ now: () => now, postRateLimit: { perSecond: 1, burst: 1 } });
    expect((await post(emulator, CHANNEL)).status).toBe(200);
    expect((await post(emulator, CHANNEL)).status).toBe(429);
    // The bot's DM with a user is another channel.
    expect((await post(emulator, ADA)).status).toBe(200);
  });

  it("can be turned off", async () => {
    emulator = await startTestEmulator({ postRateLimit: "off" });
    // (The fixture's default is off; the emulator's own default is Slack's, asserted above.)
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () => post(emulator as SlackEmulator, CHANNEL)),
    );
    expect(statuses.every((s) => s.status === 200)).toBe(true);
  });
});
