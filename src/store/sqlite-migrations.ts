/**
 * The SQLite schema, as an ordered list of migrations. Each runs once, in its own `BEGIN IMMEDIATE` transaction,
 * and is recorded in `schema_migrations`; re-running (or two processes starting together) is a no-op. Append new
 * migrations; never edit one that has shipped.
 */
import type { DatabaseSync } from "node:sqlite";
import { refuseNewerSchema } from "./schema-too-new.js";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "requests and audit log",
    sql: `
      CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        version INTEGER NOT NULL,
        workspace TEXT NOT NULL,
        endpoint_name TEXT,
        channel_id TEXT NOT NULL,
        message_channel_id TEXT,
        message_ts TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_until INTEGER,
        next_check_at INTEGER,
        body TEXT NOT NULL
      ) STRICT;
      CREATE INDEX requests_by_state ON requests (state, next_check_at);
      CREATE INDEX requests_by_endpoint ON requests (workspace, endpoint_name);
      CREATE INDEX requests_by_message ON requests (message_channel_id, message_ts);
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL REFERENCES requests (id),
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        before TEXT,
        after TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_by_request ON audit_log (request_id, seq);
    `,
  },
  {
    version: 2,
    name: "notice outbox",
    sql: `
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL REFERENCES requests (id),
        notice TEXT NOT NULL,
        request TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        lease_owner TEXT,
        lease_until INTEGER,
        done_at INTEGER
      ) STRICT;
      CREATE INDEX outbox_pending ON outbox (status, request_id, seq);
      CREATE INDEX requests_by_lease_owner ON requests (lease_owner);
    `,
  },
  {
    version: 3,
    name: "expiry index",
    sql: `
      CREATE INDEX requests_by_expiry ON requests (state, expires_at);
      CREATE INDEX outbox_by_lease_owner ON outbox (lease_owner);
    `,
  },
  {
    version: 4,
    name: "one live request per endpoint name",
    // Requests stored before this could hold a name twice: the oldest keeps it, so the index can be built.
    sql: `
      ALTER TABLE requests ADD COLUMN held_endpoint_name TEXT;
      UPDATE requests SET held_endpoint_name = COALESCE(endpoint_name, json_extract(body, '$.ask.endpointName'))
        WHERE state NOT IN ('ready', 'failed', 'unresolvable', 'rejected', 'cancelled', 'expired');
      UPDATE requests SET held_endpoint_name = NULL
        WHERE held_endpoint_name IS NOT NULL AND EXISTS (
          SELECT 1 FROM requests o
          WHERE o.workspace = requests.workspace AND o.held_endpoint_name = requests.held_endpoint_name
            AND (o.created_at < requests.created_at OR (o.created_at = requests.created_at AND o.id < requests.id)));
      CREATE UNIQUE INDEX requests_holding_name ON requests (workspace, held_endpoint_name)
        WHERE held_endpoint_name IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: "workspace poll leases",
    sql: `
      CREATE TABLE workspace_polls (
        workspace TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        polled_at INTEGER NOT NULL,
        next_poll_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 6,
    name: "outbox claims",
    // How often each notice was claimed: one claimed before may have reached Slack (see `OutboxItem.claimedBefore`).
    // A pending notice leased or tried before this migration counts as claimed once.
    sql: `
      ALTER TABLE outbox ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;
      UPDATE outbox SET claims = 1 WHERE status = 'pending' AND (lease_owner IS NOT NULL OR attempts > 0);
    `,
  },
  {
    version: 7,
    name: "policy checksum in the audit log",
    // The checksum of the policy each change was judged by (issue 14); rows written before it have none.
    sql: "ALTER TABLE audit_log ADD COLUMN policy_checksum TEXT;",
  },
  {
    version: 8,
    name: "endpoint lifetimes",
    // When a ready deploy's endpoint lifetime next needs ptbot (its notice, then its expiry); null once nothing is
    // due. Requests stored before lifetimes existed have none.
    sql: `
      ALTER TABLE requests ADD COLUMN lifetime_due_at INTEGER;
      CREATE INDEX requests_by_lifetime_due ON requests (lifetime_due_at) WHERE lifetime_due_at IS NOT NULL;
    `,
  },
];

/**
 * Applies the migrations `db` has not seen yet, in order; returns the versions applied now. Throws
 * `SchemaTooNewError` (applying nothing) when the file was migrated by a newer ptbot than this one.
 */
export function migrate(
  db: DatabaseSync,
  migrations: readonly Migration[] = SQLITE_MIGRATIONS,
  now: () => number = Date.now,
): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  refuseNewerSchema(
    db
      .prepare("SELECT version FROM schema_migrations")
      .all()
      .map((row) => Number(row.version)),
    migrations.map((m) => m.version),
  );
  const isApplied = db.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    db.exec("BEGIN IMMEDIATE");
    try {
      // Checked inside the write transaction: another process may have applied it a moment ago.
      if (isApplied.get(migration.version) === undefined) {
        db.exec(migration.sql);
        record.run(migration.version, migration.name, now());
        applied.push(migration.version);
      }
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }
  return applied;
}
