/**
 * Reminders as the core sends them (issue 14): at each configured point a pending request's thread reminds its
 * approvers, then the escalation group is mentioned before it expires. Each point is sent once: across a restart (a
 * new core on the same database) and across two replicas running their rounds at the same time, on a SQLite file and
 * on PostgreSQL. The clock is a manual one; the workers are driven by hand (`tracker.tick()`, `dispatcher.drain()`).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type DatabricksEmulator, startDatabricksEmulator } from "../../emulators/databricks/index.js";
import { type Core, createCore } from "../../src/core/create-core.js";
import { createDatabricksClient, createPatCredentials } from "../../src/databricks/index.js";
import {
  approvalPolicy,
  DEFAULT_REMINDER_POLICY,
  defaultWorkspacePolicy,
  type Notice,
} from "../../src/domain/index.js";
import { PostgresStore } from "../../src/store/postgres-store.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { ManualClock } from "../fakes/manual-clock.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { RecordingNotifier } from "../fakes/recording-notifier.js";
import { createTestDatabase, type TestDatabase } from "../postgres/database.js";

const REQUESTER = "U0REQUESTER";
const APPROVER = "U0APPROVER";
const CHANNEL = "C0MLDEPLOY";
const LLAMA = "ml.llm-catalog.llama-13b";
const HOUR = 3_600_000;
const ONCALL = "S0ONCALL";

const approval = approvalPolicy({ approverUsers: [APPROVER], approverGroups: [], requestTtlMs: 24 * HOUR });
const rules = {
  ...defaultWorkspacePolicy(approval),
  reminders: {
    ...DEFAULT_REMINDER_POLICY,
    afterMs: [HOUR, 4 * HOUR],
    escalationGroup: ONCALL,
    escalateBeforeExpiryMs: 2 * HOUR,
  },
};

type Opener = () => Promise<Store>;

interface Backend {
  readonly name: string;
  /** A new empty database; returns how to open a store on it (as many times as wanted, as processes would). */
  setup(clock: ManualClock): Promise<Opener>;
}

let emu: DatabricksEmulator | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
  await emu?.close();
  emu = undefined;
});

const BACKENDS: Backend[] = [
  {
    name: "a SQLite file",
    async setup(clock) {
      const path = join(mkdtempSync(join(tmpdir(), "ptbot-reminders-")), "ptbot.db");
      return () => SqliteStore.open(path, { now: () => clock.now() });
    },
  },
  {
    name: "PostgreSQL",
    async setup() {
      const db: TestDatabase = await createTestDatabase();
      cleanups.push(() => db.drop());
      return () => PostgresStore.open(db.url);
    },
  },
];

interface Replica {
  readonly core: Core;
  readonly notifier: RecordingNotifier;
  readonly store: Store;
  /** Stops the core and closes its store (once), as a process that exits. */
  close(): Promise<void>;
}

async function replica(open: Opener, clock: ManualClock, owner: string): Promise<Replica> {
  if (emu === undefined) throw new Error("no emulator");
  const store = await open();
  const notifier = new RecordingNotifier();
  let ids = 0;
  const core = createCore({
    store,
    databricks: createDatabricksClient({ host: emu.url, credentials: createPatCredentials(emu.token) }),
    directory: { groupsOf: async () => [] },
    notifier,
    clock,
    policy: approval,
    policyOf: () => rules,
    logger: memoryLogger("silent").logger,
    owner,
    newId: () => `${owner}-req-${++ids}`,
    pollIntervalMs: HOUR,
    provisioningLimitMs: 24 * HOUR,
    noticeIntervalMs: HOUR,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await core.stop();
    await store.close();
  };
  cleanups.push(close);
  return { core, notifier, store, close };
}

/** One round of each replica's workers, at the same time: the tracker (expiry, reminders), then the dispatcher. */
async function round(...replicas: Replica[]): Promise<void> {
  await Promise.all(replicas.map((r) => r.core.tracker.tick()));
  await Promise.all(replicas.map((r) => r.core.dispatcher.drain()));
}

/** The reminder notices delivered by these replicas, in order. */
function reminders(...replicas: Replica[]): Notice[] {
  return replicas.flatMap((r) =>
    r.notifier.delivered.map((d) => d.notice).filter((n) => n.type === "reminder"),
  );
}

describe.each(BACKENDS)("reminders on $name", (backend) => {
  it("reminds at 1 h and 4 h, escalates 2 h before expiry, each once across two replicas and a restart", async () => {
    const clock = new ManualClock();
    emu = await startDatabricksEmulator({ port: 0, now: () => clock.now(), provisioningMs: 60_000 });
    const open = await backend.setup(clock);
    const a = await replica(open, clock, "replica-a");
    const b = await replica(open, clock, "replica-b");
    const opened = await a.core.workflow.request({
      ask: { model: LLAMA, version: 3 },
      requester: { id: REQUESTER },
      channelId: CHANNEL,
    });
    if (!opened.ok) throw new Error(opened.rejection.message);
    await a.core.workflow.attachCard(opened.request.id, { channelId: CHANNEL, ts: "1700000000.0001" });

    clock.advance(HOUR - 1);
    await round(a, b);
    expect(reminders(a, b)).toEqual([]);
    clock.advance(1);
    await round(a, b);
    await round(a, b);
    expect(reminders(a, b)).toEqual([{ type: "reminder", kind: "reminder" }]);

    // Replica a restarts: a new core on a newly opened store finds the point sent and sends nothing.
    await a.close();
    const a2 = await replica(open, clock, "replica-a");
    await round(a2, b);
    expect(reminders(a, b, a2)).toHaveLength(1);

    clock.advance(3 * HOUR);
    await round(a2, b);
    await round(a2, b);
    expect(reminders(a, b, a2)).toEqual([
      { type: "reminder", kind: "reminder" },
      { type: "reminder", kind: "reminder" },
    ]);

    clock.advance(18 * HOUR); // 22 h after the opening: 2 h before it expires.
    await round(a2, b);
    await round(a2, b);
    // Either replica may have delivered any of them: the list is by replica, not by time.
    expect(reminders(a, b, a2).filter((n) => n.type === "reminder" && n.kind === "escalation")).toEqual([
      { type: "reminder", kind: "escalation", escalationGroup: ONCALL },
    ]);
    expect(reminders(a, b, a2)).toHaveLength(3);
    const request = await b.store.get(opened.request.id);
    expect(request?.remindedAt).toBe(opened.request.createdAt + 22 * HOUR);
    const actions = (await b.store.audit(opened.request.id)).map((e) => e.action);
    expect(actions.filter((x) => x === "reminder_due")).toHaveLength(3);

    // Past expiry nothing more: the request expires, and a decided one is never reminded.
    clock.advance(3 * HOUR);
    await round(a2, b);
    expect(reminders(a, b, a2)).toHaveLength(3);
    expect((await b.store.get(opened.request.id))?.state).toBe("expired");
  });

  it("does not remind a request decided before the point", async () => {
    const clock = new ManualClock();
    emu = await startDatabricksEmulator({ port: 0, now: () => clock.now(), provisioningMs: 60_000 });
    const open = await backend.setup(clock);
    const a = await replica(open, clock, "replica-a");
    const opened = await a.core.workflow.request({
      ask: { model: LLAMA, version: 3 },
      requester: { id: REQUESTER },
      channelId: CHANNEL,
    });
    if (!opened.ok) throw new Error(opened.rejection.message);
    await a.core.workflow.reject(opened.request.id, APPROVER);
    clock.advance(5 * HOUR);
    await round(a);
    expect(reminders(a)).toEqual([]);
  });

  it("waits for the card before reminding: a reminder with no thread to go to is not spent", async () => {
    const clock = new ManualClock();
    emu = await startDatabricksEmulator({ port: 0, now: () => clock.now(), provisioningMs: 60_000 });
    const open = await backend.setup(clock);
    const a = await replica(open, clock, "replica-a");
    const opened = await a.core.workflow.request({
      ask: { model: LLAMA, version: 3 },
      requester: { id: REQUESTER },
      channelId: CHANNEL,
    });
    if (!opened.ok) throw new Error(opened.rejection.message);
    clock.advance(HOUR + 1);
    await round(a);
    expect((await a.store.get(opened.request.id))?.remindedAt).toBeUndefined();
    await a.core.workflow.attachCard(opened.request.id, { channelId: CHANNEL, ts: "1700000000.0002" });
    await round(a);
    expect(reminders(a)).toEqual([{ type: "reminder", kind: "reminder" }]);
  });
});
