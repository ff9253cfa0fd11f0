/**
 * ptbot's core (store, client, and `createCore`'s workflow, tracker, dispatcher) against the Databricks emulator on
 * one manual clock, for fault injection. The client's retry waits take no real time: they move a private retry clock that runs
 * ahead of the shared one, so the client's five-minute retry budget is spent in simulated time without pushing the
 * world's clock (and the emulator's provisioning) around.
 */
import { setImmediate as yieldOnce } from "node:timers/promises";
import { type DatabricksEmulator, startDatabricksEmulator } from "../../emulators/databricks/index.js";
import { createDatabricksClient, createPatCredentials } from "../../src/databricks/index.js";
import { approvalPolicy } from "../../src/domain/index.js";
import type { Logger } from "../../src/logger.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { createTestCore, type TestCore } from "../fakes/core.js";
import { ManualClock } from "../fakes/manual-clock.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { RecordingNotifier } from "../fakes/recording-notifier.js";
import type { Expected } from "./assert-nothing-lost.js";

export const REQUESTER = "U0REQUESTER";
export const APPROVER = "U0APPROVER";
export const CHANNEL = "C0MLDEPLOY";
export const LLAMA = "ml.llm-catalog.llama-13b";
export const POLL_MS = 15_000;
export const PROVISIONING_MS = 5 * 60_000;

export interface CoreWorld extends TestCore {
  readonly clock: ManualClock;
  readonly emu: DatabricksEmulator;
  readonly store: SqliteStore;
  readonly notifier: RecordingNotifier;
  readonly logs: Record<string, unknown>[];
  readonly logger: Logger;
  /** Every retry wait the client asked for, in ms. */
  readonly waits: number[];
  /** Opens `n` requests for distinct endpoints (`prefix-0` …), attaches a card to each, and approves them. */
  openAndApprove(n: number, prefix?: string): Promise<Expected[]>;
  /** Steps until no request is in flight and the outbox is empty (at most `maxSteps`). */
  settle(maxSteps?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCoreWorld(options: { readonly timeoutMs?: number } = {}): Promise<CoreWorld> {
  const clock = new ManualClock();
  const emu = await startDatabricksEmulator({
    port: 0,
    now: () => clock.now(),
    provisioningMs: PROVISIONING_MS,
  });
  const { logger, lines } = memoryLogger("info");
  const waits: number[] = [];
  let retryClockAhead = 0;
  const databricks = createDatabricksClient({
    host: emu.url,
    credentials: createPatCredentials(emu.token),
    logger,
    timeoutMs: options.timeoutMs ?? 2_000,
    now: () => clock.now() + retryClockAhead,
    sleep: async (ms) => {
      waits.push(ms);
      retryClockAhead += ms;
      await yieldOnce();
    },
    random: () => 0.5,
  });
  const store = await SqliteStore.open(":memory:", { now: () => clock.now() });
  const policy = approvalPolicy({ approverUsers: [APPROVER], approverGroups: [] });
  const notifier = new RecordingNotifier();
  let ids = 0;
  const core = createTestCore({
    store,
    databricks,
    notifier,
    clock,
    policy,
    logger,
    owner: "chaos",
    pollIntervalMs: POLL_MS,
    newId: () => `req-${++ids}`,
  });
  const { workflow, dispatcher, step } = core;
  return {
    ...core,
    clock,
    emu,
    store,
    notifier,
    logs: lines,
    logger,
    waits,
    async openAndApprove(n, prefix = "chaos") {
      const out: Expected[] = [];
      for (let i = 0; i < n; i++) {
        const endpointName = `${prefix}-${i}`;
        const applied = await workflow.request({
          ask: { model: LLAMA, version: 3, endpointName },
          requester: { id: REQUESTER },
          channelId: CHANNEL,
        });
        if (!applied.ok) throw new Error(`request refused: ${applied.rejection.message}`);
        await workflow.attachCard(applied.request.id, { channelId: CHANNEL, ts: `1700000000.${1000 + ids}` });
        const approved = await workflow.approve(applied.request.id, APPROVER);
        if (!approved.ok) throw new Error(`approval refused: ${approved.rejection.message}`);
        out.push({ id: applied.request.id, endpointName, state: "ready" });
      }
      await dispatcher.drain();
      return out;
    },
    async settle(maxSteps = 100) {
      for (let i = 0; i < maxSteps; i++) {
        const counts = await store.countByState();
        const inFlight = (counts.approved ?? 0) + (counts.creating ?? 0) + (counts.provisioning ?? 0);
        if (inFlight === 0) {
          await dispatcher.drain();
          return;
        }
        await step();
      }
      throw new Error(
        `still in flight after ${maxSteps} steps: ${JSON.stringify(await store.countByState())}`,
      );
    },
    async close() {
      await store.close();
      await emu.close();
    },
  };
}
