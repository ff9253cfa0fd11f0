import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./database.js";

describe("test databases", () => {
  const made: TestDatabase[] = [];
  afterEach(async () => {
    for (const db of made.splice(0)) await db.drop();
  });

  it("gives each test its own empty database on a real PostgreSQL server", async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    made.push(a, b);
    expect(a.name).not.toBe(b.name);
    const client = new pg.Client({ connectionString: a.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; v: string }>(
        "SELECT current_database() AS db, current_setting('server_version_num') AS v",
      );
      expect(rows[0]?.db).toBe(a.name);
      expect(Number(rows[0]?.v)).toBeGreaterThanOrEqual(140000);
      await client.query("CREATE TABLE t (x int)");
    } finally {
      await client.end();
    }
  });

  it("drops a database even while a session is still connected to it", async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    client.on("error", () => {});
    await db.drop();
    await expect(client.query("SELECT 1")).rejects.toThrow();
    await client.end().catch(() => {});
  });
});
