/**
 * The behaviour every {@link Store} must have, one describe per role (files in `contract/`): the requests and the
 * audit rows their writes append (`RequestStore`, `AuditLog`), the tracker's leases (`WorkQueue`), the notice outbox
 * (`Outbox`), the fleet's poll leases (`PollLeases`), data shared between two stores, and many writers and claimers at once (replicas). Each implementation's test file calls
 * {@link describeStoreContract} with a way to open stores.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/store.js";
import { describeOutboxContract } from "./contract/outbox.js";
import { describePollLeasesContract } from "./contract/poll-leases.js";
import { describeReplicasContract } from "./contract/replicas.js";
import { describeRequestsContract } from "./contract/requests.js";
import { describeSharedDataContract } from "./contract/shared-data.js";
import type { ContractContext, StoreTarget } from "./contract/support.js";
import { describeWorkQueueContract } from "./contract/work-queue.js";

export type { StoreTarget } from "./contract/support.js";

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

    const ctx: ContractContext = { target, create, peerOf };

    describe("requests and audit", () => describeRequestsContract(ctx));
    describeWorkQueueContract(ctx);
    describeOutboxContract(ctx);
    describePollLeasesContract(ctx);
    if (target.peer !== undefined) describeSharedDataContract(ctx);
    describeReplicasContract(ctx);

    it("close is idempotent", async () => {
      const store = await target.create();
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
