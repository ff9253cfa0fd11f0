/**
 * The requests role (`RequestStore`) and the audit rows its writes append (`AuditLog`): insert, get, compare-and-set
 * save, the queries, and one live request per endpoint name.
 */
import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../../src/domain/events.js";
import type { DeployState } from "../../../src/domain/request.js";
import { transition } from "../../../src/domain/transition.js";
import { EndpointNameHeldError } from "../../../src/store/request-store.js";
import type { Store } from "../../../src/store/store.js";
import { approver, observation, opened, policy, resolvedEvent, T0 } from "../../domain/fixtures.js";
import { type ContractContext, HOUR_MS, OPENED, requestIn, step } from "./support.js";

export function describeRequestsContract(ctx: ContractContext): void {
  const { target, create, peerOf } = ctx;
  it("round-trips a request through insert and get", async () => {
    const store = await create();
    const request = requestIn("provisioning", { id: "r-1" });
    await store.insert(request, OPENED);
    expect(await store.get("r-1")).toEqual(request);
    expect(await store.get("nope")).toBeUndefined();
  });

  it("refuses a second insert with the same id, writing nothing", async () => {
    const store = await create();
    await store.insert(opened({ id: "r-1" }), OPENED);
    await expect(store.insert(requestIn("ready", { id: "r-1" }), OPENED)).rejects.toMatchObject({
      code: "request_exists",
    });
    expect((await store.get("r-1"))?.state).toBe("resolving");
    expect(await store.audit("r-1")).toHaveLength(1);
  });

  it("saves with compare-and-set and appends one audit entry per change", async () => {
    const store = await create();
    const first = opened({ id: "r-1" });
    await store.insert(first, OPENED);
    const resolved = transition(
      first,
      { type: "resolution_failed", code: "model_not_found", message: "y" },
      { now: T0 + 1, policy },
    );
    if (!resolved.ok) throw new Error("fixture");
    expect(
      await store.save(resolved.request, 1, { actor: "system", action: "resolution_failed", at: T0 + 1 }),
    ).toBe(true);
    expect(await store.get("r-1")).toEqual(resolved.request);

    const audit = await store.audit("r-1");
    expect(audit).toEqual([
      {
        requestId: "r-1",
        at: T0,
        actor: "U_REQ",
        action: "opened",
        fromState: null,
        toState: "resolving",
        before: null,
        after: first,
      },
      {
        requestId: "r-1",
        at: T0 + 1,
        actor: "system",
        action: "resolution_failed",
        fromState: "resolving",
        toState: "unresolvable",
        before: first,
        after: resolved.request,
      },
    ]);
  });

  it("records the policy checksum with each audit row that carries one, in the endpoint's changes too", async () => {
    const store = await create();
    const base = requestIn("provisioning", { id: "r-1" });
    await store.insert(base, { ...OPENED, policyChecksum: "sum-a" });
    const ready = transition(
      base,
      {
        type: "provisioning_succeeded",
        endpoint: observation({ ready: "READY", configUpdate: "NOT_UPDATING" }),
      },
      { now: T0 + 10, policy },
    );
    if (!ready.ok) throw new Error("fixture");
    await store.save(ready.request, base.version, {
      actor: "system",
      action: "provisioning_succeeded",
      at: T0 + 10,
      policyChecksum: "sum-b",
    });
    expect((await store.audit("r-1")).map((e) => e.policyChecksum)).toEqual(["sum-a", "sum-b"]);
    const changes = await store.endpointChanges(base.workspace, base.endpointName ?? "", { limit: 5 });
    expect(changes.map((e) => e.policyChecksum)).toEqual(["sum-b"]);
    // A row written without one has none (not an empty string).
    const other = requestIn("awaiting_approval", { id: "r-2" });
    await store.insert(other, OPENED);
    expect((await store.audit("r-2"))[0]).not.toHaveProperty("policyChecksum");
  });

  it("a stale version writes nothing and appends no audit entry", async () => {
    const store = await create();
    const base = requestIn("awaiting_approval", { id: "r-1" });
    await store.insert(base, OPENED);
    const a = transition(base, { type: "approved", by: approver, revision: 1 }, { now: T0 + 10, policy });
    const b = transition(base, { type: "cancelled", by: { id: "U_REQ" } }, { now: T0 + 11, policy });
    if (!a.ok || !b.ok) throw new Error("fixture");
    expect(
      await store.save(a.request, base.version, { actor: "U_APPROVER", action: "approved", at: T0 + 10 }),
    ).toBe(true);
    expect(
      await store.save(b.request, base.version, { actor: "U_REQ", action: "cancelled", at: T0 + 11 }),
    ).toBe(false);
    expect((await store.get("r-1"))?.state).toBe("approved");
    expect((await store.audit("r-1")).map((e) => e.action)).toEqual(["opened", "approved"]);
  });

  it("save of an unknown id is false and writes nothing", async () => {
    const store = await create();
    const ghost = requestIn("awaiting_approval", { id: "ghost" });
    const next = transition(ghost, { type: "approved", by: approver, revision: 1 }, { now: T0 + 10, policy });
    if (!next.ok) throw new Error("fixture");
    expect(await store.save(next.request, ghost.version, OPENED)).toBe(false);
    expect(await store.get("ghost")).toBeUndefined();
    expect(await store.audit("ghost")).toEqual([]);
  });

  it("refuses a save whose version is not expected + 1", async () => {
    const store = await create();
    const base = opened({ id: "r-1" });
    await store.insert(base, OPENED);
    await expect(store.save({ ...base, version: 5 }, 1, OPENED)).rejects.toMatchObject({
      code: "invalid_save",
    });
    expect(await store.get("r-1")).toEqual(base);
  });

  it("follows a request through its whole life, one audit entry per transition", async () => {
    const store = await create();
    let r = opened({ id: "r-1" });
    await store.insert(r, OPENED);
    const path: DeployEvent[] = [
      { type: "message_posted", message: { channelId: "C_DEPLOYS", ts: "1700000000.000100" } },
      {
        type: "resolved",
        model: {
          fullName: "ml.llm-catalog.llama-13b",
          version: 3,
          modelType: "llama",
          unit: "tokens_per_second",
          chunkSize: 980,
        },
        plan: { minMultiple: 2, maxMultiple: 3, scaleToZero: false },
        endpointName: "llama-13b-3",
        mode: { kind: "create" },
      },
      { type: "approved", by: approver, revision: 1 },
      { type: "create_started" },
    ];
    for (const [i, event] of path.entries()) r = await step(store, r, event, T0 + (i + 1) * 1000);
    expect(await store.get("r-1")).toEqual(r);
    const audit = await store.audit("r-1");
    expect(audit.map((e) => [e.action, e.fromState, e.toState, e.actor])).toEqual([
      ["opened", null, "resolving", "U_REQ"],
      ["message_posted", "resolving", "resolving", "system"],
      ["resolved", "resolving", "awaiting_approval", "system"],
      ["approved", "awaiting_approval", "approved", "U_APPROVER"],
      ["create_started", "approved", "creating", "system"],
    ]);
    expect(audit.map((e) => e.after.version)).toEqual([1, 2, 3, 4, 5]);
  });

  it("answers an endpoint's last changes: outcomes of ptbot's work on it, newest first, with a limit", async () => {
    const store = await create();
    /** A request for `endpointName` taken to `end`, through its Databricks work. */
    const life = async (
      id: string,
      endpointName: string,
      start: number,
      end: "ready" | "refused" | "none",
    ) => {
      let r = opened({ id, now: start });
      await store.insert(r, { ...OPENED, at: start });
      const events: DeployEvent[] = [resolvedEvent({ endpointName })];
      events.push(
        end === "none" ? { type: "rejected", by: approver } : { type: "approved", by: approver, revision: 1 },
      );
      if (end !== "none") events.push({ type: "create_started" });
      if (end === "refused")
        events.push({ type: "create_failed", code: "databricks_invalid", message: "no" });
      if (end === "ready") {
        events.push(
          { type: "create_retrying", since: start, message: "slow", noticeAfterMs: HOUR_MS },
          { type: "create_accepted", endpoint: observation({ observedAt: start }) },
          {
            type: "provisioning_succeeded",
            endpoint: observation({ ready: "READY", configUpdate: "NOT_UPDATING", observedAt: start }),
          },
        );
      }
      for (const [i, event] of events.entries()) r = await step(store, r, event, start + (i + 1) * 1000);
    };
    await life("first", "ep", T0, "ready");
    await life("refused", "ep", T0 + HOUR_MS, "refused");
    await life("other-endpoint", "elsewhere", T0 + 2 * HOUR_MS, "ready");
    await life("never-sent", "ep", T0 + 3 * HOUR_MS, "none");
    await life("second", "ep", T0 + 4 * HOUR_MS, "ready");

    const changes = await store.endpointChanges("default", "ep", { limit: 10 });
    expect(changes.map((e) => [e.requestId, e.action, e.fromState, e.toState])).toEqual([
      ["second", "provisioning_succeeded", "provisioning", "ready"],
      ["refused", "create_failed", "creating", "failed"],
      ["first", "provisioning_succeeded", "provisioning", "ready"],
    ]);
    // The snapshot says who asked and who approved; `at` says when.
    expect(changes[0]?.after.approvals.map((a) => a.by)).toEqual([approver.id]);
    expect(changes[0]?.after.requester.id).toBe("U_REQ");
    expect(changes[0]?.at).toBe(T0 + 4 * HOUR_MS + 6000);
    expect((await store.endpointChanges("default", "ep", { limit: 1 })).map((e) => e.requestId)).toEqual([
      "second",
    ]);
    expect(await store.endpointChanges("w2", "ep", { limit: 10 })).toEqual([]);
    expect(await store.endpointChanges("default", "nothing", { limit: 10 })).toEqual([]);
  });

  it("lists a delete among an endpoint's last changes: deleting → deleted (or failed), who asked and approved", async () => {
    const store = await create();
    const made = opened({ id: "made", now: T0 });
    await store.insert(made, { ...OPENED, at: T0 });
    let r = await step(store, made, resolvedEvent({ endpointName: "ep" }), T0);
    for (const [i, event] of [
      ...([
        { type: "approved", by: approver, revision: 1 },
        { type: "create_started" },
        { type: "create_accepted", endpoint: observation({ observedAt: T0 }) },
        {
          type: "provisioning_succeeded",
          endpoint: observation({ ready: "READY", configUpdate: "NOT_UPDATING", observedAt: T0 }),
        },
      ] satisfies DeployEvent[]),
    ].entries()) {
      r = await step(store, r, event, T0 + (i + 1) * 1000);
    }
    const del = async (id: string, start: number, end: "deleted" | "failed") => {
      const asked = { ...opened({ id, now: start }), kind: "delete" as const };
      await store.insert(asked, { ...OPENED, at: start });
      let d = await step(store, asked, resolvedEvent({ endpointName: "ep" }), start);
      const events: DeployEvent[] = [
        { type: "approved", by: approver, revision: 1, confirmedName: "ep" },
        { type: "create_started" },
        end === "deleted"
          ? { type: "deleted" }
          : { type: "create_failed", code: "databricks_invalid", message: "no" },
      ];
      for (const [i, event] of events.entries()) d = await step(store, d, event, start + (i + 1) * 1000);
      expect(d.state).toBe(end);
    };
    await del("refused-delete", T0 + HOUR_MS, "failed");
    await del("delete", T0 + 2 * HOUR_MS, "deleted");
    const changes = await store.endpointChanges("default", "ep", { limit: 10 });
    expect(changes.map((e) => [e.requestId, e.action, e.fromState, e.toState])).toEqual([
      ["delete", "deleted", "deleting", "deleted"],
      ["refused-delete", "create_failed", "deleting", "failed"],
      ["made", "provisioning_succeeded", "provisioning", "ready"],
    ]);
    expect(changes[0]?.after.kind).toBe("delete");
    expect(changes[0]?.after.approvals.map((a) => a.by)).toEqual([approver.id]);
    expect(changes[0]?.at).toBe(T0 + 2 * HOUR_MS + 3000);
  });

  it("lists by state, oldest first, with a limit", async () => {
    const store = await create();
    await store.insert(requestIn("provisioning", { id: "p-2", now: T0 + 2000 }), OPENED);
    await store.insert(requestIn("provisioning", { id: "p-1", now: T0 }), OPENED);
    await store.insert(requestIn("ready", { id: "done", now: T0 }), OPENED);
    await store.insert(requestIn("awaiting_approval", { id: "a-1", now: T0 + 1000 }), OPENED);
    const ids = async (states: DeployState[], limit?: number) =>
      (await store.listByStates(states, limit === undefined ? {} : { limit })).map((r) => r.id);
    expect(await ids(["provisioning"])).toEqual(["p-1", "p-2"]);
    expect(await ids(["provisioning", "awaiting_approval"])).toEqual(["p-1", "a-1", "p-2"]);
    expect(await ids(["provisioning", "awaiting_approval"], 2)).toEqual(["p-1", "a-1"]);
    expect(await ids(["failed"])).toEqual([]);
    expect(await ids([])).toEqual([]);
  });

  it("lists undecided requests past their expiry, soonest first, with a limit", async () => {
    const store = await create();
    const ttl = requestIn("awaiting_approval").expiresAt - T0;
    await store.insert(requestIn("awaiting_approval", { id: "a-2", now: T0 + 2000 }), OPENED);
    await store.insert(requestIn("resolving", { id: "r-1", now: T0 }), OPENED);
    await store.insert(requestIn("awaiting_approval", { id: "a-late", now: T0 + HOUR_MS }), OPENED);
    // Decided or in-flight requests never expire, whatever their expiry says.
    await store.insert(requestIn("provisioning", { id: "p-1", now: T0 }), OPENED);
    await store.insert(requestIn("rejected", { id: "x-1", now: T0 }), OPENED);
    const ids = async (now: number, limit?: number) =>
      (await store.listExpired(now, limit === undefined ? {} : { limit })).map((r) => r.id);
    expect(await ids(T0 + ttl - 1)).toEqual([]);
    expect(await ids(T0 + ttl)).toEqual(["r-1"]);
    expect(await ids(T0 + ttl + 2000)).toEqual(["r-1", "a-2"]);
    expect(await ids(T0 + ttl + 2000, 1)).toEqual(["r-1"]);
    expect(await ids(T0 + ttl + HOUR_MS)).toEqual(["r-1", "a-2", "a-late"]);
  });

  it("lists the lifetimes due (notice, then expiry), soonest first, and none once handled or ended", async () => {
    const store = await create();
    const ready = (id: string, expiresAt: number, extra: object = {}) => ({
      ...requestIn("ready", { id, now: T0 }),
      lifetime: { expiresAt, noticeMs: HOUR_MS, ...extra },
    });
    await store.insert(ready("l-1", T0 + 3 * HOUR_MS), OPENED);
    await store.insert(ready("l-2", T0 + 2 * HOUR_MS), OPENED);
    await store.insert(ready("sent", T0 + 2 * HOUR_MS, { noticeSentAt: T0 }), OPENED);
    await store.insert(ready("done", T0, { expired: { at: T0, action: "notify" } }), OPENED);
    await store.insert(ready("ended", T0, { ended: { at: T0, by: "x" } }), OPENED);
    await store.insert(requestIn("ready", { id: "no-ttl", now: T0 }), OPENED);
    const ids = async (now: number, limit?: number) =>
      (await store.listLifetimesDue(now, limit === undefined ? {} : { limit })).map((r) => r.id);
    expect(await ids(T0 + HOUR_MS - 1)).toEqual([]);
    // l-2's notice is due an hour before its expiry; 'sent' had its notice, so its expiry is what is due.
    expect(await ids(T0 + HOUR_MS)).toEqual(["l-2"]);
    expect(await ids(T0 + 2 * HOUR_MS)).toEqual(["l-2", "l-1", "sent"]);
    expect(await ids(T0 + 2 * HOUR_MS, 1)).toEqual(["l-2"]);
    // A save moves the due time with the lifetime: the notice sent, the expiry is next.
    const l2 = await store.get("l-2");
    if (l2 === undefined) throw new Error("l-2 missing");
    const next = {
      ...l2,
      version: l2.version + 1,
      lifetime: { expiresAt: T0 + 2 * HOUR_MS, noticeMs: HOUR_MS, noticeSentAt: T0 + HOUR_MS },
    };
    expect(await store.save(next, l2.version, { actor: "system", action: "lifetime_notice", at: T0 })).toBe(
      true,
    );
    expect(await ids(T0 + HOUR_MS)).toEqual([]);
    const handled = {
      ...next,
      version: next.version + 1,
      lifetime: { ...next.lifetime, expired: { at: T0, action: "delete" as const } },
    };
    expect(
      await store.save(handled, next.version, { actor: "policy", action: "lifetime_expired", at: T0 }),
    ).toBe(true);
    expect(await ids(T0 + 10 * HOUR_MS)).toEqual(["l-1", "sent"]);
  });

  describe("one live request per endpoint name", () => {
    it("refuses a second live request for a held name, naming the holder and writing nothing", async () => {
      const store = await create();
      await store.insert(requestIn("awaiting_approval", { id: "first", endpointName: "ep" }), OPENED);
      const second = requestIn("provisioning", { id: "second", endpointName: "ep" });
      const refused = await store.insert(second, OPENED, [{ type: "card_changed" }]).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(EndpointNameHeldError);
      expect((refused as EndpointNameHeldError).holder.id).toBe("first");
      expect((refused as EndpointNameHeldError).endpointName).toBe("ep");
      expect(await store.get("second")).toBeUndefined();
      expect(await store.audit("second")).toEqual([]);
      expect((await store.findHolder("default", "ep"))?.id).toBe("first");
      // Terminal requests hold nothing; another workspace has names of its own.
      await store.insert(requestIn("ready", { id: "done", endpointName: "ep" }), OPENED);
      await store.insert({ ...second, workspace: "w2" }, OPENED);
      expect((await store.findHolder("w2", "ep"))?.id).toBe("second");
      expect(await store.findHolder("default", "nothing")).toBeUndefined();
    });

    it("holds a name typed with --name from the insert, while the request resolves", async () => {
      const store = await create();
      const named = (id: string) => {
        const r = opened({ id });
        return { ...r, ask: { ...r.ask, endpointName: "typed" } };
      };
      await store.insert(named("first"), OPENED);
      await expect(store.insert(named("second"), OPENED)).rejects.toBeInstanceOf(EndpointNameHeldError);
      expect((await store.findHolder("default", "typed"))?.state).toBe("resolving");
    });

    it("refuses the save that would take a held name, until the holder ends", async () => {
      const store = await create();
      let holder = requestIn("awaiting_approval", { id: "holder", endpointName: "ep" });
      await store.insert(holder, OPENED);
      const racer = opened({ id: "racer", now: T0 + 5 });
      await store.insert(racer, OPENED);
      const resolved = resolvedEvent({ endpointName: "ep" });
      await expect(step(store, racer, resolved, T0 + 10)).rejects.toBeInstanceOf(EndpointNameHeldError);
      expect(await store.get("racer")).toEqual(racer);
      expect((await store.audit("racer")).map((e) => e.action)).toEqual(["opened"]);
      holder = await step(store, holder, { type: "cancelled", by: { id: holder.requester.id } }, T0 + 20);
      const won = await step(store, racer, resolved, T0 + 30);
      expect((await store.findHolder("default", "ep"))?.id).toBe(won.id);
    });

    it("holds a delete's name while deleting and frees it once deleted; a request stored without a kind reads as one", async () => {
      const store = await create();
      const deploy = requestIn("ready", { id: "before-kinds", endpointName: "ep" });
      await store.insert(deploy, OPENED);
      expect((await store.get("before-kinds"))?.kind).toBeUndefined();
      const deleting = requestIn("deleting", { id: "del", endpointName: "ep" });
      await store.insert(deleting, OPENED);
      expect(await store.get("del")).toEqual(deleting);
      expect((await store.get("del"))?.kind).toBe("delete");
      expect((await store.findHolder("default", "ep"))?.id).toBe("del");
      const claimed = await store.claimDue({
        owner: "t",
        now: T0 + HOUR_MS,
        leaseMs: 1000,
        limit: 10,
        states: ["deleting"],
      });
      expect(claimed.map((r) => r.id)).toEqual(["del"]);
      await store.releaseLease("del", "t");
      const deleted = await step(store, deleting, { type: "deleted" }, T0 + HOUR_MS);
      expect(deleted.state).toBe("deleted");
      expect(await store.findHolder("default", "ep")).toBeUndefined();
      expect((await store.audit("del")).map((e) => [e.action, e.toState])).toEqual([
        ["opened", "deleting"],
        ["deleted", "deleted"],
      ]);
      await store.insert(requestIn("awaiting_approval", { id: "next", endpointName: "ep" }), OPENED);
      expect((await store.findHolder("default", "ep"))?.id).toBe("next");
      expect(await store.countByState()).toEqual({ ready: 1, deleted: 1, awaiting_approval: 1 });
    });

    it("of two stores racing for one name, exactly one holds it", async () => {
      const store = await create();
      const others = target.peer === undefined ? [store] : [store, await peerOf(store)];
      const racers = Array.from({ length: 6 }, (_, i) => opened({ id: `racer-${i}` }));
      for (const r of racers) await store.insert(r, OPENED);
      const outcomes = await Promise.allSettled(
        racers.map((r, i) =>
          step(others[i % others.length] as Store, r, resolvedEvent({ endpointName: "ep" }), T0 + 10),
        ),
      );
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === "rejected") expect(o.reason).toBeInstanceOf(EndpointNameHeldError);
      }
    });
  });

  it("finds every request for an endpoint, newest first, and counts requests by state", async () => {
    const store = await create();
    await store.insert(requestIn("ready", { id: "old", endpointName: "ep" }), OPENED);
    await store.insert(requestIn("provisioning", { id: "new", endpointName: "ep", now: T0 + 5 }), OPENED);
    await store.insert(requestIn("provisioning", { id: "other", endpointName: "ep-2", now: T0 + 9 }), OPENED);
    expect((await store.findByEndpointName("default", "ep")).map((r) => r.id)).toEqual(["new", "old"]);
    expect((await store.findByEndpointName("default", "ep", { limit: 1 })).map((r) => r.id)).toEqual(["new"]);
    expect(await store.findByEndpointName("w2", "ep")).toEqual([]);
    expect(await store.countByState()).toEqual({ ready: 1, provisioning: 2 });
  });
}
