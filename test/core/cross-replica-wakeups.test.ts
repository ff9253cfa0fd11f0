/**
 * Wake-ups cross replicas (issue 11): replica A answers the approval while its tracker is not running, and replica
 * B's tracker, whose own loop runs once a minute so that only a wake-up can explain it, starts the create within a
 * second. Both cores share one SQLite file as their store (two `SqliteStore` instances, as two replicas would) and
 * hear each other through PostgreSQL LISTEN/NOTIFY on a test database, or through the in-process bus.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type DatabricksEmulator, startDatabricksEmulator } from "../../emulators/databricks/index.js";
import { type Core, createCore } from "../../src/core/create-core.js";
import { createDatabricksClient, createPatCredentials } from "../../src/databricks/index.js";
import { approvalPolicy } from "../../src/domain/index.js";
import { PostgresWakeups } from "../../src/store/postgres-wakeups.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { WakeupBus, type Wakeups } from "../../src/workflow/wakeups.js";
import { waitUntil } from "../chaos/wait-until.js";
import { ManualClock } from "../fakes/manual-clock.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { RecordingNotifier } from "../fakes/recording-notifier.js";
import { createTestDatabase, type TestDatabase } from "../postgres/database.js";

const REQUESTER = "U0REQUESTER";
const APPROVER = "U0APPROVER";
const CHANNEL = "C0MLDEPLOY";
const LLAMA = "ml.llm-catalog.llama-13b";
const CREATE_PATH = "/api/2.0/serving-endpoints";
const MINUTE = 60_000;

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

interface Replica {
  readonly core: Core;
  readonly store: SqliteStore;
  readonly notifier: RecordingNotifier;
}

async function twoReplicas(wakeupsOf: (name: string) => Promise<Wakeups>) {
  const clock = new ManualClock();
  const emu: DatabricksEmulator = await startDatabricksEmulator({
    port: 0,
    now: () => clock.now(),
    provisioningMs: 10 * MINUTE,
  });
  cleanups.push(() => emu.close());
  const file = join(mkdtempSync(join(tmpdir(), "ptbot-")), "ptbot.db");
  const replica = async (name: string): Promise<Replica> => {
    const store = await SqliteStore.open(file, { now: () => clock.now() });
    const wakeups = await wakeupsOf(name);
    const notifier = new RecordingNotifier();
    let ids = 0;
    const core = createCore({
      store,
      databricks: createDatabricksClient({ host: emu.url, credentials: createPatCredentials(emu.token) }),
      directory: { groupsOf: async () => [] },
      notifier,
      clock,
      policy: approvalPolicy({ approverUsers: [APPROVER], approverGroups: [] }),
      logger: memoryLogger("silent").logger,
      owner: `replica-${name}`,
      newId: () => `req-${name}-${++ids}`,
      pollIntervalMs: MINUTE,
      provisioningLimitMs: 24 * 60 * MINUTE,
      noticeIntervalMs: MINUTE,
      wakeups,
    });
    cleanups.push(async () => {
      await core.stop();
      await wakeups.close();
      await store.close();
    });
    return { core, store, notifier };
  };
  return { emu, a: await replica("a"), b: await replica("b") };
}

async function approvalAnsweredByA(
  a: Replica,
  b: Replica,
  emu: DatabricksEmulator,
): Promise<{ id: string; ms: number }> {
  const applied = await a.core.workflow.request({
    ask: { model: LLAMA, version: 3 },
    requester: { id: REQUESTER },
    channelId: CHANNEL,
  });
  if (!applied.ok) throw new Error(`request refused: ${applied.rejection.message}`);
  const id = applied.request.id;
  await a.core.workflow.attachCard(id, { channelId: CHANNEL, ts: "1700000000.0001" });
  // B delivers A's notices too: it heard that A's write left some.
  await waitUntil(() => b.notifier.thread(id).includes("approval_needed"), {
    timeoutMs: 1_000,
    description: "B to deliver the approval_needed notice A wrote",
  });

  const approvedAt = Date.now();
  const approved = await a.core.workflow.approve(id, APPROVER);
  expect(approved.ok && approved.request.state).toBe("approved");
  await waitUntil(() => emu.requestsTo("POST", CREATE_PATH).length === 1, {
    timeoutMs: 1_000,
    description: "B's tracker to start the create A's approval left",
  });
  return { id, ms: Date.now() - approvedAt };
}

describe("wake-ups across replicas", () => {
  it("start the create on replica B within a second of replica A's approval (PostgreSQL LISTEN/NOTIFY)", async () => {
    const db: TestDatabase = await createTestDatabase();
    cleanups.push(() => db.drop());
    const { emu, a, b } = await twoReplicas((name) =>
      PostgresWakeups.open({ url: db.url, logger: memoryLogger("silent").logger, origin: `replica-${name}` }),
    );
    await b.core.start();

    const { id, ms } = await approvalAnsweredByA(a, b, emu);
    expect(ms).toBeLessThan(1_000);
    await waitUntil(async () => (await b.store.get(id))?.state === "provisioning", {
      timeoutMs: 5_000,
      description: "the request to be provisioning",
    });
    // A never ran a round: B did the work.
    expect(a.notifier.delivered).toEqual([]);
    expect(b.notifier.thread(id)).toContain("approved");
  });

  it("start the create on replica B within a second of replica A's approval (in-process bus)", async () => {
    const bus = new WakeupBus();
    const { emu, a, b } = await twoReplicas(async () => bus.join());
    await b.core.start();

    const { id, ms } = await approvalAnsweredByA(a, b, emu);
    expect(ms).toBeLessThan(1_000);
    await waitUntil(async () => (await b.store.get(id))?.state === "provisioning", {
      timeoutMs: 5_000,
      description: "the request to be provisioning",
    });
    expect(a.notifier.delivered).toEqual([]);
  });
});
