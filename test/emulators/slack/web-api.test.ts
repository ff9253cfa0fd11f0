import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import {
  ADA,
  APP_TOKEN,
  BOT_TOKEN,
  CHANNEL,
  cardBlocks,
  GRACE,
  LINUS,
  startTestEmulator,
  webClient,
} from "./fixtures.js";

let emulator: SlackEmulator;
let client: webApi.WebClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  client = webClient(emulator);
});
afterAll(() => emulator.close());

/** The platform error code a WebClient call failed with. */
async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error && "data" in error) return String((error.data as { error: string }).error);
    throw error;
  }
  throw new Error("the call succeeded");
}

describe("identity and directory", () => {
  it("auth.test names the bot", async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({
      ok: true,
      url: "https://ptbot-sandbox.slack.com/",
      team: "ptbot sandbox",
      user: "ptbot",
      team_id: "T0PTBOT00",
      user_id: "U0PTBOT00",
      bot_id: "B0PTBOT00",
    });
  });

  it("users.info returns the user's names, tz and bot flag", async () => {
    const { user } = await client.users.info({ user: GRACE });
    expect(user).toMatchObject({
      id: GRACE,
      name: "grace",
      real_name: "Grace Hopper",
      profile: { display_name: "grace", real_name: "Grace Hopper" },
      tz: "Etc/UTC",
      is_bot: false,
    });
    expect((await client.users.info({ user: "U0PTBOT00" })).user?.is_bot).toBe(true);
    expect(await errorOf(client.users.info({ user: "U0NOBODY" }))).toBe("user_not_found");
  });

  it("usergroups.users.list lists the group's members", async () => {
    expect((await client.usergroups.users.list({ usergroup: "S0MLAPPROVE" })).users).toEqual([GRACE]);
    expect(await errorOf(client.usergroups.users.list({ usergroup: "S0NONE" }))).toBe("no_such_subteam");
  });

  it("conversations.info shows membership; a private channel without the bot does not exist", async () => {
    expect((await client.conversations.info({ channel: CHANNEL })).channel).toMatchObject({
      id: CHANNEL,
      name: "ml-deploys",
      is_channel: true,
      is_private: false,
      is_member: true,
    });
    expect((await client.conversations.info({ channel: "C0NOBOT" })).channel?.is_member).toBe(false);
    expect(await errorOf(client.conversations.info({ channel: "G0SECRET" }))).toBe("channel_not_found");
  });
});

describe("chat", () => {
  it("chat.postMessage answers { ok, channel, ts, message } with Slack-shaped, increasing ts", async () => {
    const first = await client.chat.postMessage({
      channel: CHANNEL,
      text: "card",
      blocks: cardBlocks(["approve"]),
    });
    const second = await client.chat.postMessage({ channel: CHANNEL, text: "another" });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first).toMatchObject({
      ok: true,
      channel: CHANNEL,
      message: {
        type: "message",
        text: "card",
        user: "U0PTBOT00",
        bot_id: "B0PTBOT00",
        ts: first.ts,
        blocks: cardBlocks(["approve"]),
      },
    });
    const call = emulator.calls("chat.postMessage").at(-2);
    // Recorded with blocks parsed back from the form body, and without the token.
    expect(call?.args).toMatchObject({ channel: CHANNEL, text: "card", blocks: cardBlocks(["approve"]) });
    expect(call?.args).not.toHaveProperty("token");
    expect(call?.tokenKind).toBe("bot");
  });

  it("threads replies under the parent, and a reply to a reply joins the same thread", async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: "parent" });
    const reply = await client.chat.postMessage({ channel: CHANNEL, text: "r1", thread_ts: parent.ts ?? "" });
    await client.chat.postMessage({ channel: CHANNEL, text: "r2", thread_ts: reply.ts ?? "" });
    expect(reply.message).toMatchObject({ thread_ts: parent.ts, parent_user_id: "U0PTBOT00" });
    expect(emulator.thread(CHANNEL, parent.ts ?? "").map((m) => m.text)).toEqual(["parent", "r1", "r2"]);
    expect(emulator.channelMessages(CHANNEL).map((m) => m.text)).not.toContain("r1");
  });

  it("chat.update replaces text and keeps blocks when none are sent, recording the edit history", async () => {
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: "v1", blocks: cardBlocks(["a"]) });
    const ts = posted.ts ?? "";
    const updated = await client.chat.update({ channel: CHANNEL, ts, text: "v2" });
    expect(updated).toMatchObject({ ok: true, channel: CHANNEL, ts, text: "v2", message: { text: "v2" } });
    await client.chat.update({ channel: CHANNEL, ts, text: "v3", blocks: [] });
    const stored = emulator.message(CHANNEL, ts);
    expect(stored?.text).toBe("v3");
    expect(stored?.blocks).toEqual([]);
    expect(stored?.edits.map((e) => [e.text, e.blocks.length])).toEqual([
      ["v1", 2],
      ["v2", 2],
    ]);
  });

  it("chat.postEphemeral answers message_ts and is visible to one user", async () => {
    const result = await client.chat.postEphemeral({ channel: CHANNEL, user: ADA, text: "only you" });
    expect(result.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(emulator.ephemerals({ user: ADA }).map((e) => e.text)).toContain("only you");
    expect(emulator.ephemerals({ user: LINUS }).map((e) => e.text)).not.toContain("only you");
    expect(await errorOf(client.chat.postEphemeral({ channel: CHANNEL, user: "U0NOBODY", text: "x" }))).toBe(
      "user_not_in_channel",
    );
  });

  it("chat.getPermalink builds Slack's archive link (with thread_ts for replies)", async () => {
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: "p" });
    const reply = await client.chat.postMessage({ channel: CHANNEL, text: "r", thread_ts: parent.ts ?? "" });
    const link = await client.chat.getPermalink({ channel: CHANNEL, message_ts: parent.ts ?? "" });
    expect(link).toMatchObject({
      ok: true,
      channel: CHANNEL,
      permalink: `https://ptbot-sandbox.slack.com/archives/${CHANNEL}/p${(parent.ts ?? "").replace(".", "")}`,
    });
    const replyLink = await client.chat.getPermalink({ channel: CHANNEL, message_ts: reply.ts ?? "" });
    expect(replyLink.permalink).toContain(`?thread_ts=${parent.ts}&cid=${CHANNEL}`);
    expect(await errorOf(client.chat.getPermalink({ channel: CHANNEL, message_ts: "1.000000" }))).toBe(
      "message_not_found",
    );
  });

  it("records blocks without a text fallback as a warning, and accepts them", async () => {
    const before = emulator.missingTextFallback.length;
    await client.chat.postMessage({ channel: CHANNEL, blocks: cardBlocks(["x"]) });
    expect(emulator.missingTextFallback.slice(before)).toEqual([
      expect.objectContaining({
        kind: "missing_text_fallback",
        method: "chat.postMessage",
        channel: CHANNEL,
      }),
    ]);
  });

  it("posts to a user id into the bot's DM with that user", async () => {
    const result = await client.chat.postMessage({ channel: GRACE, text: "psst" });
    expect(result.channel).toBe("D0APPROVER");
    expect(emulator.channelMessages("D0APPROVER").map((m) => m.text)).toEqual(["psst"]);
  });
});

describe("faithful errors", () => {
  it("a wrong token is invalid_auth; a missing one is not_authed (HTTP 200 both)", async () => {
    expect(await errorOf(webClient(emulator, "xoxb-wrong").auth.test())).toBe("invalid_auth");
    const raw = await fetch(`${emulator.apiUrl}auth.test`, { method: "POST" });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ ok: false, error: "not_authed" });
  });

  it("the app token works only for apps.connections.open, and the bot token not there", async () => {
    expect(
      await errorOf(webClient(emulator, APP_TOKEN).chat.postMessage({ channel: CHANNEL, text: "x" })),
    ).toBe("not_allowed_token_type");
    expect(await errorOf(client.apps.connections.open())).toBe("not_allowed_token_type");
    const opened = await webClient(emulator, APP_TOKEN).apps.connections.open();
    expect(opened.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/socket\?ticket=/);
  });

  it("not_in_channel, channel_not_found, no_text, invalid_arguments, cant_update_message, unknown_method", async () => {
    expect(await errorOf(client.chat.postMessage({ channel: "C0NOBOT", text: "x" }))).toBe("not_in_channel");
    expect(await errorOf(client.chat.postMessage({ channel: "C0MISSING", text: "x" }))).toBe(
      "channel_not_found",
    );
    expect(await errorOf(client.chat.postMessage({ channel: "G0SECRET", text: "x" }))).toBe(
      "channel_not_found",
    );
    expect(await errorOf(client.chat.postMessage({ channel: CHANNEL, text: "" }))).toBe("no_text");
    expect(await errorOf(client.apiCall("chat.postMessage", { text: "no channel" }))).toBe(
      "invalid_arguments",
    );
    const human = emulator.postUserMessage({ user: ADA, channel: CHANNEL, text: "mine" });
    expect(await errorOf(client.chat.update({ channel: CHANNEL, ts: human.ts, text: "x" }))).toBe(
      "cant_update_message",
    );
    expect(await errorOf(client.apiCall("chat.postMessagee", {}))).toBe("unknown_method");
  });

  it("invalid_blocks comes with Slack's [ERROR] lines and json pointers", async () => {
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } }];
    const error = await client.chat
      .postMessage({ channel: CHANNEL, text: "t", blocks })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { data: unknown }).data).toMatchObject({
      ok: false,
      error: "invalid_blocks",
      response_metadata: {
        messages: ["[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"],
      },
    });
    const tooMany = Array.from({ length: 51 }, () => ({ type: "divider" }));
    expect(await errorOf(client.chat.postMessage({ channel: CHANNEL, text: "t", blocks: tooMany }))).toBe(
      "invalid_blocks",
    );
  });

  it("accepts JSON bodies with a bearer token, and refuses a token inside a JSON body", async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${emulator.apiUrl}chat.postMessage`, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", ...headers },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const ok = await post(
      { authorization: `Bearer ${BOT_TOKEN}` },
      { channel: CHANNEL, text: "json", blocks: [] },
    );
    expect(ok).toMatchObject({ ok: true, channel: CHANNEL });
    expect(await post({}, { token: BOT_TOKEN, channel: CHANNEL, text: "json" })).toEqual({
      ok: false,
      error: "not_authed",
    });
  });
});

describe("rate limiting", () => {
  it("answers 429 ratelimited with Retry-After, which WebClient reads", async () => {
    emulator.rateLimit("chat.update", { times: 1, retryAfterSeconds: 30 });
    const raw = await fetch(`${emulator.apiUrl}chat.update`, {
      method: "POST",
      headers: { authorization: `Bearer ${BOT_TOKEN}` },
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get("retry-after")).toBe("30");
    expect(await raw.json()).toEqual({ ok: false, error: "ratelimited" });

    emulator.rateLimit("chat.postMessage", { times: 1, retryAfterSeconds: 7 });
    const strict = webClient(emulator, BOT_TOKEN, { rejectRateLimitedCalls: true });
    const error = await strict.chat.postMessage({ channel: CHANNEL, text: "x" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 7 });
  });

  it("WebClient retries after the wait and succeeds", async () => {
    emulator.rateLimit("chat.postMessage", { times: 2, retryAfterSeconds: 0 });
    const retrying = webClient(emulator, BOT_TOKEN, {
      retryConfig: { retries: 3, minTimeout: 1, maxTimeout: 1 },
    });
    const waits: number[] = [];
    retrying.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    const result = await retrying.chat.postMessage({ channel: CHANNEL, text: "after the storm" });
    expect(result.ok).toBe(true);
    expect(waits).toEqual([0, 0]);
    const statuses = emulator
      .calls("chat.postMessage")
      .slice(-3)
      .map((c) => c.status);
    expect(statuses).toEqual([429, 429, 200]);
  });

  it("stallNext lets the call take effect and holds its answer back", async () => {
    emulator.stallNext("chat.postMessage", { ms: 1500 });
    const since = emulator.lastSeq;
    const started = performance.now();
    const posting = client.chat.postMessage({ channel: CHANNEL, text: "stored before the answer" });
    const stored = await emulator.waitForMessage((m) => m.text === "stored before the answer", {
      since,
      timeoutMs: 1500,
    });
    expect(performance.now() - started).toBeLessThan(1500);
    const result = await posting;
    expect(performance.now() - started).toBeGreaterThanOrEqual(1490);
    expect(result).toMatchObject({ ok: true, ts: stored.ts });
    // Once only.
    expect((await client.chat.postMessage({ channel: CHANNEL, text: "at once" })).ok).toBe(true);
  });

  it("failNext scripts an error answer", async () => {
    emulator.failNext("users.info", { error: "internal_error" });
    expect(await errorOf(client.users.info({ user: ADA }))).toBe("internal_error");
    expect((await client.users.info({ user: ADA })).ok).toBe(true);
  });
});
