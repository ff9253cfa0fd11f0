/**
 * What several replicas on one database need from a store: many writers and claimers at once, from two stores when
 * the target has a peer (two pools, two processes), else from one. Nothing is handed out twice, exactly one
 * compare-and-set of a version wins, and one request's notices still go out in order while two stores deliver.
 */
import { describe, expect, it } from "vitest";
import type { Notice } from "../../../src/domain/effects.js";
import { transition } from "../../../src/domain/transition.js";
import type { Store } from "../../../src/store/store.js";
import { approver, opened, policy, T0 } from "../../domain/fixtures.js";
import { type ContractContext, HOUR_MS, OPENED, requestIn } from "./support.js";

export function describeReplicasContract(ctx: ContractContext): void {
  const { target, create, peerOf } = ctx;
  const pair = async (): Promise<[Store, Store]> => {
    const a = await create();
    return [a, target.peer === undefined ? a : await peerOf(a)];
  };

  describe("replicas at once", () => {
    it("ten concurrent compare-and-set saves of one version: exactly one wins, with its audit row and notice", async () => {
      const [a, b] = await pair();
      const base = requestIn("awaiting_approval", { id: "r-1" });
      await a.insert(base, OPENED);
      const next = transition(
        base,
        { type: "approved", by: approver, revision: 1 },
        { now: T0 + 10, policy },
      );
      if (!next.ok) throw new Error("fixture");
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? a : b).save(
            next.request,
            base.version,
            { actor: `U-${i}`, action: "approved", at: T0 + 10 },
            [{ type: "cancelled", by: `U-${i}` }],
          ),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = `U-${results.indexOf(true)}`;
      expect((await b.audit("r-1")).map((e) => [e.action, e.actor])).toEqual([
        ["opened", "U_REQ"],
        ["approved", winner],
      ]);
      const queued = await a.claimNotices({ owner: "d", now: T0 + 20, leaseMs: 60_000, limit: 50 });
      expect(queued.map((item) => item.notice)).toEqual([{ type: "cancelled", by: winner }]);
      expect(await b.get("r-1")).toEqual(next.request);
    });

    it("concurrent multi-row claims from two stores hand out each due request once, and every one", async () => {
      const [a, b] = await pair();
      const ids = Array.from({ length: 40 }, (_, i) => `p-${String(i).padStart(2, "0")}`);
      for (const id of ids) await a.insert(requestIn("provisioning", { id }), OPENED);
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? a : b).claimDue({
            owner: `owner-${i}`,
            now: T0 + HOUR_MS,
            leaseMs: 60_000,
            limit: 5,
            states: ["provisioning"],
          }),
        ),
      );
      const claimed = claims.flat().map((r) => r.id);
      expect(claimed.length).toBe(new Set(claimed).size);
      expect([...claimed].sort()).toEqual(ids);
    });

    it("two stores delivering at once send each request's notices once each, in the order they were queued", async () => {
      const [a, b] = await pair();
      const notices = (id: string): Notice[] =>
        Array.from({ length: 12 }, (_, i) => ({
          type: "cancelled",
          by: `${id}-${String(i).padStart(2, "0")}`,
        }));
      for (const id of ["r-1", "r-2", "r-3"]) await a.insert(opened({ id }), OPENED, notices(id));
      const handedOut: string[] = [];
      const completions: boolean[] = [];
      const deliver = async (store: Store, owner: string) => {
        for (;;) {
          const items = await store.claimNotices({ owner, now: T0 + 10, leaseMs: 60_000, limit: 10 });
          if (items.length === 0) return;
          // Recorded when handed out: the next notice of a request cannot be handed out before this one completes.
          for (const item of items) handedOut.push((item.notice as { by: string }).by);
          for (const item of items) completions.push(await store.completeNotice(item.id, owner));
        }
      };
      await Promise.all([deliver(a, "a-1"), deliver(b, "b-1"), deliver(a, "a-2"), deliver(b, "b-2")]);
      expect(completions.every(Boolean)).toBe(true);
      for (const id of ["r-1", "r-2", "r-3"]) {
        expect(handedOut.filter((by) => by.startsWith(`${id}-`))).toEqual(
          notices(id).map((n) => (n as { by: string }).by),
        );
      }
    });
  });
}
