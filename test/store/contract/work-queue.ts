/**
 * The work queue role (`WorkQueue`): the tracker's leases and check times.
 */
import { describe, expect, it } from "vitest";
import { ACTIVE_STATES } from "../../../src/domain/request.js";
import type { Store } from "../../../src/store/store.js";
import { T0 } from "../../domain/fixtures.js";
import { type ContractContext, HOUR_MS, OPENED, requestIn, step } from "./support.js";

export function describeWorkQueueContract(ctx: ContractContext): void {
  const { target, create, peerOf } = ctx;
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

    it("claims only the requests of the workspaces given, when given (issue 14: each workspace polled on its own)", async () => {
      const store = await create();
      await store.insert({ ...requestIn("provisioning", { id: "dev-1" }), workspace: "dev" }, OPENED);
      await store.insert({ ...requestIn("provisioning", { id: "prod-1" }), workspace: "prod" }, OPENED);
      const claimIn = (workspaces: readonly string[] | undefined) =>
        store.claimDue({
          owner: "t",
          now: T0 + 1000,
          leaseMs: 60_000,
          limit: 10,
          states: ["provisioning"],
          ...(workspaces === undefined ? {} : { workspaces }),
        });
      expect((await claimIn(["prod"])).map((r) => r.id)).toEqual(["prod-1"]);
      expect(await claimIn([])).toEqual([]);
      expect((await claimIn(undefined)).map((r) => r.id)).toEqual(["dev-1"]);
    });

    it("lets only the lease holder (or anyone while it is free) schedule a check when an owner is given", async () => {
      const store = await create();
      await store.insert(requestIn("provisioning", { id: "p-1" }), OPENED);
      const now = T0 + HOUR_MS;
      // Nobody holds it: an owner may schedule.
      expect(await store.scheduleCheck("p-1", now, "old")).toBe(true);
      expect(await claim(store, "new", now)).toHaveLength(1);
      // "old" lost its lease to "new": its late schedule must not move the new holder's check.
      expect(await store.scheduleCheck("p-1", now + 999_000, "old")).toBe(false);
      expect(await store.scheduleCheck("p-1", now + 10_000, "new")).toBe(true);
      expect(await store.releaseLease("p-1", "new")).toBe(true);
      expect(await claim(store, "t3", now + 9_999)).toEqual([]);
      expect((await claim(store, "t3", now + 10_000)).map((r) => r.id)).toEqual(["p-1"]);
    });

    it("reads a request's state alone (issue 16: the tracker's check after its work)", async () => {
      const store = await create();
      await store.insert(requestIn("provisioning", { id: "p-1" }), OPENED);
      expect(await store.stateOf("p-1")).toBe("provisioning");
      expect(await store.stateOf("unknown")).toBeUndefined();
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
}
