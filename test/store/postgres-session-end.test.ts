/**
 * A session the server ends (a restart: FATAL 57P01) right as it answers, while another call waits for the pool's
 * only connection: node-postgres hands that connection to the waiting call before the FATAL is read, with no
 * listener on it yet. The store must not crash the process (seen in replicas-chaos: a replica died of an unhandled
 * `error` event on a pg Client during the database restart); the waiting call fails as the database out of reach,
 * and the next call works on a new connection.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PostgresStore } from "../../src/store/postgres-store.js";
import { StoreUnavailableError } from "../../src/store/store-unavailable.js";
import { createTestDatabase } from "../postgres/database.js";
import { startTerminatingProxy } from "../postgres/terminating-proxy.js";
import { OPENED, requestIn } from "./contract/support.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("PostgreSQL ending a session as it answers", () => {
  it("fails the call handed the ended connection as an outage, without an unhandled error", async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const proxy = await startTerminatingProxy(db.url);
    cleanups.push(() => proxy.close());
    const store = await PostgresStore.open(proxy.url, { poolSize: 1 });
    cleanups.push(() => store.close());
    const r = requestIn("provisioning", { id: "p-1" });
    await store.insert(r, OPENED);

    proxy.terminateAfterNextReady();
    // The read takes the one connection; the write (a transaction) waits for it and is handed it as the read's
    // answer arrives, just before the FATAL behind that answer is read.
    const read = store.get("p-1");
    const next = { ...r, version: r.version + 1 };
    const write = store.save(next, r.version, OPENED);
    expect(await read).toEqual(r);
    await expect(write).rejects.toBeInstanceOf(StoreUnavailableError);

    expect(await store.save(next, r.version, OPENED)).toBe(true);
    expect(await store.get("p-1")).toEqual(next);
  });
});
