/**
 * Opens the store the configuration names: the SQLite file, or PostgreSQL for replicas sharing one database.
 */
import type { DatabaseConfig } from "../config.js";
import type { Logger } from "../logger.js";
import { SqliteStore } from "./sqlite-store.js";
import type { Store } from "./store.js";

export async function openStore(database: DatabaseConfig, _logger: Logger): Promise<Store> {
  if (database.kind === "sqlite") return SqliteStore.open(database.path);
  throw new Error("PostgreSQL is not wired yet");
}
