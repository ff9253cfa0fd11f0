/**
 * The smoke test runs its query at most once per request: two replicas' cores on one SQLite file, both draining the
 * outbox at once, send one query between them and post one line; a delivery that finds the step started without a
 * result (its process died mid-query, or the database went away before the answer was recorded) records it as
 * interrupted and sends nothing. Real SQLite file, real client, the Databricks emulator.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabricksClient, createPatCredentials } from "../../src/databricks/index.js";
import { type DeployRequest, defaultWorkspacePolicy, type PolicyOf } from "../../src/domain/index.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { applyEvent } from "../../src/workflow/apply-event.js";
import { SmokeTester } from "../../src/workflow/smoke-test.js";
import { createTestCore, type TestCore } from "../fakes/core.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { RecordingNotifier } from "../fakes/recording-notifier.js";
import {
  APPROVER,
  CHANNEL,
  createWorld,
  LLAMA,
  POLL_MS,
  PROVISIONING_MS,
  REQUESTER,
  type World,
} from "./harness.js";

const INVOCATIONS = /\/invocations$/;
let world: World | undefined;
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  await world?.close();
  world = undefined;
});

function client(w: World) {
  return createDatabricksClient({ host: w.emu.url, credentials: createPatCredentials(w.emu.token) });
}

/** A replica's core with the smoke test on, on the SQLite file at `dbPath`. */
async function replica(
  w: World,
  dbPath: string,
  owner: string,
  policyOf?: PolicyOf,
): Promise<{ core: TestCore; notifier: RecordingNotifier }> {
  const store = await SqliteStore.open(dbPath, { now: () => w.clock.now() });
  stores.push(store);
  const notifier = new RecordingNotifier();
  const core = createTestCore({
    store,
    databricks: client(w),
    notifier,
    clock: w.clock,
    policy: w.policy,
    logger: memoryLogger("silent").logger,
    owner,
    pollIntervalMs: POLL_MS,
    smokeTest: { enabled: true },
    ...(policyOf === undefined ? {} : { policyOf }),
  });
  return { core, notifier };
}

/** A request taken to READY by one replica, with its outbox not yet drained past READY. */
async function toReady(w: World, a: TestCore): Promise<string> {
  const applied = await a.workflow.request({
    ask: { model: LLAMA, version: 3 },
    requester: { id: REQUESTER },
    channelId: CHANNEL,
  });
  if (!applied.ok) throw new Error(applied.rejection.message);
  const id = applied.request.id;
  await a.workflow.attachCard(id, { channelId: CHANNEL, ts: "1.0001" });
  await a.workflow.approve(id, APPROVER);
  await a.tracker.tick();
  w.clock.advance(PROVISIONING_MS + POLL_MS);
  await a.tracker.tick();
  return id;
}

describe("the smoke test, once", () => {
  it("two replicas draining the outbox at once send one query and post one line", async () => {
    world = await createWorld();
    const dbPath = join(mkdtempSync(join(tmpdir(), "ptbot-smoke-")), "ptbot.db");
    const a = await replica(world, dbPath, "a");
    const b = await replica(world, dbPath, "b");
    const id = await toReady(world, a.core);
    await Promise.all([a.core.dispatcher.drain(), b.core.dispatcher.drain(), a.core.dispatcher.drain()]);
    await Promise.all([a.core.dispatcher.drain(), b.core.dispatcher.drain()]);
    expect(world.emu.requestsTo("POST", INVOCATIONS)).toHaveLength(1);
    const lines = [...a.notifier.thread(id), ...b.notifier.thread(id)].filter((n) => n.startsWith("smoke"));
    expect(lines).toEqual(["smoke_tested"]);
    const saved = await stores[0]?.get(id);
    expect(saved?.state).toBe("ready");
    expect(saved?.smokeTest?.result).toMatchObject({ outcome: "answered", task: "chat" });
  });

  it("is not sent for a workspace whose policy turns it off", async () => {
    world = await createWorld();
    const dbPath = join(mkdtempSync(join(tmpdir(), "ptbot-smoke-")), "ptbot.db");
    const off = { ...defaultWorkspacePolicy(world.policy), smokeTest: false };
    const a = await replica(world, dbPath, "a", () => off);
    const id = await toReady(world, a.core);
    await a.core.dispatcher.drain();
    expect(world.emu.requestsTo("POST", INVOCATIONS)).toHaveLength(0);
    expect(a.notifier.thread(id).filter((n) => n.startsWith("smoke"))).toEqual([]);
    expect((await stores[0]?.get(id))?.state).toBe("ready");
  });

  it("a step found started without a result is recorded as interrupted and not sent again", async () => {
    world = await createWorld();
    const dbPath = join(mkdtempSync(join(tmpdir(), "ptbot-smoke-")), "ptbot.db");
    const a = await replica(world, dbPath, "a");
    const id = await toReady(world, a.core);
    const store = stores[0] as SqliteStore;
    const w = world;
    // The claim of an attempt that died before it could record the answer.
    await applyEvent({ store, clock: w.clock, policy: w.policy }, id, { type: "smoke_test_started" });
    await a.core.dispatcher.drain();
    expect(world.emu.requestsTo("POST", INVOCATIONS)).toHaveLength(0);
    expect((await store.get(id))?.smokeTest?.result).toEqual({ outcome: "interrupted" });
    expect(a.notifier.thread(id).filter((n) => n.startsWith("smoke"))).toEqual(["smoke_tested"]);
    // A further delivery of the same work item changes nothing.
    const tester = new SmokeTester({
      store,
      databricks: client(w),
      clock: w.clock,
      policy: w.policy,
      logger: memoryLogger("silent").logger,
      enabled: () => true,
    });
    await tester.run((await store.get(id)) as DeployRequest);
    expect(world.emu.requestsTo("POST", INVOCATIONS)).toHaveLength(0);
    expect((await store.get(id))?.smokeTest?.result).toEqual({ outcome: "interrupted" });
  });
});
