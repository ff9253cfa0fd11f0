/**
 * Two stores on the same data, as two processes would be: only for targets with `peer`.
 */
import { describe, expect, it } from "vitest";
import { transition } from "../../../src/domain/transition.js";
import { approver, policy, T0 } from "../../domain/fixtures.js";
import { type ContractContext, HOUR_MS, OPENED, requestIn } from "./support.js";

export function describeSharedDataContract(ctx: ContractContext): void {
  const { create, peerOf } = ctx;
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
