/**
 * The core as `createCore` wires it, with its workers started and their own loops so slow (an hour) that only the
 * wake-ups can explain progress: a command's write wakes the tracker and the dispatcher, the expiry wakes the
 * dispatcher, and nothing moves before `start()`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type DatabricksEmulator, startDatabricksEmulator } from "../../emulators/databricks/index.js";
import { type Core, createCore } from "../../src/core/create-core.js";
import { createDatabricksClient, createPatCredentials } from "../../src/databricks/index.js";
import { approvalPolicy } from "../../src/domain/index.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { waitUntil } from "../chaos/wait-until.js";
import { ManualClock } from "../fakes/manual-clock.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { RecordingNotifier } from "../fakes/recording-notifier.js";

const REQUESTER = "U0REQUESTER";
const APPROVER = "U0APPROVER";
const CHANNEL = "C0MLDEPLOY";
const LLAMA = "ml.llm-catalog.llama-13b";
const HOUR = 3_600_000;

let emu: DatabricksEmulator | undefined;
let store: SqliteStore | undefined;
let core: Core | undefined;
afterEach(async () => {
  await core?.stop();
  await store?.close();
  await emu?.close();
  core = undefined;
  store = undefined;
  emu = undefined;
});

async function build() {
  const clock = new ManualClock();
  emu = await startDatabricksEmulator({ port: 0, now: () => clock.now(), provisioningMs: 60_000 });
  store = await SqliteStore.open(":memory:", { now: () => clock.now() });
  const notifier = new RecordingNotifier();
  let ids = 0;
  const ticks: number[] = [];
  core = createCore({
    store,
    databricks: createDatabricksClient({ host: emu.url, credentials: createPatCredentials(emu.token) }),
    directory: { groupsOf: async () => [] },
    notifier,
    clock,
    policy: approvalPolicy({ approverUsers: [APPROVER], approverGroups: [] }),
    logger: memoryLogger("silent").logger,
    owner: "core-test",
    newId: () => `req-${++ids}`,
    pollIntervalMs: HOUR,
    provisioningLimitMs: 24 * HOUR,
    noticeIntervalMs: HOUR,
    onTrackerTick: (stats) => ticks.push(stats.claimed),
  });
  return { clock, notifier, core, store, ticks };
}

async function openWithCard(c: Core) {
  const applied = await c.workflow.request({
    ask: { model: LLAMA, version: 3 },
    requester: { id: REQUESTER },
    channelId: CHANNEL,
  });
  if (!applied.ok) throw new Error(`request refused: ${applied.rejection.message}`);
  await c.workflow.attachCard(applied.request.id, { channelId: CHANNEL, ts: "1700000000.0001" });
  return applied.request;
}

describe("createCore", () => {
  it("wakes the tracker and the dispatcher when a command's write leaves them work", async () => {
    const w = await build();
    await w.core.start();
    const request = await openWithCard(w.core);
    await waitUntil(() => w.notifier.thread(request.id).includes("approval_needed"), {
      timeoutMs: 5_000,
      description: "approval_needed delivered without a drain by hand",
    });
    const approved = await w.core.workflow.approve(request.id, APPROVER);
    expect(approved.ok && approved.request.state).toBe("approved");
    await waitUntil(() => w.notifier.thread(request.id).includes("provisioning"), {
      timeoutMs: 5_000,
      description: "the create started and its notices delivered without a tick by hand",
    });
    expect((await w.store.get(request.id))?.state).toBe("provisioning");
    expect(w.notifier.thread(request.id)).toEqual([
      "approval_needed",
      "approved",
      "creating",
      "provisioning",
    ]);
    expect(w.ticks.some((claimed) => claimed === 1)).toBe(true);
  });

  it("wakes the dispatcher when the expiry wrote notices", async () => {
    const w = await build();
    await w.core.start();
    const request = await openWithCard(w.core);
    w.clock.advance(25 * HOUR);
    expect(await w.core.expiry.expireDue()).toBe(1);
    expect((await w.store.get(request.id))?.state).toBe("expired");
    await waitUntil(() => w.notifier.thread(request.id).includes("expired"), {
      timeoutMs: 5_000,
      description: "the expiry's notice delivered without a drain by hand",
    });
  });

  it("runs the expiry in each tracker round", async () => {
    const w = await build();
    const request = await openWithCard(w.core);
    w.clock.advance(25 * HOUR);
    expect((await w.core.tracker.tick()).expired).toBe(1);
    expect((await w.store.get(request.id))?.state).toBe("expired");
  });

  it("does nothing by itself before start: a harness drives the workers by hand", async () => {
    const w = await build();
    const request = await openWithCard(w.core);
    await w.core.workflow.approve(request.id, APPROVER);
    expect(w.notifier.delivered).toEqual([]);
    expect((await w.store.get(request.id))?.state).toBe("approved");
    await w.core.tracker.tick();
    await w.core.dispatcher.drain();
    expect((await w.store.get(request.id))?.state).toBe("provisioning");
    expect(w.notifier.thread(request.id)).toEqual([
      "approval_needed",
      "approved",
      "creating",
      "provisioning",
    ]);
  });
});
