/**
 * A fresh database for one test (or one suite) on the shared test server (see `global-setup.ts`), and a way to drop
 * it. Databases are cheap (a copy of `template0`), so tests never clean tables by hand or depend on each other.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export interface TestDatabase {
  /** A URL of the new database, as `PTBOT_DATABASE_URL` takes it. */
  readonly url: string;
  readonly name: string;
  /** Drops the database, ending any session still connected to it. Idempotent. */
  drop(): Promise<void>;
}

/** The shared server's URL (the test's own `PTBOT_TEST_DATABASE_URL`, or the embedded server). */
export function testServerUrl(): string {
  return inject("postgresServerUrl");
}

/** Creates an empty database on `serverUrl` (default: the shared test server). */
export async function createTestDatabase(serverUrl: string = testServerUrl()): Promise<TestDatabase> {
  const name = `ptbot_test_${randomBytes(6).toString("hex")}`;
  await admin(serverUrl, `CREATE DATABASE ${name} TEMPLATE template0`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
