/**
 * The behaviour every {@link Store} must have, role by role: the requests (`RequestStore`: insert, get, compare-and-set
 * save with its audit row, the queries, one holder per endpoint name), the audit log (`AuditLog`, read back here to
 * check each write appended one entry), the tracker's leases (`WorkQueue`, "tracker leases"), the notice outbox
 * (`Outbox`, "notice outbox"), and data shared between two stores. Each implementation's test file calls
 * {@link describeStoreContract} with a way to open stores; this file holds no tests of its own.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Notice } from "../../src/domain/effects.js";
import type { DeployEvent } from "../../src/domain/events.js";
import { eventActor } from "../../src/domain/events.js";
import type { DeployRequest, DeployState } from "../../src/domain/request.js";
import { ACTIVE_STATES } from "../../src/domain/request.js";
import { transition } from "../../src/domain/transition.js";
import type { AuditInput } from "../../src/store/audit-log.js";
import type { OutboxItem } from "../../src/store/outbox.js";
import { EndpointNameHeldError } from "../../src/store/request-store.js";
import type { Store } from "../../src/store/store.js";
import {
  approver,
  requestIn as fixtureRequestIn,
  opened,
  policy,
  resolvedEvent,
  T0,
} from "../domain/fixtures.js";

/**
 * A request in `state`, on an endpoint name of its own unless one is given: a store holds each name for one live
 * request at a time, so requests that are not about that rule must not share one.
 */
function requestIn(...[state, options = {}]: Parameters<typeof fixtureRequestIn>): DeployRequest {
  return fixtureRequestIn(state, { endpointName: `ep-${options.id ?? "req-1"}`, ...options });
}

export interface StoreTarget {
  /** Opens a new, empty store. */
  create(): Promise<Store>;
  /**
   * Opens another store on the same data as `store` (as a second process would), also after `store` was closed.
   * Omit when the implementation cannot share data (in-memory).
   */
  peer?(store: Store): Promise<Store>;
}

const HOUR_MS = 3_600_000;
const OPENED: AuditInput = { actor: "U_REQ", action: "opened", at: T0 };

/** Applies `event` and saves it with compare-and-set; returns the saved request, failing on rejection or conflict. */
async function step(store: Store, request: DeployRequest, event: DeployEvent, now: number) {
  const result = transition(request, event, { now, policy });
  if (!result.ok) throw new Error(`${event.type} rejected: ${result.rejection.message}`);
  const saved = await store.save(result.request, request.version, {
    actor: eventActor(event),
    action: event.type,
    at: now,
  });
  if (!saved) throw new Error(`${event.type}: compare-and-set lost`);
  return result.request;
}

export function describeStoreContract(name: string, target: StoreTarget): void {
  describe(`Store contract: ${name}`, () => {
    const open: Store[] = [];
    const create = async () => {
      const store = await target.create();
      open.push(store);
      return store;
    };
    const peerOf = async (store: Store) => {
      if (target.peer === undefined) throw new Error("no peer");
      const other = await target.peer(store);
      open.push(other);
      return other;
    };

    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
    });

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
      const next = transition(
        ghost,
        { type: "approved", by: approver, revision: 1 },
        { now: T0 + 10, policy },
      );
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

    describe("one live request per endpoint name", () => {
      it("refuses a second live request for a held name, naming the holder and writing nothing", async () => {
        const store = await create();
        await store.insert(requestIn("awaiting_approval", { id: "first", endpointName: "ep" }), OPENED);
        const second = requestIn("provisioning", { id: "second", endpointName: "ep" });
        const refused = await store
          .insert(second, OPENED, [{ type: "card_changed" }])
          .catch((e: unknown) => e);
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
      await store.insert(
        requestIn("provisioning", { id: "other", endpointName: "ep-2", now: T0 + 9 }),
        OPENED,
      );
      expect((await store.findByEndpointName("default", "ep")).map((r) => r.id)).toEqual(["new", "old"]);
      expect((await store.findByEndpointName("default", "ep", { limit: 1 })).map((r) => r.id)).toEqual([
        "new",
      ]);
      expect(await store.findByEndpointName("w2", "ep")).toEqual([]);
      expect(await store.countByState()).toEqual({ ready: 1, provisioning: 2 });
    });

    describe("tracker leases", () => {
      const claim = (store: Store, owner: string, now: number, limit = 10) =>
        store.claimDue({ owner, now, leaseMs: 60_000, limit, states: ["provisioning", "approved"] });

      it("claims due requests in the given states, soonest check first", async () => {
        const store = await create();
        await store.insert(requestIn("provisioning", { id: "p-1" }), OPENED);
        await store.insert(requestIn("provisioning", { id: "p-2" }), OPENED);
        await store.insert(requestIn("provisioning", { id: "later" }), OPENED);
        await store.insert(requestIn("approved", { id: "a-1", now: T0 + 5 }), OPENED);
        await store.insert(requestIn("awaiting_approval", { id: "waiting" }), OPENED);
        await store.insert(requestIn("ready", { id: "done" }), OPENED);
        expect(await store.scheduleCheck("later", T0 + 10_000)).toBe(true);
        expect(await store.scheduleCheck("p-2", T0 + 100)).toBe(true);
        expect(await store.scheduleCheck("unknown", T0)).toBe(false);

        const first = await claim(store, "t1", T0 + 1000);
        // Unscheduled counts as due now; scheduled-in-the-future is not due.
        expect(first.map((r) => r.id)).toEqual(["p-1", "a-1", "p-2"]);
        expect(await claim(store, "t2", T0 + 1000)).toEqual([]);
        expect((await claim(store, "t2", T0 + 10_000)).map((r) => r.id)).toEqual(["later"]);
      });

      it("respects the limit", async () => {
        const store = await create();
        for (let i = 0; i < 5; i++) await store.insert(requestIn("provisioning", { id: `p-${i}` }), OPENED);
        expect(await claim(store, "t1", T0 + HOUR_MS, 2)).toHaveLength(2);
        expect(await claim(store, "t2", T0 + HOUR_MS, 10)).toHaveLength(3);
        expect(await claim(store, "t3", T0 + HOUR_MS, 0)).toEqual([]);
      });

      it("two owners, 50 concurrent claims of 10 requests: each request is claimed once", async () => {
        const store = await create();
        const other = target.peer === undefined ? store : await peerOf(store);
        for (let i = 0; i < 10; i++) await store.insert(requestIn("provisioning", { id: `p-${i}` }), OPENED);
        const claims = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            i % 2 === 0 ? claim(store, "owner-a", T0 + HOUR_MS, 1) : claim(other, "owner-b", T0 + HOUR_MS, 1),
          ),
        );
        const claimedIds = claims.flat().map((r) => r.id);
        expect(claimedIds).toHaveLength(10);
        expect(new Set(claimedIds).size).toBe(10);
      });

      it("an expired lease lets another owner claim; a running one does not, not even for its holder", async () => {
        const store = await create();
        await store.insert(requestIn("provisioning", { id: "p-1" }), OPENED);
        const now = T0 + HOUR_MS;
        expect(await claim(store, "a", now)).toHaveLength(1);
        expect(await claim(store, "a", now + 59_999)).toEqual([]);
        expect(await claim(store, "b", now + 59_999)).toEqual([]);
        expect((await claim(store, "b", now + 60_000)).map((r) => r.id)).toEqual(["p-1"]);
        // "a" lost the lease: it can neither renew nor release it.
        expect(await store.renewLease("p-1", "a", now + 200_000)).toBe(false);
        expect(await store.releaseLease("p-1", "a")).toBe(false);
        expect(await claim(store, "a", now + 60_001)).toEqual([]);
      });

      it("renewing keeps the lease; releasing frees it at once", async () => {
        const store = await create();
        await store.insert(requestIn("provisioning", { id: "p-1" }), OPENED);
        const now = T0 + HOUR_MS;
        await claim(store, "a", now);
        expect(await store.renewLease("p-1", "a", now + 120_000)).toBe(true);
        expect(await claim(store, "b", now + 90_000)).toEqual([]);
        expect(await store.releaseLease("p-1", "a")).toBe(true);
        expect(await store.releaseLease("p-1", "a")).toBe(false);
        expect((await claim(store, "b", now + 90_000)).map((r) => r.id)).toEqual(["p-1"]);
      });

      it("leases and check schedules do not bump the version, so a click never conflicts with the tracker", async () => {
        const store = await create();
        const r = requestIn("provisioning", { id: "p-1" });
        await store.insert(r, OPENED);
        const now = T0 + HOUR_MS;
        await claim(store, "tracker", now);
        await store.renewLease("p-1", "tracker", now + 120_000);
        await store.scheduleCheck("p-1", now + 15_000);
        expect(await store.get("p-1")).toEqual(r);
        // The request is still writable at its version while leased.
        await step(store, r, { type: "message_posted", message: { channelId: "C", ts: "9.9" } }, now + 1);
        expect((await store.get("p-1"))?.version).toBe(r.version + 1);
        expect((await store.audit("p-1")).map((e) => e.action)).toEqual(["opened", "message_posted"]);
        await store.releaseLease("p-1", "tracker");
        expect((await store.get("p-1"))?.version).toBe(r.version + 1);
      });

      it("releaseLeasesOf frees every lease of one owner and no other", async () => {
        const store = await create();
        for (let i = 0; i < 4; i++) await store.insert(requestIn("provisioning", { id: `p-${i}` }), OPENED);
        const now = T0 + HOUR_MS;
        await claim(store, "a", now, 3);
        await claim(store, "b", now, 1);
        expect(await store.releaseLeasesOf("a")).toBe(3);
        expect(await store.releaseLeasesOf("a")).toBe(0);
        expect((await claim(store, "c", now + 1)).map((r) => r.id)).toEqual(["p-0", "p-1", "p-2"]);
        expect(await store.renewLease("p-3", "b", now + 120_000)).toBe(true);
      });

      it("a state the caller does not claim is never claimed", async () => {
        const store = await create();
        for (const state of ACTIVE_STATES) await store.insert(requestIn(state, { id: `r-${state}` }), OPENED);
        const claimed = await store.claimDue({
          owner: "t",
          now: T0 + HOUR_MS,
          leaseMs: 1000,
          limit: 100,
          states: ["creating"],
        });
        expect(claimed.map((r) => r.state)).toEqual(["creating"]);
        expect(
          await store.claimDue({ owner: "t", now: T0 + HOUR_MS, leaseMs: 1000, limit: 100, states: [] }),
        ).toEqual([]);
      });
    });

    describe("notice outbox", () => {
      const card: Notice = { type: "card_changed" };
      const claimNotices = (store: Store, owner: string, now: number, limit = 50) =>
        store.claimNotices({ owner, now, leaseMs: 60_000, limit });
      const summary = (items: OutboxItem[]) => items.map((i) => `${i.requestId}:${i.notice.type}`);

      /** A request inserted with `onInsert` notices, then saved once with `notices`. */
      async function withNotices(store: Store, id: string, notices: Notice[], onInsert: Notice[] = [card]) {
        const base = requestIn("awaiting_approval", { id });
        await store.insert(base, OPENED, onInsert);
        const next = transition(
          base,
          { type: "approved", by: approver, revision: 1 },
          { now: T0 + 10, policy },
        );
        if (!next.ok) throw new Error("fixture");
        expect(
          await store.save(
            next.request,
            base.version,
            { actor: "U", action: "approved", at: T0 + 10 },
            notices,
          ),
        ).toBe(true);
        return { base, next: next.request };
      }

      it("queues notices with the write, and hands out only the head of each request's queue", async () => {
        const store = await create();
        const { base, next } = await withNotices(store, "r-1", [
          card,
          { type: "approved", by: ["U_APPROVER"] },
        ]);
        await withNotices(store, "r-2", [card]);
        const first = await claimNotices(store, "d", T0 + 20);
        expect(summary(first)).toEqual(["r-1:card_changed", "r-2:card_changed"]);
        // Each notice carries the request as saved with it.
        expect(first[0]?.request).toEqual(base);
        expect(first[0]?.attempts).toBe(0);
        for (const item of first) expect(await store.completeNotice(item.id, "d")).toBe(true);
        const second = await claimNotices(store, "d", T0 + 21);
        expect(summary(second)).toEqual(["r-1:card_changed", "r-2:card_changed"]);
        expect(second[0]?.request).toEqual(next);
        for (const item of second) await store.completeNotice(item.id, "d");
        const third = await claimNotices(store, "d", T0 + 22);
        expect(summary(third)).toEqual(["r-1:approved"]);
        await store.completeNotice(third[0]?.id ?? -1, "d");
        expect(await claimNotices(store, "d", T0 + 23)).toEqual([]);
      });

      it("a lost compare-and-set queues nothing", async () => {
        const store = await create();
        const base = requestIn("awaiting_approval", { id: "r-1" });
        await store.insert(base, OPENED);
        const won = transition(
          base,
          { type: "approved", by: approver, revision: 1 },
          { now: T0 + 10, policy },
        );
        const lost = transition(base, { type: "rejected", by: approver }, { now: T0 + 11, policy });
        if (!won.ok || !lost.ok) throw new Error("fixture");
        expect(await store.save(won.request, base.version, OPENED, [card])).toBe(true);
        expect(
          await store.save(lost.request, base.version, OPENED, [{ type: "rejected", by: "U_APPROVER" }]),
        ).toBe(false);
        expect(summary(await claimNotices(store, "d", T0 + 20))).toEqual(["r-1:card_changed"]);
        const [only] = await claimNotices(store, "d", T0 + 60_020);
        await store.completeNotice(only?.id ?? -1, "d");
        expect(await claimNotices(store, "d", T0 + 60_021)).toEqual([]);
      });

      it("a failed insert queues nothing", async () => {
        const store = await create();
        await store.insert(opened({ id: "r-1" }), OPENED);
        await expect(store.insert(opened({ id: "r-1" }), OPENED, [card])).rejects.toMatchObject({
          code: "request_exists",
        });
        expect(await claimNotices(store, "d", T0)).toEqual([]);
      });

      it("releaseNoticeLeasesOf hands a crashed owner's notices out again at once, and no one else's", async () => {
        const store = await create();
        await withNotices(store, "r-1", []);
        await withNotices(store, "r-2", []);
        const [mine] = await claimNotices(store, "a", T0 + 20, 1);
        const [theirs] = await claimNotices(store, "b", T0 + 20, 1);
        expect([mine?.requestId, theirs?.requestId]).toEqual(["r-1", "r-2"]);
        expect(await store.releaseNoticeLeasesOf("a")).toBe(1);
        expect(await store.releaseNoticeLeasesOf("a")).toBe(0);
        expect(summary(await claimNotices(store, "a", T0 + 21))).toEqual(["r-1:card_changed"]);
      });

      it("a leased head holds back the request's later notices until its lease runs out", async () => {
        const store = await create();
        await withNotices(store, "r-1", [card]);
        const [head] = await claimNotices(store, "a", T0 + 20);
        expect(await claimNotices(store, "b", T0 + 20 + 59_999)).toEqual([]);
        const again = await claimNotices(store, "b", T0 + 20 + 60_000);
        expect(again.map((i) => i.id)).toEqual([head?.id]);
        // "a" lost it: its completion does not count.
        expect(await store.completeNotice(head?.id ?? -1, "a")).toBe(false);
        expect(await store.completeNotice(head?.id ?? -1, "b")).toBe(true);
      });

      it("a retried notice waits until its time, counts the attempt, and keeps its place", async () => {
        const store = await create();
        await withNotices(store, "r-1", [card]);
        await withNotices(store, "r-2", [card]);
        const [head] = await claimNotices(store, "d", T0 + 20, 1);
        expect(head?.requestId).toBe("r-1");
        expect(await store.retryNotice(head?.id ?? -1, "d", T0 + 5_000)).toBe(true);
        expect(await store.retryNotice(head?.id ?? -1, "d", T0 + 5_000)).toBe(false);
        // r-1 waits (its later notices too); r-2 goes on.
        expect(summary(await claimNotices(store, "d", T0 + 4_999))).toEqual(["r-2:card_changed"]);
        const retried = await claimNotices(store, "e", T0 + 5_000);
        expect(retried.map((i) => [i.id, i.attempts])).toEqual([[head?.id, 1]]);
      });

      it("a notice given up lets the next one through", async () => {
        const store = await create();
        await withNotices(store, "r-1", [{ type: "creating" }, card], []);
        const [head] = await claimNotices(store, "d", T0 + 20);
        expect(await store.completeNotice(head?.id ?? -1, "d", { failed: true })).toBe(true);
        expect(summary(await claimNotices(store, "d", T0 + 21))).toEqual(["r-1:card_changed"]);
      });

      it("concurrent claimers never get the same notice", async () => {
        const store = await create();
        const other = target.peer === undefined ? store : await peerOf(store);
        for (let i = 0; i < 10; i++) await store.insert(opened({ id: `r-${i}` }), OPENED, [card]);
        const claims = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            claimNotices(i % 2 === 0 ? store : other, `o-${i % 2}`, T0, 1),
          ),
        );
        const ids = claims.flat().map((item) => item.id);
        expect(ids).toHaveLength(10);
        expect(new Set(ids).size).toBe(10);
      });
    });

    if (target.peer !== undefined) {
      describe("shared data (a second process on the same data)", () => {
        it("compare-and-set holds across two stores", async () => {
          const a = await create();
          const b = await peerOf(a);
          const base = requestIn("awaiting_approval", { id: "r-1" });
          await a.insert(base, OPENED);
          expect(await b.get("r-1")).toEqual(base);
          const viaA = transition(
            base,
            { type: "approved", by: approver, revision: 1 },
            { now: T0 + 10, policy },
          );
          const viaB = transition(base, { type: "rejected", by: approver }, { now: T0 + 11, policy });
          if (!viaA.ok || !viaB.ok) throw new Error("fixture");
          const results = await Promise.all([
            a.save(viaA.request, base.version, { actor: "U_APPROVER", action: "approved", at: T0 + 10 }),
            b.save(viaB.request, base.version, { actor: "U_APPROVER", action: "rejected", at: T0 + 11 }),
          ]);
          expect(results.filter(Boolean)).toHaveLength(1);
          const winner = results[0] ? "approved" : "rejected";
          expect((await a.get("r-1"))?.state).toBe(winner);
          expect((await b.audit("r-1")).map((e) => e.action)).toEqual(["opened", winner]);
        });

        it("reopening keeps requests, audit, leases and schedules", async () => {
          const a = await create();
          const r = requestIn("provisioning", { id: "p-1" });
          await a.insert(r, OPENED);
          await a.insert(requestIn("provisioning", { id: "p-2" }), OPENED);
          await a.claimDue({
            owner: "a",
            now: T0 + HOUR_MS,
            leaseMs: 60_000,
            limit: 1,
            states: ["provisioning"],
          });
          await a.scheduleCheck("p-2", T0 + 2 * HOUR_MS);
          await a.close();
          const b = await peerOf(a);
          expect(await b.get("p-1")).toEqual(r);
          expect((await b.audit("p-1")).map((e) => e.action)).toEqual(["opened"]);
          const claim = (now: number) =>
            b.claimDue({ owner: "b", now, leaseMs: 60_000, limit: 10, states: ["provisioning"] });
          expect(await claim(T0 + HOUR_MS + 1)).toEqual([]);
          expect((await claim(T0 + 2 * HOUR_MS)).map((x) => x.id)).toEqual(["p-1", "p-2"]);
        });
      });
    }

    it("close is idempotent", async () => {
      const store = await target.create();
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
