import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { RequestStore } from "../../src/store/request-store.js";
import { SqliteRequestStore } from "../../src/store/sqlite-request-store.js";
import { describeRequestStoreContract } from "./request-store-contract.js";

const dir = mkdtempSync(join(tmpdir(), "ptbot-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeRequestStoreContract("SQLite in memory", {
  create: () => SqliteRequestStore.open(":memory:"),
});

const paths = new WeakMap<RequestStore, string>();
let counter = 0;

describeRequestStoreContract("SQLite on a file", {
  async create() {
    const path = join(dir, `nested-${++counter}`, "ptbot.db");
    const store = await SqliteRequestStore.open(path);
    paths.set(store, path);
    return store;
  },
  async peer(store) {
    const path = paths.get(store);
    if (path === undefined) throw new Error("unknown store");
    const other = await SqliteRequestStore.open(path);
    paths.set(other, path);
    return other;
  },
});
