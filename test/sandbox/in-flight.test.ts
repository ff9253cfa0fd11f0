import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type InFlight, openInFlightProbe, waitUntilIdle } from "../../sandbox/in-flight.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { requestIn, T0 } from "../domain/fixtures.js";

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe("openInFlightProbe", () => {
  it("counts requests the bot moves by itself and notices not yet delivered, beside the store's own connection", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "ptbot-probe-")), "ptbot.db");
    const store = await SqliteStore.open(path);
    closers.push(() => store.close());
    const probe = openInFlightProbe(path);
    closers.push(() => probe.close());
    expect(probe.read()).toEqual({ requests: 0, notices: 0 });

    const audit = { actor: "U_REQ", action: "opened", at: T0 };
    // Each on its own endpoint: a store holds a name for one live request at a time.
    for (const state of ["resolving", "approved", "creating", "provisioning"] as const) {
      await store.insert(requestIn(state, { id: `moving-${state}`, endpointName: `ep-${state}` }), audit);
    }
    for (const state of ["awaiting_approval", "ready", "failed", "rejected"] as const) {
      await store.insert(
        requestIn(state, { id: `still-${state}`, endpointName: `ep-still-${state}` }),
        audit,
      );
    }
    await store.insert(requestIn("ready", { id: "noisy" }), audit, [
      { type: "card_changed" },
      { type: "card_changed" },
    ]);
    expect(probe.read()).toEqual({ requests: 4, notices: 2 });

    const [item] = await store.claimNotices({ owner: "t", now: T0, leaseMs: 60_000, limit: 10 });
    if (item === undefined) throw new Error("expected a notice to claim");
    await store.completeNotice(item.id, "t");
    expect(probe.read()).toEqual({ requests: 4, notices: 1 });
  });
});

describe("waitUntilIdle", () => {
  /** A probe that reports the given readings in turn (the last one forever), and a clock its sleeps move. */
  function scripted(readings: InFlight[]) {
    let now = 0;
    let i = 0;
    return {
      probe: { read: () => readings[Math.min(i++, readings.length - 1)] ?? { requests: 0, notices: 0 } },
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    };
  }

  it("returns once neither requests nor notices are in flight", async () => {
    const s = scripted([
      { requests: 1, notices: 0 },
      { requests: 0, notices: 2 },
      { requests: 0, notices: 0 },
    ]);
    const result = await waitUntilIdle({ ...s, timeoutMs: 10_000, pollMs: 200 });
    expect(result).toEqual({ idle: true, last: { requests: 0, notices: 0 } });
    expect(s.now()).toBe(400);
  });

  it("gives up after the timeout, saying what was still moving", async () => {
    const s = scripted([{ requests: 1, notices: 1 }]);
    const result = await waitUntilIdle({ ...s, timeoutMs: 1000, pollMs: 300 });
    expect(result).toEqual({ idle: false, last: { requests: 1, notices: 1 } });
    expect(s.now()).toBe(1200);
  });
});
