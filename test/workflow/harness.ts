import { type DatabricksEmulator, startDatabricksEmulator } from "../../emulators/databricks/index.js";
import { createDatabricksClient, createPatCredentials } from "../../src/databricks/index.js";
import { type ApprovalPolicy, approvalPolicy } from "../../src/domain/index.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { createTestCore, type TestCore } from "../fakes/core.js";
import { ManualClock } from "../fakes/manual-clock.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { RecordingNotifier } from "../fakes/recording-notifier.js";
import { staticDirectory } from "../fakes/static-directory.js";

export const REQUESTER = "U0REQUESTER";
export const APPROVER = "U0APPROVER";
export const CHANNEL = "C0MLDEPLOY";
export const LLAMA = "ml.llm-catalog.llama-13b";
export const POLL_MS = 1000;
export const PROVISIONING_MS = 60_000;

/** One ptbot "process": workflow, tracker and dispatcher on a store, against a shared emulator and clock. */
export interface Process extends TestCore {
  readonly store: SqliteStore;
  readonly notifier: RecordingNotifier;
  close(): Promise<void>;
}

export interface World {
  readonly clock: ManualClock;
  readonly emu: DatabricksEmulator;
  readonly policy: ApprovalPolicy;
  start(dbPath?: string, owner?: string): Promise<Process>;
  /** Moves time on, then lets the tracker and the dispatcher of `p` do one round each. */
  step(p: Process, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function createWorld(policy: Partial<ApprovalPolicy> = {}): Promise<World> {
  const clock = new ManualClock();
  const emu = await startDatabricksEmulator({
    port: 0,
    now: () => clock.now(),
    provisioningMs: PROVISIONING_MS,
  });
  const fullPolicy = approvalPolicy({
    approverUsers: [APPROVER],
    approverGroups: ["S0MLAPPROVE"],
    ...policy,
  });
  const processes: Process[] = [];
  let ids = 0;
  return {
    clock,
    emu,
    policy: fullPolicy,
    async start(dbPath = ":memory:", owner = "test-replica") {
      const { logger } = memoryLogger("silent");
      const databricks = createDatabricksClient({
        host: emu.url,
        credentials: createPatCredentials(emu.token),
      });
      const store = await SqliteStore.open(dbPath, { now: () => clock.now() });
      const notifier = new RecordingNotifier();
      const core = createTestCore({
        store,
        databricks,
        notifier,
        clock,
        policy: fullPolicy,
        logger,
        owner,
        pollIntervalMs: POLL_MS,
        provisioningLimitMs: 30 * 60_000,
        directory: staticDirectory({ S0MLAPPROVE: ["U0GROUPMEMBER"] }),
        newId: () => `req-${owner}-${++ids}`,
      });
      const p: Process = { ...core, store, notifier, close: () => store.close() };
      processes.push(p);
      return p;
    },
    step: (p, ms = POLL_MS) => p.step(ms),
    async close() {
      for (const p of processes) await p.close();
      await emu.close();
    },
  };
}
