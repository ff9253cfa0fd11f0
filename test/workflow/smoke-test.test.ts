/**
 * The smoke test runs its query at most once per request: two replicas handed the same work item (a notice whose
 * lease ran out while the first still held it) send one query between them, and a step found started without a
 * result (its process died mid-query) is recorded as interrupted, not sent again. Real SQLite file, real client,
 * the Databricks emulator.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabricksClient, createPatCredentials } from "../../src/databricks/index.js";
import type { DeployRequest } from "../../src/domain/index.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { applyEvent } from "../../src/workflow/apply-event.js";
import { SmokeTester } from "../../src/workflow/smoke-test.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { APPROVER, CHANNEL, createWorld, LLAMA, PROVISIONING_MS, REQUESTER, type World } from "./harness.js";

const INVOCATIONS = /\/invocations$/;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function readyRequest(w: World, dbPath: string): Promise<{ id: string; store: SqliteStore }> {
  const p = await w.start(dbPath, "first");
  const applied = await p.workflow.request({
    ask: { model: LLAMA, version: 3 },
    requester: { id: REQUESTER },
    channelId: CHANNEL,
  });
  if (!applied.ok) throw new Error(applied.rejection.message);
  const id = applied.request.id;
  await p.workflow.attachCard(id, { channelId: CHANNEL, ts: "1.0001" });
  await p.workflow.approve(id, APPROVER);
  await w.step(p);
  await w.step(p, PROVISIONING_MS);
  await w.step(p);
  expect((await p.store.get(id))?.state).toBe("ready");
  return { id, store: p.store };
}

function tester(w: World, store: SqliteStore): SmokeTester {
  return new SmokeTester({
    store,
    databricks: createDatabricksClient({ host: w.emu.url, credentials: createPatCredentials(w.emu.token) }),
    clock: w.clock,
    policy: w.policy,
    logger: memoryLogger("silent").logger,
    enabled: true,
  });
}

describe("the smoke test, once", () => {
  it("two replicas running the same request's smoke test send one query and record one result", async () => {
    world = await createWorld();
    const dbPath = join(mkdtempSync(join(tmpdir(), "ptbot-smoke-")), "ptbot.db");
    const { id, store } = await readyRequest(world, dbPath);
    const other = await SqliteStore.open(dbPath);
    try {
      const request = (await store.get(id)) as DeployRequest;
      const runs = await Promise.allSettled([
        tester(world, store).run(request),
        tester(world, other).run(request),
      ]);
      // The second finds the step claimed and still within its bound: it leaves it to the first, to be tried again.
      expect(runs.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
      const refused = runs.find((r) => r.status === "rejected");
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: "smoke_test_running" });
      expect(world.emu.requestsTo("POST", INVOCATIONS)).toHaveLength(1);
      const saved = await store.get(id);
      expect(saved?.smokeTest?.result).toMatchObject({ outcome: "answered", task: "chat" });
    } finally {
      other.close();
    }
  });

  it("a smoke test found started without a result, past its bound, is recorded as interrupted and not sent again", async () => {
    world = await createWorld();
    const dbPath = join(mkdtempSync(join(tmpdir(), "ptbot-smoke-")), "ptbot.db");
    const { id, store } = await readyRequest(world, dbPath);
    const w = world;
    await applyEvent({ store, clock: w.clock, policy: w.policy }, id, { type: "smoke_test_started" });
    await expect(tester(world, store).run((await store.get(id)) as DeployRequest)).rejects.toMatchObject({
      code: "smoke_test_running",
    });
    w.clock.advance(61_000);
    await tester(world, store).run((await store.get(id)) as DeployRequest);
    expect(world.emu.requestsTo("POST", INVOCATIONS)).toHaveLength(0);
    expect((await store.get(id))?.smokeTest?.result).toEqual({ outcome: "interrupted" });
    // A third delivery of the same work item changes nothing more.
    await tester(world, store).run((await store.get(id)) as DeployRequest);
    expect(world.emu.requestsTo("POST", INVOCATIONS)).toHaveLength(0);
  });
});
