/**
 * Endpoint lifetimes with two replicas' cores on one SQLite file, both running their rounds at once: the expiry
 * notice is queued once, the policy's delete is opened once and the endpoint deleted once. Real SQLite file, real
 * client, the Databricks emulator; time moved by hand.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabricksClient, createPatCredentials } from "../../src/databricks/index.js";
import { defaultWorkspacePolicy, type PolicyOf } from "../../src/domain/index.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
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

const HOUR = 3_600_000;
let world: World | undefined;
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  await world?.close();
  world = undefined;
});

async function replica(w: World, dbPath: string, owner: string, policyOf: PolicyOf) {
  const store = await SqliteStore.open(dbPath, { now: () => w.clock.now() });
  stores.push(store);
  const notifier = new RecordingNotifier();
  const core: TestCore = createTestCore({
    store,
    databricks: createDatabricksClient({ host: w.emu.url, credentials: createPatCredentials(w.emu.token) }),
    notifier,
    clock: w.clock,
    policy: w.policy,
    policyOf,
    logger: memoryLogger("silent").logger,
    owner,
    pollIntervalMs: POLL_MS,
  });
  return { core, notifier, store };
}

describe("endpoint lifetimes across two replicas", () => {
  it("notice once, the policy's delete opened once, the endpoint deleted once", async () => {
    world = await createWorld();
    const w = world;
    const dbPath = join(mkdtempSync(join(tmpdir(), "ptbot-lifetimes-")), "ptbot.db");
    const deleting = {
      ...defaultWorkspacePolicy(w.policy),
      lifetime: { defaultTtlMs: 2 * HOUR, noticeMs: HOUR, onExpiry: "delete" as const },
    };
    const a = await replica(w, dbPath, "a", () => deleting);
    const b = await replica(w, dbPath, "b", () => deleting);
    // No --ttl: the workspace's default applies.
    const applied = await a.core.workflow.request({
      ask: { model: LLAMA, version: 3 },
      requester: { id: REQUESTER },
      channelId: CHANNEL,
    });
    if (!applied.ok) throw new Error(applied.rejection.message);
    const id = applied.request.id;
    expect(applied.request.ask.ttlMs).toBe(2 * HOUR);
    await a.core.workflow.attachCard(id, { channelId: CHANNEL, ts: "1.0001" });
    await a.core.workflow.approve(id, APPROVER);
    await a.core.tracker.tick();
    w.clock.advance(PROVISIONING_MS + POLL_MS);
    await a.core.tracker.tick();
    await a.core.dispatcher.drain();
    expect((await a.store.get(id))?.lifetime?.expiresAt).toBe(w.clock.now() + 2 * HOUR);

    const both = async () => {
      await Promise.all([a.core.tracker.tick(), b.core.tracker.tick()]);
      await Promise.all([a.core.dispatcher.drain(), b.core.dispatcher.drain()]);
    };
    w.clock.advance(HOUR);
    await both();
    await both();
    const thread = () => [...a.notifier.thread(id), ...b.notifier.thread(id)];
    expect(thread().filter((n) => n === "expiry_notice")).toHaveLength(1);

    w.clock.advance(HOUR);
    await both();
    for (let i = 0; i < 4; i++) {
      w.clock.advance(PROVISIONING_MS);
      await both();
    }
    expect(thread().filter((n) => n === "endpoint_expired")).toHaveLength(1);
    const own = (await a.store.findByEndpointName("default", "llama-13b-3")).filter(
      (r) => r.byPolicy !== undefined,
    );
    expect(own).toHaveLength(1);
    expect(own[0]?.state).toBe("deleted");
    expect(w.emu.requestsTo("DELETE", /\/serving-endpoints\/llama-13b-3$/)).toHaveLength(1);
    expect((await a.store.get(id))?.lifetime?.expired?.action).toBe("delete");
  });
});
