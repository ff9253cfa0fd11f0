/**
 * The store contract on a real PostgreSQL server (the shared test server, see `test/postgres/`): each store gets a
 * fresh database, and its peer is a second `PostgresStore` (a second pool, as a second replica) on that database.
 */
import { afterAll } from "vitest";
import { PostgresStore } from "../../src/store/postgres-store.js";
import type { Store } from "../../src/store/store.js";
import { createTestDatabase, type TestDatabase } from "../postgres/database.js";
import { describeStoreContract } from "./store-contract.js";

const databases: TestDatabase[] = [];
const urls = new WeakMap<Store, string>();
afterAll(async () => {
  for (const db of databases.splice(0)) await db.drop();
});

describeStoreContract("PostgreSQL", {
  async create() {
    const db = await createTestDatabase();
    databases.push(db);
    const store = await PostgresStore.open(db.url, { poolSize: 4 });
    urls.set(store, db.url);
    return store;
  },
  async peer(store) {
    const url = urls.get(store);
    if (url === undefined) throw new Error("unknown store");
    const other = await PostgresStore.open(url, { poolSize: 4 });
    urls.set(other, url);
    return other;
  },
});
