import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { DeployRequest } from "../../src/domain/request.js";
import { type Migration, migrate, SQLITE_MIGRATIONS } from "../../src/store/sqlite-migrations.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { requestIn as fixtureRequestIn, T0 } from "../domain/fixtures.js";

/**
 * A request in `state`, on an endpoint name of its own unless one is given: a store holds each name for one live
 * request at a time, so requests that are not about that rule must not share one.
 */
function requestIn(...[state, options = {}]: Parameters<typeof fixtureRequestIn>): DeployRequest {
  return fixtureRequestIn(state, { endpointName: `ep-${options.id ?? "req-1"}`, ...options });
}

const dir = mkdtempSync(join(tmpdir(), "ptbot-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pragma = (db: DatabaseSync, name: string) => Object.values(db.prepare(`PRAGMA ${name}`).get() ?? {})[0];

describe("SqliteStore.open", () => {
  it("creates the parent directory and uses WAL", async () => {
    const path = join(dir, "a", "b", "ptbot.db");
    const store = await SqliteStore.open(path);
    expect(existsSync(path)).toBe(true);
    await store.close();
    const db = new DatabaseSync(path);
    expect(pragma(db, "journal_mode")).toBe("wal");
    db.close();
  });

  it("waits for another writer up to the busy timeout, then fails", async () => {
    const path = join(dir, "busy", "ptbot.db");
    const store = await SqliteStore.open(path, { busyTimeoutMs: 100 });
    const other = new DatabaseSync(path);
    other.exec("BEGIN IMMEDIATE");
    try {
      const started = performance.now();
      await expect(
        store.insert(requestIn("resolving"), { actor: "test", action: "opened", at: T0 }),
      ).rejects.toThrow(/locked|busy/i);
      expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    // Once the other writer is gone, the same write goes through.
    await store.insert(requestIn("resolving"), { actor: "test", action: "opened", at: T0 });
    await store.close();
  });

  it("migrates requests that held a name twice: the oldest keeps it, and the store then refuses a third", async () => {
    const path = join(dir, "held-names", "ptbot.db");
    mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path);
    migrate(
      db,
      SQLITE_MIGRATIONS.filter((m) => m.version <= 3),
    );
    const row = db.prepare(`INSERT INTO requests (id, state, version, workspace, endpoint_name, channel_id,
      created_at, updated_at, expires_at, body) VALUES (?, ?, ?, 'default', ?, 'C1', ?, ?, ?, ?)`);
    for (const [id, at] of [
      ["newer", T0 + 5],
      ["older", T0],
    ] as const) {
      const r = requestIn("awaiting_approval", { id, endpointName: "twice", now: at });
      row.run(r.id, r.state, r.version, "twice", r.createdAt, r.updatedAt, r.expiresAt, JSON.stringify(r));
    }
    db.close();
    const store = await SqliteStore.open(path);
    try {
      expect((await store.findHolder("default", "twice"))?.id).toBe("older");
      const third = requestIn("awaiting_approval", { id: "third", endpointName: "twice" });
      await expect(store.insert(third, { actor: "t", action: "opened", at: T0 })).rejects.toThrow(/held/);
    } finally {
      await store.close();
    }
  });

  it("runs migrations once: reopening applies nothing new", async () => {
    const path = join(dir, "migrations", "ptbot.db");
    await (await SqliteStore.open(path, { now: () => 111 })).close();
    await (await SqliteStore.open(path, { now: () => 222 })).close();
    const db = new DatabaseSync(path);
    expect(db.prepare("SELECT version, applied_at FROM schema_migrations ORDER BY version").all()).toEqual(
      SQLITE_MIGRATIONS.map((m) => ({ version: m.version, applied_at: 111 })),
    );
    db.close();
  });
});

describe("migrate", () => {
  const extra: Migration = {
    version: 99,
    name: "notes",
    sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY) STRICT",
  };

  it("applies only what is new, in version order", () => {
    const db = new DatabaseSync(":memory:");
    expect(migrate(db)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
    expect(migrate(db)).toEqual([]);
    expect(migrate(db, [extra, ...SQLITE_MIGRATIONS])).toEqual([99]);
    expect(migrate(db, [...SQLITE_MIGRATIONS, extra])).toEqual([]);
    db.close();
  });

  it("refuses a file migrated by a newer ptbot, naming both versions, and applies nothing", async () => {
    const db = new DatabaseSync(":memory:");
    migrate(
      db,
      SQLITE_MIGRATIONS.filter((m) => m.version <= 3),
    );
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 1)").run();
    const known = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));
    expect(() => migrate(db)).toThrow(
      expect.objectContaining({ code: "schema_too_new", databaseVersion: 99, knownVersion: known }),
    );
    expect(() => migrate(db)).toThrow(new RegExp(`version 99.*version ${known}.*upgrade this replica`));
    expect(db.prepare("SELECT version FROM schema_migrations ORDER BY version").all()).toEqual(
      [1, 2, 3, 99].map((version) => ({ version })),
    );
    db.close();

    const path = join(dir, "too-new", "ptbot.db");
    await (await SqliteStore.open(path)).close();
    const file = new DatabaseSync(path);
    file.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 1)").run();
    file.close();
    await expect(SqliteStore.open(path)).rejects.toMatchObject({ code: "schema_too_new" });
  });

  it("rolls a failing migration back and records nothing", () => {
    const db = new DatabaseSync(":memory:");
    const broken: Migration = {
      version: 99,
      name: "broken",
      sql: "CREATE TABLE half (id INTEGER); SELECT nonsense(",
    };
    expect(() => migrate(db, [...SQLITE_MIGRATIONS, broken])).toThrow();
    expect(db.prepare("SELECT version FROM schema_migrations ORDER BY version").all()).toEqual(
      SQLITE_MIGRATIONS.map((m) => ({ version: m.version })),
    );
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").all()).toEqual([]);
    expect(db.isTransaction).toBe(false);
    db.close();
  });
});

describe("two processes on one file", () => {
  it("claim disjoint sets of requests", async () => {
    const path = join(dir, "processes", "ptbot.db");
    const store = await SqliteStore.open(path);
    const ids = Array.from({ length: 40 }, (_, i) => `p-${String(i).padStart(2, "0")}`);
    for (const id of ids) {
      await store.insert(requestIn("provisioning", { id }), { actor: "test", action: "opened", at: T0 });
    }
    await store.close();

    const worker = fileURLToPath(new URL("./claim-worker.ts", import.meta.url));
    const children = ["owner-a", "owner-b"].map((owner) =>
      spawn(process.execPath, ["--import", "tsx", worker, path, owner, String(T0 + 3_600_000)], {
        stdio: ["pipe", "pipe", "inherit"],
      }),
    );
    const outputs = children.map(
      (child) =>
        new Promise<string[]>((resolve, reject) => {
          let text = "";
          child.stdout.setEncoding("utf8");
          child.stdout.on("data", (chunk: string) => {
            text += chunk;
            // Start both claim loops together, once both processes have opened the store.
            if (chunk.includes("ready")) ready();
          });
          child.on("error", reject);
          child.on("exit", (code) => {
            if (code !== 0) reject(new Error(`worker exited ${code}`));
            else resolve(JSON.parse(text.split("\n").filter(Boolean).at(-1) ?? "[]") as string[]);
          });
        }),
    );
    let readyCount = 0;
    function ready() {
      if (++readyCount === children.length) for (const child of children) child.stdin.write("go\n");
    }
    const [a = [], b = []] = await Promise.all(outputs);
    expect([...a, ...b].sort()).toEqual(ids);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
  });
});
