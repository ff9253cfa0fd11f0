import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { describeStoreContract } from "./store-contract.js";

const dir = mkdtempSync(join(tmpdir(), "ptbot-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract("SQLite in memory", {
  create: () => SqliteStore.open(":memory:"),
});

const paths = new WeakMap<Store, string>();
let counter = 0;

describeStoreContract("SQLite on a file", {
  async create() {
    const path = join(dir, `nested-${++counter}`, "ptbot.db");
    const store = await SqliteStore.open(path);
    paths.set(store, path);
    return store;
  },
  async peer(store) {
    const path = paths.get(store);
    if (path === undefined) throw new Error("unknown store");
    const other = await SqliteStore.open(path);
    paths.set(other, path);
    return other;
  },
});
