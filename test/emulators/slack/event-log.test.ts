import { describe, expect, it } from "vitest";
import { SlackEmulatorError } from "../../../emulators/slack/errors.js";
import { EventLog } from "../../../emulators/slack/event-log.js";
import type { StoredMessage } from "../../../emulators/slack/types.js";

function message(text: string): StoredMessage {
  return {
    channel: "C1",
    ts: "1700000000.000001",
    threadTs: undefined,
    user: "U1",
    botId: undefined,
    text,
    blocks: [],
    edits: [],
    deleted: false,
  };
}

describe("EventLog.waitFor", () => {
  it("resolves with an event recorded before the call", async () => {
    const log = new EventLog();
    log.record({ type: "message_posted", message: message("early") });
    const event = await log.waitFor((e) => e.type === "message_posted", { timeoutMs: 50 });
    expect(event.seq).toBe(1);
  });

  it("resolves when a matching event is recorded later, ignoring others", async () => {
    const log = new EventLog();
    const waiting = log.waitFor((e) => e.type === "message_posted" && e.message.text === "second", {
      timeoutMs: 1000,
    });
    log.record({ type: "message_posted", message: message("first") });
    log.record({ type: "message_posted", message: message("second") });
    await expect(waiting).resolves.toMatchObject({ seq: 2 });
  });

  it("honours `since`: older matches do not count", async () => {
    const log = new EventLog();
    log.record({ type: "message_posted", message: message("old") });
    const since = log.lastSeq;
    const waiting = log.waitFor((e) => e.type === "message_posted", { since, timeoutMs: 1000 });
    log.record({ type: "message_posted", message: message("new") });
    const event = await waiting;
    expect(event.type === "message_posted" && event.message.text).toBe("new");
  });

  it("rejects on timeout with a description of what was seen", async () => {
    const log = new EventLog();
    log.record({ type: "message_posted", message: message("the card") });
    const error = await log
      .waitFor((e) => e.type === "view_opened", { timeoutMs: 20, description: "the modal" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackEmulatorError);
    expect((error as SlackEmulatorError).code).toBe("wait_timeout");
    expect((error as Error).message).toContain("the modal");
    expect((error as Error).message).toContain('message_posted C1 ts=1700000000.000001 by U1 "the card"');
  });

  it("stops notifying after unsubscribe", () => {
    const log = new EventLog();
    const seen: number[] = [];
    const unsubscribe = log.subscribe((e) => seen.push(e.seq));
    log.record({ type: "message_posted", message: message("a") });
    unsubscribe();
    log.record({ type: "message_posted", message: message("b") });
    expect(seen).toEqual([1]);
  });
});
