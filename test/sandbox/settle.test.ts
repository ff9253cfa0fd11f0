import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SlackEmulatorEvent } from "../../emulators/slack/index.js";
import { settle } from "../../sandbox/settle.js";

/** A hand-written event source: what `SlackEmulator` offers, minus everything else. */
function source() {
  const events: SlackEmulatorEvent[] = [];
  const listeners = new Set<(e: SlackEmulatorEvent) => void>();
  return {
    events: (since = 0) => events.slice(since),
    subscribe(listener: (e: SlackEmulatorEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(type: "api_call" | "view_opened") {
      const event = { type, seq: events.length + 1 } as unknown as SlackEmulatorEvent;
      events.push(event);
      for (const l of listeners) l(event);
    },
    get listeners() {
      return listeners.size;
    },
  };
}

describe("settle", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("resolves once no event has come for quietMs, each event restarting the wait", async () => {
    const s = source();
    let done = false;
    const settled = settle(s, { since: 0, quietMs: 100, maxMs: 1000 }).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(90);
    s.emit("api_call");
    await vi.advanceTimersByTimeAsync(90);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    await settled;
    expect(done).toBe(true);
    expect(s.listeners).toBe(0);
  });

  it("gives up waiting for quiet after maxMs", async () => {
    const s = source();
    let done = false;
    void settle(s, { since: 0, quietMs: 100, maxMs: 250 }).then(() => {
      done = true;
    });
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(60);
      s.emit("api_call");
    }
    await vi.advanceTimersByTimeAsync(15);
    expect(done).toBe(true);
  });

  it("resolves at once on an `until` event, past (after since) or to come", async () => {
    const s = source();
    const isView = (e: SlackEmulatorEvent) => e.type === "view_opened";
    s.emit("view_opened");
    await settle(s, { since: 0, quietMs: 10_000, maxMs: 10_000, until: isView });
    let done = false;
    void settle(s, { since: 1, quietMs: 10_000, maxMs: 10_000, until: isView }).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(false);
    s.emit("view_opened");
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });
});
