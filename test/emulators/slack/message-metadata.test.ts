/**
 * Message metadata as Slack keeps it: `chat.postMessage` takes `metadata` as a JSON object and checks its shape;
 * `conversations.replies` and `conversations.history` return it only with `include_all_metadata`, page with
 * `cursor`, and need the bot's `*:history` scope for the conversation's kind.
 */
import type { webApi } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import type { SlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import { CHANNEL, startTestEmulator, webClient } from "./fixtures.js";

let emulator: SlackEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function errorOf(call: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error && "data" in error) return error.data as Record<string, unknown>;
    throw error;
  }
  throw new Error("the call succeeded");
}

const metadata = { event_type: "ptbot_notice", event_payload: { outbox_id: 7, request_id: "r-1" } };

async function withThread(client: webApi.WebClient, replies: number): Promise<string> {
  const parent = await client.chat.postMessage({ channel: CHANNEL, text: "card" });
  for (let i = 0; i < replies; i++) {
    await client.chat.postMessage({
      channel: CHANNEL,
      thread_ts: parent.ts ?? "",
      text: `reply ${i}`,
      metadata: { event_type: "ptbot_notice", event_payload: { outbox_id: i } },
    });
  }
  return parent.ts ?? "";
}

describe("message metadata", () => {
  it("stores it, answers it from chat.postMessage, and returns it from reads only with include_all_metadata", async () => {
    emulator = await startTestEmulator();
    const client = webClient(emulator);
    const parent = await client.chat.postMessage({ channel: CHANNEL, text: "card" });
    const posted = await client.chat.postMessage({
      channel: CHANNEL,
      thread_ts: parent.ts ?? "",
      text: "reply",
      metadata,
    });
    expect(posted.message?.metadata).toEqual(metadata);
    expect(emulator.message(CHANNEL, posted.ts ?? "")?.metadata).toEqual(metadata);

    const plain = await client.conversations.replies({ channel: CHANNEL, ts: parent.ts ?? "" });
    expect(plain.messages?.map((m) => m.metadata)).toEqual([undefined, undefined]);
    const full = await client.conversations.replies({
      channel: CHANNEL,
      ts: parent.ts ?? "",
      include_all_metadata: true,
    });
    expect(full.messages?.map((m) => [m.text, m.metadata])).toEqual([
      ["card", undefined],
      ["reply", metadata],
    ]);
    const history = await client.conversations.history({ channel: CHANNEL, include_all_metadata: true });
    expect(history.messages?.map((m) => m.text)).toEqual(["card"]);
  });

  it("refuses a malformed metadata argument as Slack does", async () => {
    emulator = await startTestEmulator();
    const client = webClient(emulator);
    const post = (m: unknown) =>
      errorOf(client.apiCall("chat.postMessage", { channel: CHANNEL, text: "x", metadata: m }));
    expect((await post("{not json")).error).toBe("invalid_metadata_format");
    expect((await post({ event_payload: {} })).error).toBe("invalid_metadata_format");
    expect((await post({ event_type: "x", event_payload: "id=1" })).error).toBe("invalid_metadata_format");
    expect((await post({ event_type: "x", event_payload: { deep: { a: { b: 1 } } } })).error).toBe(
      "invalid_metadata_schema",
    );
    expect(emulator.channelMessages(CHANNEL)).toEqual([]);
  });

  it("pages a thread with cursor and limit", async () => {
    emulator = await startTestEmulator();
    const client = webClient(emulator);
    const ts = await withThread(client, 5);
    const seen: unknown[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.conversations.replies({
        channel: CHANNEL,
        ts,
        limit: 2,
        include_all_metadata: true,
        ...(cursor === undefined ? {} : { cursor }),
      });
      pages++;
      seen.push(
        ...(page.messages ?? []).map(
          (m) => (m.metadata?.event_payload as { outbox_id?: number } | undefined)?.outbox_id ?? "parent",
        ),
      );
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(["parent", 0, 1, 2, 3, 4]);
    expect((await errorOf(client.conversations.replies({ channel: CHANNEL, ts: "1.000001" }))).error).toBe(
      "thread_not_found",
    );
  });

  it("needs the *:history scope of the conversation's kind (missing_scope names it), and membership", async () => {
    emulator = await startTestEmulator({ scopes: ["chat:write", "commands"] });
    const client = webClient(emulator);
    const ts = await withThread(client, 1);
    expect(await errorOf(client.conversations.replies({ channel: CHANNEL, ts }))).toMatchObject({
      error: "missing_scope",
      needed: "channels:history",
      provided: "chat:write,commands",
    });
    await emulator.close();
    emulator = await startTestEmulator({ scopes: ["chat:write", "channels:history"] });
    const scoped = webClient(emulator);
    expect((await errorOf(scoped.conversations.history({ channel: "C0NOBOT" }))).error).toBe(
      "not_in_channel",
    );
    expect((await errorOf(scoped.conversations.history({ channel: "U0REQUESTER" }))).needed).toBe(
      "im:history",
    );
  });
});
