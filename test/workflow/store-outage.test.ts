import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/store/store-unavailable.js";
import { StoreOutage } from "../../src/workflow/store-outage.js";
import { ManualClock } from "../fakes/manual-clock.js";
import { memoryLogger } from "../fakes/memory-logger.js";

describe("StoreOutage", () => {
  it("logs an outage once however many calls fail in it, and its end once, with how long it lasted", () => {
    const clock = new ManualClock();
    const { logger, lines } = memoryLogger("info");
    const outage = new StoreOutage({ logger, clock });
    outage.answered();
    expect(lines).toEqual([]);

    for (let i = 0; i < 50; i++) {
      expect(outage.failed(new StoreUnavailableError(), i % 2 === 0 ? "tracker" : "dispatcher")).toBe(true);
      clock.advance(100);
    }
    expect(outage.on).toBe(true);
    outage.answered();
    outage.answered();
    expect(outage.on).toBe(false);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, "database unreachable, work waits until it is back"],
      [30, "database reachable again"],
    ]);
    expect(lines[0]).toMatchObject({ worker: "tracker" });
    expect(lines[1]).toMatchObject({ downMs: 5_000, failures: 50 });
  });

  it("leaves any other error to its caller", () => {
    const { logger, lines } = memoryLogger("info");
    const outage = new StoreOutage({ logger, clock: new ManualClock() });
    expect(outage.failed(new Error("a bug"), "tracker")).toBe(false);
    expect(outage.on).toBe(false);
    expect(lines).toEqual([]);
  });
});
