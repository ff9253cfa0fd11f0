/**
 * Wake-ups between replicas on a real PostgreSQL (LISTEN/NOTIFY): one replica's announcement is heard by the others
 * within a second, never by itself; a payload that is not ours is ignored; and a replica whose listening connection
 * is cut, or whose server restarts, listens again by itself (and says it may have missed something).
 */
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import type { Logger } from "../../src/logger.js";
import { PostgresWakeups } from "../../src/store/postgres-wakeups.js";
import type { WorkSignal } from "../../src/workflow/apply-event.js";
import { waitUntil } from "../chaos/wait-until.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { type CutProxy, startCutProxy } from "../postgres/cut-proxy.js";
import { createTestDatabase, type TestDatabase } from "../postgres/database.js";
import { startTestPostgres, type TestPostgres } from "../postgres/server.js";

const CREATE: WorkSignal = { create: true, notices: false };
const NOTICES: WorkSignal = { create: false, notices: true };
const CATCH_UP: WorkSignal = { create: true, notices: true };

let databases: TestDatabase[] = [];
let servers: TestPostgres[] = [];
let opened: PostgresWakeups[] = [];
let proxies: CutProxy[] = [];
afterEach(async () => {
  for (const w of opened) await w.close();
  for (const p of proxies) await p.close();
  proxies = [];
  for (const db of databases) await db.drop();
  for (const s of servers) await s.stop();
  opened = [];
  databases = [];
  servers = [];
});

interface Replica {
  readonly wakeups: PostgresWakeups;
  readonly heard: WorkSignal[];
  readonly lines: Record<string, unknown>[];
}

async function replica(
  db: TestDatabase,
  name: string,
  logger?: Logger,
  extra: Partial<Parameters<typeof PostgresWakeups.open>[0]> = {},
): Promise<Replica> {
  const memory = memoryLogger("info");
  const wakeups = await PostgresWakeups.open({
    url: db.url,
    logger: logger ?? memory.logger,
    origin: `replica-${name}`,
    applicationName: `wakeups-${name}`,
    reconnect: { minMs: 20, maxMs: 200 },
    ...extra,
  });
  opened.push(wakeups);
  const heard: WorkSignal[] = [];
  wakeups.subscribe((work) => heard.push(work));
  return { wakeups, heard, lines: memory.lines };
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const within1s = (description: string) => ({ timeoutMs: 1_000, description });

describe("PostgresWakeups", () => {
  it("carries one replica's announcement to the other within a second, never back to itself", async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const a = await replica(db, "a");
    const b = await replica(db, "b");

    await a.wakeups.announce(CREATE);
    await waitUntil(() => b.heard.length > 0, within1s("B to hear A"));
    await b.wakeups.announce(NOTICES);
    await waitUntil(() => a.heard.length > 0, within1s("A to hear B"));
    // Notifications reach a listener in commit order: had A heard its own, it would have come before B's.
    expect(a.heard).toEqual([NOTICES]);
    expect(b.heard).toEqual([CREATE]);
  });

  it("ignores payloads that are not a replica's announcement and goes on hearing", async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const a = await replica(db, "a");
    const b = await replica(db, "b");

    await query(
      db.url,
      `SELECT pg_notify('ptbot_wakeups', 'not json'), pg_notify('ptbot_wakeups', '{"v":1,"from":"x"}'),
        pg_notify('ptbot_wakeups', '{"v":2,"from":"x","create":true,"notices":true}'),
        pg_notify('ptbot_wakeups', '')`,
    );
    await a.wakeups.announce(CREATE);
    await waitUntil(() => b.heard.length > 0, within1s("B to hear A after the malformed ones"));
    expect(b.heard).toEqual([CREATE]);
    expect(b.lines.filter((l) => l.msg === "malformed wakeup ignored")).toHaveLength(4);
  });

  it("listens again after its connection is terminated, and hears the others once it does", async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const a = await replica(db, "a");
    const b = await replica(db, "b");

    const { rows } = await query(
      db.url,
      `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
        WHERE application_name = 'wakeups-b' AND datname = current_database()`,
    );
    expect(rows.length).toBeGreaterThan(0);
    // Back on its own: it says so to its listeners, since it may have missed an announcement meanwhile.
    await waitUntil(() => b.heard.some((w) => w.create && w.notices), {
      timeoutMs: 5_000,
      description: "B to listen again",
    });
    expect(b.heard).toEqual([CATCH_UP]);
    await a.wakeups.announce(CREATE);
    await waitUntil(() => b.heard.length > 1, within1s("B to hear A again"));
    expect(b.heard).toEqual([CATCH_UP, CREATE]);
    const messages = b.lines.map((l) => l.msg);
    expect(messages).toContain("wakeups connection lost");
    expect(messages).toContain("wakeups listening again");
  });

  it("comes back after the server restarts, and never logs the database URL", async () => {
    const server = await startTestPostgres();
    servers.push(server);
    const db = await createTestDatabase(server.url);
    const a = await replica(db, "a");
    const b = await replica(db, "b");

    await server.halt();
    await waitUntil(() => b.lines.some((l) => l.msg === "wakeups reconnect failed"), {
      timeoutMs: 5_000,
      description: "B to try to reconnect while the server is down",
    });
    await a.wakeups.announce(CREATE);
    expect(a.lines.map((l) => l.msg)).toContain("wakeup not announced");
    await server.start();
    await waitUntil(() => b.heard.some((w) => w.create && w.notices), {
      timeoutMs: 10_000,
      description: "B to listen again after the restart",
    });
    await a.wakeups.announce(NOTICES);
    await waitUntil(
      () => b.heard.some((w) => !w.create && w.notices),
      within1s("B to hear A after the restart"),
    );

    const password = decodeURIComponent(new URL(db.url).password);
    for (const lines of [a.lines, b.lines]) {
      const text = JSON.stringify(lines);
      expect(text).not.toContain(db.url);
      expect(text).not.toContain(password);
    }
  });

  it("comes back after a network cut: a reconnect attempt into the cut gives up in time and is tried again", async () => {
    const db = await createTestDatabase();
    databases.push(db);
    const proxy = await startCutProxy(db.url);
    proxies.push(proxy);
    const a = await replica(db, "a");
    const b = await replica(db, "b", undefined, { url: proxy.url, heartbeatMs: 500, timeoutMs: 300 });

    proxy.cut();
    // The heartbeat's query gets no answer; the reconnects that follow get a connection and no handshake.
    await waitUntil(() => b.lines.filter((l) => l.msg === "wakeups reconnect failed").length >= 2, {
      timeoutMs: 5_000,
      description: "B to give up on connecting into the cut, twice",
    });
    proxy.heal();
    await waitUntil(() => b.heard.some((w) => w.create && w.notices), {
      timeoutMs: 5_000,
      description: "B to listen again once the network is back",
    });
    await a.wakeups.announce(CREATE);
    await waitUntil(() => b.heard.some((w) => w.create && !w.notices), within1s("B to hear A after the cut"));
  });
});
