/**
 * What only the PostgreSQL store has: migrations under an advisory lock (replicas starting together), a schema newer
 * than the build refused, and the database out of reach (a server halted, a network cut) failing calls with
 * `StoreUnavailableError` within seconds, without crashing, and working again once it is back.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { migrate, POSTGRES_MIGRATIONS } from "../../src/store/postgres-migrations.js";
import { PostgresStore } from "../../src/store/postgres-store.js";
import { StoreUnavailableError } from "../../src/store/store-unavailable.js";
import { waitUntil } from "../chaos/wait-until.js";
import { T0 } from "../domain/fixtures.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { startCutProxy } from "../postgres/cut-proxy.js";
import { createTestDatabase, type TestDatabase, testServerUrl } from "../postgres/database.js";
import { startTestPostgres, type TestPostgres } from "../postgres/server.js";
import { OPENED, requestIn } from "./contract/support.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(serverUrl?: string): Promise<TestDatabase> {
  const db = await createTestDatabase(serverUrl);
  cleanups.push(() => db.drop());
  return db;
}

async function open(url: string, options: Parameters<typeof PostgresStore.open>[1] = {}) {
  const store = await PostgresStore.open(url, { poolSize: 3, ...options });
  cleanups.push(() => store.close());
  return store;
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Resolves with how long `call` took to reject, failing when it resolves. */
async function rejectionTime(call: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  try {
    await call;
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
  throw new Error("expected a rejection");
}

describe("PostgreSQL migrations", () => {
  it("five replicas opening a fresh database at once apply each migration exactly once", async () => {
    const db = await database();
    const stores = await Promise.all(
      Array.from({ length: 5 }, (_, i) => open(db.url, { now: () => 1000 + i, poolSize: 1 })),
    );
    const rows = await sql<{ version: number; applied_at: string }>(
      db.url,
      "SELECT version, applied_at FROM schema_migrations ORDER BY version",
    );
    expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    // One replica applied them all, in one go.
    expect(new Set(rows.map((r) => r.applied_at)).size).toBe(1);
    // Every replica works on the result.
    await stores[0]?.insert(requestIn("provisioning", { id: "p-1" }), OPENED);
    for (const store of stores) expect((await store.get("p-1"))?.id).toBe("p-1");
  });

  it("needs no superuser: a login role that owns its database migrates it and works", async (context) => {
    const suffix = randomBytes(4).toString("hex");
    const [role, name] = [`ptbot_role_${suffix}`, `ptbot_owned_${suffix}`];
    const admin = testServerUrl();
    // The embedded server's user may; a PTBOT_TEST_DATABASE_URL of a CI service may only create databases.
    const [may] = await sql<{ may: boolean }>(
      admin,
      "SELECT rolsuper OR rolcreaterole AS may FROM pg_roles WHERE rolname = current_user",
    );
    if (may?.may !== true) context.skip("the test server's user cannot create roles");
    await sql(admin, `CREATE ROLE ${role} LOGIN PASSWORD 'owner-pw' NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    cleanups.push(() => sql(admin, `DROP ROLE IF EXISTS ${role}`));
    await sql(admin, `CREATE DATABASE ${name} OWNER ${role} TEMPLATE template0`);
    cleanups.push(() => sql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const url = new URL(admin);
    url.username = role;
    url.password = "owner-pw";
    url.pathname = `/${name}`;
    const store = await open(url.toString());
    await store.insert(requestIn("provisioning", { id: "p-1" }), OPENED);
    expect(
      (await store.claimDue({ owner: "o", now: T0 + 1, leaseMs: 1000, limit: 1, states: ["provisioning"] }))
        .length,
    ).toBe(1);
  });

  it("reopening applies nothing new", async () => {
    const db = await database();
    await (await PostgresStore.open(db.url, { now: () => 111 })).close();
    await (await PostgresStore.open(db.url, { now: () => 222 })).close();
    const rows = await sql<{ applied_at: string }>(db.url, "SELECT applied_at FROM schema_migrations");
    expect(rows.map((r) => Number(r.applied_at))).toEqual(POSTGRES_MIGRATIONS.map(() => 111));
  });

  it("refuses a database migrated by a newer ptbot, naming both versions, and changes nothing", async () => {
    const db = await database();
    await (await PostgresStore.open(db.url)).close();
    await sql(db.url, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 1)");
    const known = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));
    const refused = PostgresStore.open(db.url);
    await expect(refused).rejects.toMatchObject({
      code: "schema_too_new",
      databaseVersion: 99,
      knownVersion: known,
    });
    await expect(refused).rejects.toThrow(new RegExp(`version 99.*version ${known}.*upgrade this replica`));
    expect(await sql(db.url, "SELECT version FROM schema_migrations ORDER BY version")).toHaveLength(
      POSTGRES_MIGRATIONS.length + 1,
    );
  });

  it("rolls a failing migration back and records nothing", async () => {
    const db = await database();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    cleanups.push(() => client.end());
    const broken = { version: 2, name: "broken", sql: "CREATE TABLE half (id int); SELECT nonsense(" };
    await expect(migrate(client, [...POSTGRES_MIGRATIONS, broken])).rejects.toThrow();
    expect((await client.query("SELECT to_regclass('schema_migrations') AS t")).rows[0]?.t).toBeNull();
    expect((await client.query("SELECT to_regclass('half') AS t")).rows[0]?.t).toBeNull();
    expect(await migrate(client)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
  });
});

describe("PostgreSQL out of reach", () => {
  let server: TestPostgres | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("a halted server fails calls with StoreUnavailableError within seconds; once it is back the same store works", async () => {
    server ??= await startTestPostgres();
    const db = await database(server.url);
    const { logger, lines } = memoryLogger("warn");
    const store = await open(db.url, { logger, connectionTimeoutMs: 1_000, queryTimeoutMs: 2_000 });
    const r = requestIn("provisioning", { id: "p-1" });
    await store.insert(r, OPENED);
    // Connections sit idle in the pool when the server goes: they must be dropped, not crash the process.
    await Promise.all([store.get("p-1"), store.countByState(), store.get("p-1")]);
    await server.halt();

    const calls = [
      store.get("p-1"),
      store.insert(requestIn("provisioning", { id: "p-2" }), OPENED),
      store.save({ ...r, version: r.version + 1 }, r.version, OPENED),
      store.claimDue({ owner: "o", now: r.createdAt, leaseMs: 1000, limit: 5, states: ["provisioning"] }),
      store.claimNotices({ owner: "o", now: r.createdAt, leaseMs: 1000, limit: 5 }),
      store.claimPoll({ workspace: "default", owner: "o", now: r.createdAt, intervalMs: 1000 }),
    ];
    for (const { ms, error } of await Promise.all(calls.map(rejectionTime))) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ code: "store_unavailable" });
      expect(ms).toBeLessThan(5_000);
    }
    expect(lines.some((l) => l.msg === "postgres idle connection lost")).toBe(true);
    expect(JSON.stringify(lines)).not.toContain("ptbot-test");

    await server.start();
    expect(await store.get("p-1")).toEqual(r);
    await store.insert(requestIn("provisioning", { id: "p-3" }), OPENED);
    expect((await store.get("p-3"))?.id).toBe("p-3");
    expect(await store.get("p-2")).toBeUndefined();
  });

  it("a network cut fails calls in seconds (connect and query timeouts); once healed the same store works", async () => {
    const db = await database();
    const proxy = await startCutProxy(db.url);
    cleanups.push(() => proxy.close());
    const store = await open(proxy.url, { connectionTimeoutMs: 1_000, queryTimeoutMs: 1_500 });
    const r = requestIn("provisioning", { id: "p-1" });
    await store.insert(r, OPENED);
    proxy.cut();
    // An open connection waits for an answer that never comes (query timeout); a new one never completes its
    // handshake (connect timeout). Three calls on a pool of three use both.
    const calls = [
      store.get("p-1"),
      store.countByState(),
      store.save({ ...r, version: 2 }, 1, OPENED),
      store.get("p-1"),
    ];
    for (const { ms, error } of await Promise.all(calls.map(rejectionTime))) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(ms).toBeLessThan(5_000);
    }
    proxy.heal();
    expect(await store.get("p-1")).toEqual(r);
  });

  it("a replica cut off in the middle of a write holds the request's row lock briefly, not for hours", async () => {
    const db = await database();
    const r = requestIn("provisioning", { id: "p-1" });
    const b = await open(db.url, { queryTimeoutMs: 2_000 });
    await b.insert(r, OPENED);
    // Replica A's network goes once its write has locked and updated the row: the server keeps that session (and
    // the lock) open, waiting for the rest of a transaction that never comes, as for a host that died.
    let cutMidWrite = false;
    const proxy = await startCutProxy(db.url, {
      cutBefore: (chunk) => (cutMidWrite ||= chunk.includes("INSERT INTO audit_log")),
    });
    cleanups.push(() => proxy.close());
    const a = await open(proxy.url, { queryTimeoutMs: 3_000, idleInTransactionTimeoutMs: 300 });
    const lost = rejectionTime(
      a.save({ ...r, version: r.version + 1, updatedAt: r.updatedAt + 1 }, r.version, OPENED),
    );
    await waitUntil(() => cutMidWrite, { timeoutMs: 2_000, description: "A's write to be cut midway" });

    // Replica B's write of the same request waits for the lock only until the server ends A's idle transaction.
    expect(
      await b.save({ ...r, version: r.version + 1, updatedAt: r.updatedAt + 2 }, r.version, OPENED),
    ).toBe(true);
    expect((await b.get("p-1"))?.updatedAt).toBe(r.updatedAt + 2);
    expect((await lost).error).toBeInstanceOf(StoreUnavailableError);
  });

  it("a claim stuck on a lock is cancelled by the server before the client gives up, so it never commits later", async () => {
    const db = await database();
    const store = await open(db.url, { queryTimeoutMs: 3_000, statementTimeoutMs: 1_000 });
    const r = requestIn("provisioning", { id: "p-1" });
    await store.insert(r, OPENED);
    // Something holds the table (a migration, an operator): the claim waits on the lock, past the client's patience.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    cleanups.push(() => holder.end());
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE requests IN ACCESS EXCLUSIVE MODE");

    const { ms, error } = await rejectionTime(
      store.claimDue({
        owner: "gave-up",
        now: r.createdAt,
        leaseMs: 60_000,
        limit: 5,
        states: ["provisioning"],
      }),
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    // Cancelled by the server (57014), not abandoned by the client ("Query read timeout").
    expect((error as Error).cause).toMatchObject({ code: "57014" });
    expect(ms).toBeLessThan(3_000);
    // The server gave up on it too: nothing of the store's is left waiting to run (and commit) once the lock goes.
    const waiting = await holder.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    expect(waiting.rows[0].n).toBe(0);
    await holder.query("ROLLBACK");
    const leases = await sql<{ lease_owner: string | null }>(db.url, "SELECT lease_owner FROM requests");
    expect(leases).toEqual([{ lease_owner: null }]);
    // The same connection pool goes on working.
    expect(await store.get("p-1")).toEqual(r);
  });

  it("opening a server that cannot be reached fails with StoreUnavailableError", async () => {
    const db = await database();
    const proxy = await startCutProxy(db.url);
    cleanups.push(() => proxy.close());
    proxy.cut();
    const { ms, error } = await rejectionTime(PostgresStore.open(proxy.url, { connectionTimeoutMs: 500 }));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(ms).toBeLessThan(3_000);
  });
});
