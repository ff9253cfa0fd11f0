import { describe, expect, it } from "vitest";
import type { WorkSignal } from "../../src/workflow/apply-event.js";
import { WakeupBus } from "../../src/workflow/wakeups.js";

const CREATE: WorkSignal = { create: true, notices: false };

describe("WakeupBus", () => {
  it("carries a member's announcement to the others, not back to itself, and not to one that left", async () => {
    const bus = new WakeupBus();
    const [a, b, c] = [bus.join(), bus.join(), bus.join()];
    const heard = { a: [] as WorkSignal[], b: [] as WorkSignal[], c: [] as WorkSignal[] };
    a.subscribe((w) => heard.a.push(w));
    b.subscribe((w) => heard.b.push(w));
    const unsubscribeC = c.subscribe((w) => heard.c.push(w));
    await a.announce(CREATE);
    expect(heard).toEqual({ a: [], b: [CREATE], c: [CREATE] });
    unsubscribeC();
    await b.close();
    await a.announce(CREATE);
    expect(heard).toEqual({ a: [], b: [CREATE], c: [CREATE] });
  });
});
