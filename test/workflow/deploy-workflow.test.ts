import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CARD_GRACE_MS, type DeployRequest } from "../../src/domain/index.js";
import { applyEvent } from "../../src/workflow/apply-event.js";
import {
  APPROVER,
  CHANNEL,
  createWorld,
  LLAMA,
  PROVISIONING_MS,
  type Process,
  REQUESTER,
  type World,
} from "./harness.js";

let world: World;
afterEach(async () => {
  await world.close();
});

const CREATE_PATH = "/api/2.0/serving-endpoints";

async function requestLlama(p: Process, extra: Partial<{ endpointName: string; version: number }> = {}) {
  const applied = await p.workflow.request({
    ask: {
      model: LLAMA,
      version: extra.version ?? 3,
      ...(extra.endpointName === undefined ? {} : { endpointName: extra.endpointName }),
    },
    requester: { id: REQUESTER },
    channelId: CHANNEL,
  });
  if (!applied.ok) throw new Error(`request refused: ${applied.rejection.message}`);
  await p.workflow.attachCard(applied.request.id, { channelId: CHANNEL, ts: `${applied.request.id}.0001` });
  return applied.request;
}

async function state(p: Process, id: string): Promise<DeployRequest> {
  const request = await p.store.get(id);
  if (request === undefined) throw new Error(`no request ${id}`);
  return request;
}

describe("the deploy workflow against the Databricks emulator", () => {
  it("takes a request through approval, create and provisioning to READY, notifying each step once", async () => {
    world = await createWorld();
    const p = await world.start();
    const request = await requestLlama(p);
    expect(request).toMatchObject({
      state: "awaiting_approval",
      endpointName: "llama-13b-3",
      model: { fullName: LLAMA, version: 3, chunkSize: 980, unit: "tokens_per_second", modelType: "llama" },
      plan: { minMultiple: 2, maxMultiple: 3, scaleToZero: false },
      mode: { kind: "create" },
    });

    const approved = await p.workflow.approve(request.id, APPROVER);
    expect(approved.ok && approved.request.state).toBe("approved");

    await world.step(p);
    expect((await state(p, request.id)).state).toBe("provisioning");
    const creates = world.emu.requestsTo("POST", CREATE_PATH);
    expect(creates).toHaveLength(1);
    expect(creates[0]?.body).toMatchObject({
      name: "llama-13b-3",
      config: {
        served_entities: [
          {
            entity_name: LLAMA,
            entity_version: "3",
            min_provisioned_throughput: 1960,
            max_provisioned_throughput: 2940,
          },
        ],
      },
      tags: expect.arrayContaining([
        { key: "ptbot_request_id", value: request.id },
        { key: "ptbot_requester", value: REQUESTER },
        { key: "ptbot_approver", value: APPROVER },
      ]),
    });

    await world.step(p);
    expect((await state(p, request.id)).state).toBe("provisioning");
    await world.step(p, PROVISIONING_MS);
    const done = await state(p, request.id);
    expect(done).toMatchObject({
      state: "ready",
      endpoint: { ready: "READY", configUpdate: "NOT_UPDATING" },
    });
    await world.step(p);

    expect(p.notifier.thread(request.id)).toEqual([
      "approval_needed",
      "approved",
      "creating",
      "provisioning",
      "ready",
    ]);
    expect((await p.store.audit(request.id)).map((a) => a.toState)).toEqual([
      "resolving",
      "awaiting_approval",
      "awaiting_approval",
      "approved",
      "creating",
      "provisioning",
      "ready",
    ]);
  });

  it("reports a failed provisioning with the deployment message and the build-log tail", async () => {
    world = await createWorld();
    const p = await world.start();
    world.emu.failProvisioning("llama-13b-3", {
      message: "Insufficient GPU capacity in us-east-1",
      buildLogs: "pulling image\nloading weights\nERROR: no capacity for 2 x A100",
    });
    const request = await requestLlama(p);
    await p.workflow.approve(request.id, APPROVER);
    await world.step(p);
    await world.step(p, PROVISIONING_MS);
    const failed = await state(p, request.id);
    expect(failed.state).toBe("failed");
    expect(failed.reason?.message).toContain("Insufficient GPU capacity");
    expect(failed.endpoint?.buildLogTail).toContain("ERROR: no capacity for 2 x A100");
    await world.step(p);
    expect(p.notifier.thread(request.id).slice(-2)).toEqual(["provisioning", "failed"]);
  });

  it("turns a request for an endpoint serving the same model into a config update", async () => {
    world = await createWorld();
    const p = await world.start();
    const first = await requestLlama(p, { version: 2, endpointName: "llama" });
    await p.workflow.approve(first.id, APPROVER);
    await world.step(p);
    await world.step(p, PROVISIONING_MS);
    expect((await state(p, first.id)).state).toBe("ready");

    const second = await requestLlama(p, { version: 3, endpointName: "llama" });
    expect(second.mode).toMatchObject({
      kind: "update",
      current: { entityName: LLAMA, entityVersion: 2, plan: { minMultiple: 2, maxMultiple: 3 } },
    });
    await p.workflow.approve(second.id, APPROVER);
    await world.step(p);
    const puts = world.emu.requestsTo("PUT", "/api/2.0/serving-endpoints/llama/config");
    expect(puts).toHaveLength(1);
    expect(puts[0]?.body).toMatchObject({ served_entities: [{ entity_name: LLAMA, entity_version: "3" }] });
    expect(world.emu.requestsTo("POST", CREATE_PATH)).toHaveLength(1);
    await world.step(p, PROVISIONING_MS);
    expect((await state(p, second.id)).state).toBe("ready");
  });

  it("refuses an endpoint that serves another model, saying what is there", async () => {
    world = await createWorld();
    const p = await world.start();
    const first = await requestLlama(p, { version: 3, endpointName: "shared" });
    await p.workflow.approve(first.id, APPROVER);
    await world.step(p);
    await world.step(p, PROVISIONING_MS);
    const applied = await p.workflow.request({
      ask: { model: "system.ai.dbrx_instruct", version: "latest", endpointName: "shared" },
      requester: { id: REQUESTER },
      channelId: CHANNEL,
    });
    expect(applied.ok && applied.request.state).toBe("unresolvable");
    expect(applied.ok && applied.request.reason).toMatchObject({
      code: "endpoint_serves_other_model",
      message: expect.stringContaining(`${LLAMA} v3`),
    });
  });

  it.each([
    [{ model: LLAMA, version: 4 as const }, "model_version_not_ready", "PENDING_REGISTRATION"],
    [{ model: "ml.nowhere.nothing", version: 1 as const }, "model_not_found", ""],
    [{ model: "ml.sandbox.sklearn-churn", version: "latest" as const }, "model_not_optimizable", ""],
  ])("records %j as unresolvable with %s", async (ask, code, mention) => {
    world = await createWorld();
    const p = await world.start();
    const applied = await p.workflow.request({ ask, requester: { id: REQUESTER }, channelId: CHANNEL });
    expect(applied.ok && applied.request.state).toBe("unresolvable");
    expect(applied.ok && applied.request.reason?.code).toBe(code);
    expect(applied.ok && applied.request.reason?.message).toContain(mention);
  });

  it("creates one endpoint from 20 concurrent approvals and two trackers racing on one database", async () => {
    const approvers = Array.from({ length: 20 }, (_, i) => `U0APPR${String(i).padStart(2, "0")}`);
    world = await createWorld({ approverUsers: approvers });
    const file = join(mkdtempSync(join(tmpdir(), "ptbot-")), "ptbot.db");
    const a = await world.start(file, "replica-a");
    const b = await world.start(file, "replica-b");
    const request = await requestLlama(a);

    const results = await Promise.all(
      approvers.map((u, i) => (i % 2 === 0 ? a : b).workflow.approve(request.id, u)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.flatMap((r) => (r.ok ? [] : [r.rejection.code]));
    expect(new Set(refused)).toEqual(new Set(["already_approved"]));

    world.clock.advance(1);
    await Promise.all([a.tracker.tick(), b.tracker.tick(), a.tracker.tick(), b.tracker.tick()]);
    expect(world.emu.requestsTo("POST", CREATE_PATH)).toHaveLength(1);
    expect((await state(a, request.id)).state).toBe("provisioning");
    await Promise.all([a.dispatcher.drain(), b.dispatcher.drain()]);
    const creating = [...a.notifier.delivered, ...b.notifier.delivered].filter(
      (d) => d.notice.type === "creating",
    );
    expect(creating).toHaveLength(1);
  });

  it("refuses a second request for an endpoint another request is still deploying", async () => {
    world = await createWorld();
    const p = await world.start();
    const first = await requestLlama(p);
    const applied = await p.workflow.request({
      ask: { model: LLAMA, version: 3 },
      requester: { id: "U0SOMEONE" },
      channelId: CHANNEL,
    });
    expect(applied.ok && applied.request.reason).toMatchObject({
      code: "endpoint_in_use",
      message: expect.stringContaining(first.id),
    });
  });

  it("lets the requester's new request take over their earlier one that never got a card", async () => {
    world = await createWorld();
    const p = await world.start();
    const ask = { ask: { model: LLAMA, version: 3 }, requester: { id: REQUESTER }, channelId: CHANNEL };
    // The process posting the first card died: the request awaits approval, and nobody can see it.
    const orphan = await p.workflow.request(ask);
    expect(orphan.ok && orphan.request.state).toBe("awaiting_approval");
    await world.step(p, 1_000);
    // Within the grace its card may still be on its way: the same command again is a double submission.
    const twice = await p.workflow.request(ask);
    expect(twice.ok && twice.request.reason?.code).toBe("duplicate_request");
    await world.step(p, CARD_GRACE_MS);

    const someoneElse = await p.workflow.request({ ...ask, requester: { id: "U0SOMEONE" } });
    expect(someoneElse.ok && someoneElse.request.reason?.code).toBe("endpoint_in_use");

    const retry = await p.workflow.request(ask);
    expect(retry.ok && retry.request.state).toBe("awaiting_approval");
    if (!orphan.ok || !retry.ok) return;
    const old = await state(p, orphan.request.id);
    expect(old.state).toBe("cancelled");
    // Superseded, not cancelled by anyone (issue 9, item 8: it used to read "cancelled by" the requester).
    expect(old.reason).toMatchObject({ code: "superseded", holder: { requestId: retry.request.id } });
    expect(old.closedBy).toBeUndefined();

    // Once a card is out, the request is visible and stays in charge, even against its own requester.
    await p.workflow.attachCard(retry.request.id, { channelId: CHANNEL, ts: "1.0001" });
    await world.step(p, 1_000);
    const third = await p.workflow.request(ask);
    expect(third.ok && third.request.reason?.code).toBe("endpoint_in_use");
    expect((await state(p, retry.request.id)).state).toBe("awaiting_approval");
  });

  it("expires an undecided request after its time and refuses a late approval", async () => {
    world = await createWorld();
    const p = await world.start();
    const request = await requestLlama(p);
    await world.step(p, 23 * 3_600_000);
    expect((await state(p, request.id)).state).toBe("awaiting_approval");
    await world.step(p, 3_600_000);
    expect((await state(p, request.id)).state).toBe("expired");
    expect(p.notifier.thread(request.id)).toContain("expired");
    const late = await p.workflow.approve(request.id, APPROVER);
    expect(!late.ok && late.rejection.code).toBe("expired");
    expect(world.emu.requestsTo("POST", CREATE_PATH)).toHaveLength(0);
  });

  it("finishes a deploy after a restart in the middle of provisioning, notifying READY exactly once", async () => {
    world = await createWorld();
    const file = join(mkdtempSync(join(tmpdir(), "ptbot-")), "ptbot.db");
    const before = await world.start(file, "replica-1");
    const request = await requestLlama(before);
    await before.workflow.approve(request.id, APPROVER);
    await world.step(before);
    expect((await state(before, request.id)).state).toBe("provisioning");
    // The process dies while holding the lease: it is not released.
    await before.store.claimDue({
      owner: "replica-1",
      now: world.clock.now() + 1000,
      leaseMs: 600_000,
      limit: 10,
      states: ["provisioning"],
    });
    await before.close();

    const after = await world.start(file, "replica-1");
    await after.store.releaseLeasesOf("replica-1");
    await world.step(after, PROVISIONING_MS);
    await world.step(after);
    await world.step(after);
    expect((await state(after, request.id)).state).toBe("ready");
    expect(after.notifier.thread(request.id)).toEqual(["ready"]);
    expect(before.notifier.thread(request.id)).not.toContain("ready");
    expect(world.emu.requestsTo("POST", CREATE_PATH)).toHaveLength(1);
  });

  it("recovers a crash between the creating write and the create call", async () => {
    world = await createWorld();
    const file = join(mkdtempSync(join(tmpdir(), "ptbot-")), "ptbot.db");
    const before = await world.start(file, "replica-1");
    const request = await requestLlama(before);
    await before.workflow.approve(request.id, APPROVER);
    // What the tracker writes before it calls Databricks; then the process dies.
    const started = await applyEvent(
      { store: before.store, clock: world.clock, policy: world.policy },
      request.id,
      { type: "create_started" },
    );
    expect(started.ok).toBe(true);
    await before.close();

    const after = await world.start(file, "replica-2");
    await world.step(after);
    expect((await state(after, request.id)).state).toBe("provisioning");
    expect(world.emu.requestsTo("POST", CREATE_PATH)).toHaveLength(1);
    await world.step(after, PROVISIONING_MS);
    expect((await state(after, request.id)).state).toBe("ready");
  });

  it("reconciles a create whose answer was lost after the workspace accepted it", async () => {
    world = await createWorld();
    const p = await world.start();
    world.emu.injectFault({ method: "POST", path: CREATE_PATH, kind: "drop-after", times: 1 });
    const request = await requestLlama(p);
    await p.workflow.approve(request.id, APPROVER);
    await world.step(p);
    expect((await state(p, request.id)).state).toBe("provisioning");
    expect(world.emu.endpoint("llama-13b-3")).toBeDefined();
    await world.step(p, PROVISIONING_MS);
    expect((await state(p, request.id)).state).toBe("ready");
  });

  it("keeps a notice Slack did not take and delivers it later, in order", async () => {
    world = await createWorld();
    const p = await world.start();
    const request = await requestLlama(p);
    p.notifier.failNext(1);
    await p.dispatcher.drain();
    expect(p.notifier.thread(request.id)).toEqual([]);
    await world.step(p, 5_000);
    expect(p.notifier.thread(request.id)).toEqual(["approval_needed"]);
  });

  it("delivers at once, after a restart, the notices the crashed process had claimed", async () => {
    world = await createWorld();
    const file = join(mkdtempSync(join(tmpdir(), "ptbot-")), "ptbot.db");
    const before = await world.start(file);
    const request = await requestLlama(before);
    // The process claims the notice and dies before delivering it: its lease would hold it for two minutes.
    const claimed = await before.store.claimNotices({
      owner: "test-replica",
      now: world.clock.now(),
      leaseMs: 120_000,
      limit: 10,
    });
    expect(claimed).toHaveLength(1);
    await before.close();

    const after = await world.start(file);
    await after.dispatcher.start();
    await after.dispatcher.stop();
    expect(after.notifier.thread(request.id)).toEqual(["approval_needed"]);
  });

  it("reports a request still provisioning past the limit once, and keeps following it", async () => {
    world = await createWorld();
    world.emu.setProvisioningMs(3 * 3_600_000);
    const p = await world.start();
    const request = await requestLlama(p);
    await p.workflow.approve(request.id, APPROVER);
    await world.step(p);
    await world.step(p, 31 * 60_000);
    await world.step(p, 60_000);
    expect(p.notifier.thread(request.id).filter((t) => t === "stuck")).toHaveLength(1);
    await world.step(p, 3 * 3_600_000);
    expect((await state(p, request.id)).state).toBe("ready");
  });

  it("follows endpoints to READY with one list call per tick and one detail read each, to check the band", async () => {
    world = await createWorld();
    const p = await world.start();
    const ids: string[] = [];
    for (const version of [1, 2, 3]) {
      const r = await requestLlama(p, { version, endpointName: `llama-v${version}` });
      await p.workflow.approve(r.id, APPROVER);
      ids.push(r.id);
    }
    await world.step(p);
    world.emu.clearRequests();
    await world.step(p);
    await world.step(p, PROVISIONING_MS);
    for (const id of ids) expect((await state(p, id)).state).toBe("ready");
    expect(world.emu.requestsTo("GET", CREATE_PATH)).toHaveLength(2);
    // The list shows "still provisioning, as last seen" and "READY on this version", but not the band: READY is
    // proven by one detail read per endpoint, at the end.
    expect(world.emu.requestsTo("GET", /^\/api\/2\.0\/serving-endpoints\/llama-v/)).toHaveLength(3);
    for (const id of ids) expect(p.notifier.thread(id)).toContain("ready");
  });
});
