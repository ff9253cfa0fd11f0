/**
 * The PostgreSQL schema, as an ordered list of migrations with its own numbering (the SQLite list is another one).
 * {@link migrate} runs at open, in one transaction under a transaction-level advisory lock with a fixed key, so
 * replicas starting together migrate exactly once: the first takes the lock and applies what is missing, the others
 * wait for it and then find nothing left to do. Append new migrations; never edit one that has shipped.
 *
 * Timestamps are epoch milliseconds in `BIGINT` columns (as the domain counts time); request snapshots are JSON in
 * `text` columns, which keep any string the domain stores (`jsonb` refuses `\u0000`). Ids and names are `COLLATE "C"`
 * so that ordering is by code point on every server, as in SQLite, whatever the database's default collation.
 */
import type pg from "pg";
import { refuseNewerSchema } from "./schema-too-new.js";

export interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "requests, audit log, notice outbox and workspace poll leases",
    sql: `
      CREATE TABLE requests (
        id TEXT COLLATE "C" PRIMARY KEY,
        state TEXT NOT NULL,
        version INTEGER NOT NULL,
        workspace TEXT COLLATE "C" NOT NULL,
        endpoint_name TEXT COLLATE "C",
        held_endpoint_name TEXT COLLATE "C",
        channel_id TEXT NOT NULL,
        message_channel_id TEXT,
        message_ts TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        lease_owner TEXT,
        lease_until BIGINT,
        next_check_at BIGINT,
        body TEXT NOT NULL
      );
      CREATE INDEX requests_by_state ON requests (state, next_check_at);
      CREATE INDEX requests_by_endpoint ON requests (workspace, endpoint_name);
      CREATE INDEX requests_by_message ON requests (message_channel_id, message_ts);
      CREATE INDEX requests_by_expiry ON requests (state, expires_at);
      CREATE INDEX requests_by_lease_owner ON requests (lease_owner);
      -- One live request per endpoint name and workspace: the second of two racing writers is refused.
      CREATE UNIQUE INDEX requests_holding_name ON requests (workspace, held_endpoint_name)
        WHERE held_endpoint_name IS NOT NULL;

      CREATE TABLE audit_log (
        seq BIGSERIAL PRIMARY KEY,
        request_id TEXT COLLATE "C" NOT NULL REFERENCES requests (id),
        at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        before TEXT,
        after TEXT NOT NULL
      );
      CREATE INDEX audit_log_by_request ON audit_log (request_id, seq);

      CREATE TABLE outbox (
        seq BIGSERIAL PRIMARY KEY,
        request_id TEXT COLLATE "C" NOT NULL REFERENCES requests (id),
        notice TEXT NOT NULL,
        request TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT,
        lease_owner TEXT,
        lease_until BIGINT,
        done_at BIGINT
      );
      CREATE INDEX outbox_pending ON outbox (request_id, seq) WHERE status = 'pending';
      CREATE INDEX outbox_by_lease_owner ON outbox (lease_owner);

      CREATE TABLE workspace_polls (
        workspace TEXT COLLATE "C" PRIMARY KEY,
        owner TEXT NOT NULL,
        polled_at BIGINT NOT NULL,
        next_poll_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "outbox claims",
    // How often each notice was claimed: one claimed before may have reached Slack (see `OutboxItem.claimedBefore`).
    // A pending notice leased or tried before this migration counts as claimed once.
    sql: `
      ALTER TABLE outbox ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;
      UPDATE outbox SET claims = 1 WHERE status = 'pending' AND (lease_owner IS NOT NULL OR attempts > 0);
    `,
  },
  {
    version: 3,
    name: "policy checksum in the audit log",
    // The checksum of the policy each change was judged by (issue 14); rows written before it have none.
    sql: "ALTER TABLE audit_log ADD COLUMN policy_checksum TEXT;",
  },
  {
    version: 4,
    name: "endpoint lifetimes",
    // When a ready deploy's endpoint lifetime next needs ptbot (its notice, then its expiry); null once nothing is
    // due. Requests stored before lifetimes existed have none.
    sql: `
      ALTER TABLE requests ADD COLUMN lifetime_due_at BIGINT;
      CREATE INDEX requests_by_lifetime_due ON requests (lifetime_due_at) WHERE lifetime_due_at IS NOT NULL;
    `,
  },
];

/**
 * The advisory lock key under which ptbot migrates (any fixed 64-bit number; this one spells "ptbot" in ASCII), so
 * that it does not collide with another application's lock on a shared server.
 */
export const MIGRATION_LOCK_KEY = 0x7074626f74n;

/** How long a replica waits for another one's migration before giving up on starting. */
const LOCK_WAIT_MS = 5 * 60_000;

/**
 * Applies the migrations the database has not seen yet, in version order, all in one transaction under the
 * advisory lock; returns the versions applied now. Throws `SchemaTooNewError` (applying nothing) when the database
 * was migrated by a newer ptbot than this one. A failing migration rolls everything back and records nothing.
 */
export async function migrate(
  client: pg.ClientBase,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
  now: () => number = Date.now,
): Promise<number[]> {
  await client.query("BEGIN");
  try {
    // Waiting for another replica's migration, and a migration itself, may outlast the pool's statement and query
    // timeouts (meant for a network cut or a stuck statement): this transaction's statements get the lock's bound.
    await client.query(`SET LOCAL statement_timeout = ${LOCK_WAIT_MS}`);
    await client.query({
      text: "SELECT pg_advisory_xact_lock($1)",
      values: [MIGRATION_LOCK_KEY.toString()],
      query_timeout: LOCK_WAIT_MS,
    } as pg.QueryConfig);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`);
    const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
    const done = new Set(rows.map((row) => Number(row.version)));
    refuseNewerSchema(
      [...done],
      migrations.map((m) => m.version),
    );
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
        migration.version,
        migration.name,
        now(),
      ]);
      applied.push(migration.version);
    }
    await client.query("COMMIT");
    return applied;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
