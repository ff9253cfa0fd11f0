/**
 * The workers' bookkeeping cut by a database outage: a notice delivered to Slack whose completion could not be
 * written is not delivered again once the database is back, and a request whose lease could not be released is
 * checked again at the first round after the outage, not once its lease has run out.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type DatabricksEmulator, startDatabricksEmulator } from "../../emulators/databricks/index.js";
import { createDatabricksClient, createPatCredentials } from "../../src/databricks/index.js";
import type { DeployRequest, Notice } from "../../src/domain/index.js";
import { approvalPolicy } from "../../src/domain/index.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { waitUntil } from "../chaos/wait-until.js";
import { createTestCore, type TestCore } from "../fakes/core.js";
import { ManualClock } from "../fakes/manual-clock.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { RecordingNotifier } from "../fakes/recording-notifier.js";
import { type UnpluggableStore, unpluggable } from "../fakes/unpluggable-store.js";

const REQUESTER = "U0REQUESTER";
const APPROVER = "U0APPROVER";
const CHANNEL = "C0MLDEPLOY";
const LLAMA = "ml.llm-catalog.llama-13b";
const PROVISIONING_MS = 5_000;

/** Records deliveries, and lets a test act right after one (the database going away at that moment). */
class HookedNotifier extends RecordingNotifier {
  afterDelivery: (() => void) | undefined;

  override async deliver(request: DeployRequest, notice: Notice): Promise<void> {
    await super.deliver(request, notice);
    const hook = this.afterDelivery;
    this.afterDelivery = undefined;
    hook?.();
  }
}

let emu: DatabricksEmulator | undefined;
let inner: SqliteStore | undefined;
afterEach(async () => {
  await inner?.close();
  await emu?.close();
  emu = undefined;
  inner = undefined;
});

async function setUp(): Promise<{
  core: TestCore;
  plug: UnpluggableStore;
  notifier: HookedNotifier;
  clock: ManualClock;
  logs: Record<string, unknown>[];
}> {
  const clock = new ManualClock();
  emu = await startDatabricksEmulator({ port: 0, now: () => clock.now(), provisioningMs: PROVISIONING_MS });
  inner = await SqliteStore.open(":memory:", { now: () => clock.now() });
  const plug = unpluggable(inner);
  const notifier = new HookedNotifier();
  const { logger, lines } = memoryLogger("info");
  const core = createTestCore({
    store: plug.store,
    databricks: createDatabricksClient({ host: emu.url, credentials: createPatCredentials(emu.token) }),
    notifier,
    clock,
    policy: approvalPolicy({ approverUsers: [APPROVER], approverGroups: [] }),
    logger,
    owner: "outage",
    pollIntervalMs: 1_000,
  });
  return { core, plug, notifier, clock, logs: lines };
}

async function approvedRequest(core: TestCore, endpointName?: string): Promise<string> {
  const applied = await core.workflow.request({
    ask: { model: LLAMA, version: 3, ...(endpointName === undefined ? {} : { endpointName }) },
    requester: { id: REQUESTER },
    channelId: CHANNEL,
  });
  if (!applied.ok) throw new Error(`request refused: ${applied.rejection.message}`);
  await core.workflow.attachCard(applied.request.id, { channelId: CHANNEL, ts: "1700000000.000100" });
  const approved = await core.workflow.approve(applied.request.id, APPROVER);
  if (!approved.ok) throw new Error(`approval refused: ${approved.rejection.message}`);
  return applied.request.id;
}

describe("workers through a database outage", () => {
  it("never delivers a notice twice because its completion was cut by the outage", async () => {
    const { core, plug, notifier, clock } = await setUp();
    const id = await approvedRequest(core);
    // The first notice reaches Slack, and the database goes away before it is marked done.
    notifier.afterDelivery = () => plug.unplug({ only: (method) => method === "completeNotice" });
    await core.dispatcher.drain();
    expect(plug.failuresOf("completeNotice")).toBe(1);
    const first = notifier.delivered.length;
    expect(first).toBe(1);

    plug.plug();
    // Past any retry wait: a notice recorded as failed would be due again now.
    clock.advance(10_000);
    await core.dispatcher.drain();
    // Each notice is delivered with the request as saved with it: a repeat would show the same pair twice.
    const delivered = notifier.delivered
      .filter((d) => d.requestId === id)
      .map((d) => JSON.stringify([d.state, d.notice]));
    expect(delivered.length).toBeGreaterThan(first);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(await core.dispatcher.drain()).toBe(0);
  });

  it("checks a request again at the first round after the outage, not once its lease has run out", async () => {
    const { core, plug, clock, logs } = await setUp();
    const id = await approvedRequest(core);
    clock.advance(1);
    await core.tracker.tick();
    expect((await inner?.get(id))?.state).toBe("provisioning");

    // The database goes away while the tracker follows the endpoint: its lease cannot be released.
    plug.unplug({
      only: (method) => method === "stateOf" || method === "scheduleCheck" || method === "releaseLease",
    });
    clock.advance(1_000);
    expect((await core.tracker.tick()).claimed).toBe(1);
    expect(plug.failuresOf("stateOf")).toBeGreaterThan(0);

    plug.plug();
    // READY at Databricks, well within the 45 s lease the outage left behind. The first round after the outage frees
    // the lease and schedules the check; the next interval's round makes it.
    clock.advance(PROVISIONING_MS);
    await core.tracker.tick();
    clock.advance(1_000);
    expect((await core.tracker.tick()).claimed).toBe(1);
    expect((await inner?.get(id))?.state).toBe("ready");
    expect(logs.filter((l) => l.msg === "database unreachable, work waits until it is back")).toHaveLength(1);
    expect(logs.filter((l) => l.msg === "database reachable again")).toHaveLength(1);
    expect(
      logs.filter(
        (l) => (l.level as number) >= 40 && l.msg !== "database unreachable, work waits until it is back",
      ),
    ).toEqual([]);
  });

  it("keeps a create Databricks accepted when the database is out of reach as it records it, never failing it", async () => {
    const { core, plug, clock, logs } = await setUp();
    const id = await approvedRequest(core);
    // The database restarts just as Databricks answers the create: the read before writing `create_accepted` is
    // refused, and the database is back at once. Seen in replicas-chaos: the request was recorded FAILED
    // (internal_error) while its endpoint existed, and its thread never heard READY.
    const creates = () => emu?.requestsTo("POST", "/api/2.0/serving-endpoints").length ?? 0;
    let refusals = 1;
    plug.unplug({ only: (method) => method === "get" && creates() === 1 && refusals-- > 0 });
    clock.advance(1);
    await core.tracker.tick();
    plug.plug();
    expect(plug.failuresOf("get")).toBe(1);
    expect((await inner?.get(id))?.state).toBe("creating");

    // The next check reads the endpoint back, finds it tagged with this request, and follows it: no second create.
    clock.advance(1_000);
    await core.tracker.tick();
    expect((await inner?.get(id))?.state).toBe("provisioning");
    clock.advance(PROVISIONING_MS);
    await core.tracker.tick();
    clock.advance(1_000);
    await core.tracker.tick();
    expect((await inner?.get(id))?.state).toBe("ready");
    expect(creates()).toBe(1);
    expect(
      logs.filter((l) => l.msg === "endpoint call refused" || l.msg === "endpoint call failed in ptbot"),
    ).toEqual([]);
  });

  it("renews leases one round at a time through a network cut, and stops a round at its first unreachable answer", async () => {
    const { core, plug, clock } = await setUp();
    const ids = [await approvedRequest(core, "llama-one"), await approvedRequest(core, "llama-two")];
    // Two creates in hand for long: their leases need renewing.
    emu?.injectFault({
      method: "POST",
      path: "/api/2.0/serving-endpoints",
      kind: "delay",
      ms: 2_000,
      times: 2,
    });
    clock.advance(1);
    const working = core.tracker.tick();
    await waitUntil(() => (emu?.requestsTo("POST", "/api/2.0/serving-endpoints").length ?? 0) === 2, {
      timeoutMs: 5_000,
      description: "both creates to reach Databricks",
    });
    // A network cut: each renewal waits for its timeout. The renewal timer fires again meanwhile (three times here).
    plug.unplug({ mode: "hang", only: (method) => method === "renewLease" });
    const renewals = [core.tracker.renewLeases(), core.tracker.renewLeases(), core.tracker.renewLeases()];
    await waitUntil(() => plug.failuresOf("renewLease") > 0, {
      timeoutMs: 1_000,
      description: "a renewal to be waiting on the database",
    });
    plug.plug();
    await Promise.all(renewals);
    // One round, cut at its first call: not three rounds stacked, nor one call per request waiting its timeout.
    expect(plug.failuresOf("renewLease")).toBe(1);
    await working;
    for (const id of ids) expect((await inner?.get(id))?.state).toBe("provisioning");
  });
});
