/**
 * ptbot's core (store, Databricks client, workflow, tracker, notice dispatcher) against the Databricks emulator,
 * with one manual clock shared by all of them, built by `createCore` as `src/main.ts` builds it, minus Slack. For the scenarios that count
 * calls in simulated time: minutes of provisioning take no real time.
 */

import { type DatabricksEmulator, startDatabricksEmulator } from "../emulators/databricks/index.js";
import { createDatabricksClient, createPatCredentials } from "../src/databricks/index.js";
import type { DeployRequest, Notice } from "../src/domain/index.js";
import { approvalPolicy } from "../src/domain/index.js";
import { createLogger } from "../src/logger.js";
import { SqliteStore } from "../src/store/sqlite-store.js";
import type { Clock, Notifier } from "../src/workflow/ports.js";
import { createTestCore, type TestCore } from "../test/fakes/core.js";
import { ManualClock } from "../test/fakes/manual-clock.js";

export const REQUESTER = "U0REQUESTER";
export const APPROVER = "U0APPROVER";
export const CHANNEL = "C0MLDEPLOY";
export const LLAMA = "ml.llm-catalog.llama-13b";

/** A notice as delivered, with the (manual) time of delivery. */
export interface TimedNotice {
  readonly requestId: string;
  readonly type: Notice["type"];
  readonly at: number;
}

/** Records every delivery with the clock's time: the READY lag is measured from it. */
export class TimingNotifier implements Notifier {
  readonly delivered: TimedNotice[] = [];
  constructor(private readonly clock: Clock) {}
  async deliver(request: DeployRequest, notice: Notice): Promise<void> {
    this.delivered.push({ requestId: request.id, type: notice.type, at: this.clock.now() });
  }
}

export interface CoreWorld extends TestCore {
  readonly clock: ManualClock;
  readonly emu: DatabricksEmulator;
  readonly notifier: TimingNotifier;
  readonly store: SqliteStore;
  close(): Promise<void>;
}

export async function startCoreWorld(options: {
  readonly pollIntervalMs: number;
  readonly provisioningMs: number;
}): Promise<CoreWorld> {
  const clock = new ManualClock();
  const emu = await startDatabricksEmulator({
    port: 0,
    now: () => clock.now(),
    provisioningMs: options.provisioningMs,
  });
  const logger = createLogger({ level: "silent" });
  const databricks = createDatabricksClient({ host: emu.url, credentials: createPatCredentials(emu.token) });
  const store = await SqliteStore.open(":memory:", { now: () => clock.now() });
  const policy = approvalPolicy({ approverUsers: [APPROVER], approverGroups: [] });
  const notifier = new TimingNotifier(clock);
  const core = createTestCore({
    store,
    databricks,
    notifier,
    clock,
    policy,
    logger,
    owner: "bench",
    pollIntervalMs: options.pollIntervalMs,
  });
  return {
    ...core,
    clock,
    emu,
    notifier,
    store,
    async close() {
      await store.close();
      await emu.close();
    },
  };
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
