/**
 * ptbot's core (`createCore`, the one wiring `src/main.ts` uses) with a test's defaults, for the harnesses that drive
 * it by hand: the workflow tests, the chaos cases and the benchmarks. The workers are not started: `step` is one
 * poll done by hand. The caller keeps its own store, clock, client and notifier.
 */
import { type Core, type CoreOptions, createCore } from "../../src/core/create-core.js";
import type { ManualClock } from "./manual-clock.js";

export interface TestCoreOptions
  extends Omit<CoreOptions, "clock" | "directory" | "newId" | "provisioningLimitMs"> {
  readonly clock: ManualClock;
  /** Default one day: a "stuck" notice would be an extra message most harnesses do not expect. */
  readonly provisioningLimitMs?: number;
  /** Default: nobody is in any group. */
  readonly directory?: CoreOptions["directory"];
  /** Default `req-<owner>-<n>`, counting from 1 for this core; harnesses that restart on one database pass theirs. */
  readonly newId?: () => string;
}

export interface TestCore extends Core {
  /** One poll by hand: time moves on by `ms` (default the poll interval), the tracker ticks, the outbox drains. */
  step(ms?: number): Promise<void>;
}

export function createTestCore(o: TestCoreOptions): TestCore {
  let ids = 0;
  const core = createCore({
    ...o,
    directory: o.directory ?? { groupsOf: async () => [] },
    newId: o.newId ?? (() => `req-${o.owner}-${++ids}`),
    provisioningLimitMs: o.provisioningLimitMs ?? 24 * 3_600_000,
  });
  return {
    ...core,
    async step(ms = o.pollIntervalMs) {
      o.clock.advance(ms);
      await core.tracker.tick();
      await core.dispatcher.drain();
    },
  };
}
