/**
 * The polling role (`PollLeases`): one poll of a workspace per interval, fleet-wide.
 */
import { describe, expect, it } from "vitest";
import type { Store } from "../../../src/store/store.js";
import { T0 } from "../../domain/fixtures.js";
import type { ContractContext } from "./support.js";

export function describePollLeasesContract(ctx: ContractContext): void {
  const { target, create, peerOf } = ctx;
  const claim = (store: Store, owner: string, now: number, workspace = "default") =>
    store.claimPoll({ workspace, owner, now, intervalMs: 10_000 });

  describe("workspace poll leases", () => {
    it("gives each interval of a workspace to one claimer, its owner included", async () => {
      const store = await create();
      expect(await claim(store, "a", T0)).toBe(true);
      expect(await claim(store, "b", T0)).toBe(false);
      expect(await claim(store, "a", T0 + 9_999)).toBe(false);
      // The interval ran out: anyone may take the next one, once.
      expect(await claim(store, "b", T0 + 10_000)).toBe(true);
      expect(await claim(store, "a", T0 + 10_001)).toBe(false);
      expect(await claim(store, "a", T0 + 20_000)).toBe(true);
    });

    it("keeps workspaces apart", async () => {
      const store = await create();
      expect(await claim(store, "a", T0, "west")).toBe(true);
      expect(await claim(store, "b", T0, "east")).toBe(true);
      expect(await claim(store, "b", T0, "west")).toBe(false);
    });

    it("lets one of many concurrent claimers win", async () => {
      const store = await create();
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => claim(store, `o-${i}`, T0)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    if (target.peer !== undefined) {
      it("is shared by stores on the same data (replicas)", async () => {
        const a = await create();
        const b = await peerOf(a);
        const wins = await Promise.all([
          ...Array.from({ length: 10 }, (_, i) => claim(a, `a-${i}`, T0)),
          ...Array.from({ length: 10 }, (_, i) => claim(b, `b-${i}`, T0)),
        ]);
        expect(wins.filter(Boolean)).toHaveLength(1);
        expect(await claim(a, "a", T0 + 10_000)).toBe(true);
        expect(await claim(b, "b", T0 + 10_000)).toBe(false);
      });
    }
  });
}
