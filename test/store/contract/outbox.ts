/**
 * The notice outbox role (`Outbox`): notices queued with a write, delivered in order per request, leased.
 */
import { describe, expect, it } from "vitest";
import type { Notice } from "../../../src/domain/effects.js";
import { transition } from "../../../src/domain/transition.js";
import type { OutboxItem } from "../../../src/store/outbox.js";
import type { Store } from "../../../src/store/store.js";
import { approver, opened, policy, T0 } from "../../domain/fixtures.js";
import { type ContractContext, OPENED, requestIn } from "./support.js";

export function describeOutboxContract(ctx: ContractContext): void {
  const { target, create, peerOf } = ctx;
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
      const won = transition(base, { type: "approved", by: approver, revision: 1 }, { now: T0 + 10, policy });
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

    it("pruneNotices deletes the notices done (delivered or given up) before the cutoff, never a pending one", async () => {
      const store = await create();
      await withNotices(store, "r-1", []);
      await withNotices(store, "r-2", []);
      await withNotices(store, "r-3", [card]);
      const heads = await claimNotices(store, "d", T0 + 20);
      expect(summary(heads)).toEqual(["r-1:card_changed", "r-2:card_changed", "r-3:card_changed"]);
      const [delivered, givenUp, first] = heads;
      expect(await store.completeNotice(delivered?.id ?? -1, "d")).toBe(true);
      expect(await store.completeNotice(givenUp?.id ?? -1, "d", { failed: true })).toBe(true);
      expect(await store.completeNotice(first?.id ?? -1, "d")).toBe(true);
      // The stores stamp "done" with their own clock (the wall clock here).
      const doneBy = Date.now();
      expect(await store.pruneNotices(doneBy - 3_600_000)).toBe(0);
      expect(await store.pruneNotices(doneBy + 1)).toBe(3);
      expect(await store.pruneNotices(doneBy + 1)).toBe(0);
      // r-3's second notice, pending since long before the cutoff, is still handed out.
      expect(summary(await claimNotices(store, "d", T0 + 21))).toEqual(["r-3:card_changed"]);
      expect(await store.pruneNotices(Number.MAX_SAFE_INTEGER)).toBe(0);
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

    it("says whether a notice was claimed before: a first claim never, a retry, a lease run out or taken back always", async () => {
      const store = await create();
      await withNotices(store, "r-1", [card]);
      await withNotices(store, "r-2", [card]);
      await withNotices(store, "r-3", [card]);
      const first = [
        ...(await claimNotices(store, "a", T0 + 20, 2)),
        ...(await claimNotices(store, "c", T0 + 20, 1)),
      ];
      expect(first.map((i) => [i.requestId, i.claimedBefore])).toEqual([
        ["r-1", false],
        ["r-2", false],
        ["r-3", false],
      ]);
      // r-1 failed and is retried; r-2's owner "a" crashed and starts again; r-3's lease runs out under "c".
      expect(await store.retryNotice(first[0]?.id ?? -1, "a", T0 + 30)).toBe(true);
      expect(await store.releaseNoticeLeasesOf("a")).toBe(1);
      const again = await claimNotices(store, "b", T0 + 20 + 60_000);
      expect(again.map((i) => [i.requestId, i.claimedBefore])).toEqual([
        ["r-1", true],
        ["r-2", true],
        ["r-3", true],
      ]);
      for (const item of again) expect(await store.completeNotice(item.id, "b")).toBe(true);
      // The next notice of a request is a first claim again.
      const next = await claimNotices(store, "b", T0 + 20 + 60_001);
      expect(next.map((i) => [i.requestId, i.claimedBefore])).toEqual([
        ["r-1", false],
        ["r-2", false],
        ["r-3", false],
      ]);
    });

    it("a notice given up lets the next one through", async () => {
      const store = await create();
      await withNotices(store, "r-1", [{ type: "creating" }, card], []);
      const [head] = await claimNotices(store, "d", T0 + 20);
      expect(await store.completeNotice(head?.id ?? -1, "d", { failed: true })).toBe(true);
      expect(summary(await claimNotices(store, "d", T0 + 21))).toEqual(["r-1:card_changed"]);
    });

    it("keeps any text a person typed, NUL characters and lone surrogates included", async () => {
      const store = await create();
      const note = "drop\u0000table \ud800 <!channel> ünïcødé 🚀";
      const rejected: Notice = { type: "rejected", by: "U_APPROVER", note };
      await store.insert(opened({ id: "r-1" }), OPENED, [rejected]);
      const [item] = await claimNotices(store, "d", T0);
      expect(item?.notice).toEqual(rejected);
    });

    it("concurrent claimers never get the same notice", async () => {
      const store = await create();
      const other = target.peer === undefined ? store : await peerOf(store);
      for (let i = 0; i < 10; i++) await store.insert(opened({ id: `r-${i}` }), OPENED, [card]);
      const claims = await Promise.all(
        Array.from({ length: 30 }, (_, i) => claimNotices(i % 2 === 0 ? store : other, `o-${i % 2}`, T0, 1)),
      );
      const ids = claims.flat().map((item) => item.id);
      expect(ids).toHaveLength(10);
      expect(new Set(ids).size).toBe(10);
    });
  });
}
