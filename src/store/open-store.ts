/**
 * Opens the store the configuration names: the SQLite file, or PostgreSQL for replicas sharing one database.
 */
import type { DatabaseConfig } from "../config.js";
import type { Logger } from "../logger.js";
import { PostgresStore } from "./postgres-store.js";
import { SqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";

export async function openStore(database: DatabaseConfig, logger: Logger): Promise<Store> {
  if (database.kind === "sqlite") {
    const store = await SqliteStore.open(database.path);
    logger.info({ store: "sqlite", path: database.path }, "store opened");
    return store;
  }
  const store = await PostgresStore.open(database.url, { logger });
  logger.info({ store: "postgres", ...postgresTarget(database.url) }, "store opened");
  return store;
}

/**
 * The host and database a PostgreSQL URL names, for the log: never the user, the password or the rest of the URL.
 * Parts the URL leaves out (node-postgres then takes `PGHOST`, `PGDATABASE`, ...) are absent.
 */
export function postgresTarget(url: string): { host?: string; database?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {};
  }
  const host = decodeURIComponent(parsed.hostname) || parsed.searchParams.get("host") || undefined;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || undefined;
  return { ...(host === undefined ? {} : { host }), ...(database === undefined ? {} : { database }) };
}
