/**
 * The {@link Store} (every role: requests, work queue, outbox, poll leases, audit log) on PostgreSQL, through a
 * node-postgres pool: the shared store of several replicas. The request is stored as JSON beside the columns queries
 * need (the SQL is in `postgres-statements.ts`, the schema in `postgres-migrations.ts`). Every state change is one
 * transaction: the compare-and-set UPDATE (whose row lock serialises writers of one request), its audit row and its
 * outbox notices. Claims use `FOR UPDATE SKIP LOCKED`, so replicas never block each other or claim a row twice.
 *
 * The database out of reach (refused, reset, a server restart ending sessions, a network cut caught by the connect
 * and query timeouts) makes a call reject with {@link StoreUnavailableError} within seconds, never hang or crash
 * the process; the pool drops the broken connection and opens new ones once the server is back.
 */
import pg from "pg";
import type { Notice } from "../domain/effects.js";
import { lifetimeDueAt } from "../domain/lifetime.js";
import type { DeployRequest, DeployState } from "../domain/request.js";
import { heldEndpointName } from "../domain/request.js";
import { createLogger, type Logger } from "../logger.js";
import type { AuditEntry, AuditInput } from "./audit-log.js";
import type { NoticeClaimOptions, OutboxItem } from "./outbox.js";
import type { PollClaimOptions } from "./poll-leases.js";
import { isConnectionFailure, isStatementTimeout } from "./postgres-errors.js";
import { migrate } from "./postgres-migrations.js";
import { SQL } from "./postgres-statements.js";
import { EndpointNameHeldError, InvalidSaveError, RequestExistsError } from "./request-store.js";
import type { Store } from "./store.js";
import { StoreUnavailableError } from "./store-unavailable.js";
import { auditEntryOf, outboxItemOf, requestOf } from "./stored-rows.js";
import type { ClaimOptions } from "./work-queue.js";

export interface PostgresStoreOptions {
  /** Where dropped connections are reported; default silent. */
  readonly logger?: Logger;
  /** Clock for bookkeeping timestamps (`schema_migrations.applied_at`, `outbox.done_at`); default `Date.now`. */
  readonly now?: () => number;
  /** Connections the pool may open; default 10. */
  readonly poolSize?: number;
  /** How long opening a connection may take before the call fails as unavailable; default 5 s. */
  readonly connectionTimeoutMs?: number;
  /** How long a statement may go unanswered before the call fails as unavailable; default 10 s. */
  readonly queryTimeoutMs?: number;
  /**
   * How long the server lets one statement of this store run before cancelling it (SQLSTATE 57014, failing the call
   * as unavailable); default 90 % of {@link queryTimeoutMs}. Below the client's bound on purpose: a claim the client
   * stopped waiting for must not go on to commit on the server, leaving leases held by a replica that does not know
   * it holds them.
   */
  readonly statementTimeoutMs?: number;
  /**
   * How long the server keeps a session of this store idle inside a transaction before ending it; default 30 s. A
   * transaction of ours never waits on anything but the network between its statements, so an idle one belongs to a
   * replica that died or was cut off: without this bound the server would hold its row locks (the request it was
   * writing, the migration lock) until its TCP keepalive gives up, hours later, and every other replica's write of
   * that request would wait on them.
   */
  readonly idleInTransactionTimeoutMs?: number;
}

type Queryable = Pick<pg.PoolClient, "query">;
type Row = Record<string, unknown>;

/** The unique index that keeps one live request per endpoint name (see `postgres-migrations.ts`). */
const HELD_NAME_INDEX = "requests_holding_name";

export class PostgresStore implements Store {
  readonly #pool: pg.Pool;
  readonly #now: () => number;
  readonly #logger: Logger;
  #closed = false;

  private constructor(pool: pg.Pool, now: () => number, logger: Logger) {
    this.#pool = pool;
    this.#now = now;
    this.#logger = logger;
  }

  /**
   * Connects to the database at `url` and migrates it (once across replicas starting together). The URL goes to
   * node-postgres as it is, so `sslmode` in it and the usual `PG*` variables (`PGPASSWORD`, `PGSSLMODE`, ...) work as
   * node-postgres reads them. Rejects with `SchemaTooNewError` when a newer ptbot migrated the database, and with
   * {@link StoreUnavailableError} when the server cannot be reached.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const logger = options.logger ?? createLogger({ level: "silent" });
    const queryTimeoutMs = options.queryTimeoutMs ?? 10_000;
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
      query_timeout: queryTimeoutMs,
      // Sent at connect: the server gives up on a statement before the client does, so nothing the client stopped
      // waiting for (a claim blocked on a lock) commits after the call failed.
      statement_timeout: options.statementTimeoutMs ?? Math.floor(queryTimeoutMs * 0.9),
      idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 30_000,
      // Notices a peer that vanished without closing the connection (a host or network gone) on idle connections.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // An idle connection ended by the server (a restart, a failover, an idle timeout): the pool drops it and opens
    // a new one when needed. Without a listener, node would treat the event as an uncaught error and exit.
    pool.on("error", (error) => {
      logger.warn({ err: error, code: codeOf(error) }, "postgres idle connection lost");
    });
    // Between the pool and a caller a connection has no listener for a moment: the pool takes its own off as it hands
    // the connection over, and the caller's (`#withClient`) goes on only once the promise has resolved. A session the
    // server ends right as it answers (a restart: FATAL 57P01 read with the answer) is heard then, and without a
    // listener node would exit. This one stays for the connection's life; the connection is marked broken either
    // way, so its next statement fails as the database out of reach and the pool drops it.
    pool.on("connect", (client) => {
      client.on("error", (error) => {
        logger.debug({ code: codeOf(error) }, "postgres connection ended between uses");
      });
    });
    const store = new PostgresStore(pool, options.now ?? Date.now, logger);
    try {
      await store.#withClient((client) => migrate(client, undefined, store.#now));
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    return store;
  }

  async insert(request: DeployRequest, audit: AuditInput, notices: readonly Notice[] = []): Promise<void> {
    await this.#holding(request, () =>
      this.#transaction(async (client) => {
        const columns = indexedColumns(request);
        const { rowCount } = await client.query(SQL.insert, [
          ...columns.slice(0, 9),
          request.createdAt,
          ...columns.slice(9),
        ]);
        if (rowCount !== 1) throw new RequestExistsError(request.id);
        await appendAudit(client, null, request, audit);
        await enqueue(client, request, notices, audit.at);
      }),
    );
  }

  async get(id: string): Promise<DeployRequest | undefined> {
    return firstBody(await this.#query(SQL.get, [id]));
  }

  async save(
    next: DeployRequest,
    expectedVersion: number,
    audit: AuditInput,
    notices: readonly Notice[] = [],
  ): Promise<boolean> {
    if (next.version !== expectedVersion + 1) {
      throw new InvalidSaveError(
        `request ${next.id}: next version ${next.version} must be expected version ${expectedVersion} + 1`,
      );
    }
    return this.#holding(next, () =>
      this.#transaction(async (client) => {
        const before = firstBody(
          (await client.query<Row>(SQL.getForVersion, [next.id, expectedVersion])).rows,
        );
        if (before === undefined) return false;
        const { rowCount } = await client.query(SQL.update, [...indexedColumns(next), expectedVersion]);
        if (rowCount !== 1) return false;
        await appendAudit(client, before, next, audit);
        await enqueue(client, next, notices, audit.at);
        return true;
      }),
    );
  }

  async listByStates(
    states: readonly DeployState[],
    options: { readonly limit?: number } = {},
  ): Promise<DeployRequest[]> {
    return bodies(await this.#query(SQL.byStates, [states, options.limit ?? null]));
  }

  async listExpired(now: number, options: { readonly limit?: number } = {}): Promise<DeployRequest[]> {
    return bodies(await this.#query(SQL.expired, [now, options.limit ?? null]));
  }

  async listLifetimesDue(now: number, options: { readonly limit?: number } = {}): Promise<DeployRequest[]> {
    return bodies(await this.#query(SQL.lifetimesDue, [now, options.limit ?? null]));
  }

  async countByState(): Promise<Partial<Record<DeployState, number>>> {
    const counts: Partial<Record<DeployState, number>> = {};
    for (const row of await this.#query(SQL.countByState, []))
      counts[row.state as DeployState] = Number(row.n);
    return counts;
  }

  async findByEndpointName(
    workspace: string,
    endpointName: string,
    options: { readonly limit?: number } = {},
  ): Promise<DeployRequest[]> {
    return bodies(await this.#query(SQL.byEndpoint, [workspace, endpointName, options.limit ?? null]));
  }

  async findHolder(workspace: string, endpointName: string): Promise<DeployRequest | undefined> {
    return firstBody(await this.#query(SQL.holder, [workspace, endpointName]));
  }

  async claimDue(options: ClaimOptions): Promise<DeployRequest[]> {
    const { owner, now, leaseMs, limit, states } = options;
    if (limit <= 0 || states.length === 0) return [];
    const workspaces = options.workspaces ?? null;
    return bodies(await this.#query(SQL.claimDue, [states, now, limit, owner, now + leaseMs, workspaces]));
  }

  async renewLease(id: string, owner: string, until: number): Promise<boolean> {
    return (await this.#changes(SQL.renew, [id, owner, until])) === 1;
  }

  async releaseLease(id: string, owner: string): Promise<boolean> {
    return (await this.#changes(SQL.release, [id, owner])) === 1;
  }

  async releaseLeasesOf(owner: string): Promise<number> {
    return this.#changes(SQL.releaseAll, [owner]);
  }

  async releaseNoticeLeasesOf(owner: string): Promise<number> {
    return this.#changes(SQL.releaseNotices, [owner]);
  }

  async stateOf(id: string): Promise<DeployState | undefined> {
    const state = (await this.#query(SQL.stateOf, [id]))[0]?.state;
    return typeof state === "string" ? (state as DeployState) : undefined;
  }

  async scheduleCheck(id: string, at: number, owner?: string): Promise<boolean> {
    return (await this.#changes(SQL.schedule, [id, at, owner ?? null])) === 1;
  }

  async claimNotices(options: NoticeClaimOptions): Promise<OutboxItem[]> {
    const { owner, now, leaseMs, limit } = options;
    if (limit <= 0) return [];
    const rows = await this.#query(SQL.claimNotices, [now, limit, owner, now + leaseMs]);
    // RETURNING gives the count after this claim.
    return rows.map((row) => outboxItemOf(row, Number(row.claims) > 1));
  }

  async completeNotice(
    id: number,
    owner: string,
    options: { readonly failed?: boolean } = {},
  ): Promise<boolean> {
    const failed = options.failed === true;
    const status = failed ? "failed" : "delivered";
    return (await this.#changes(SQL.completeNotice, [id, owner, status, failed ? 1 : 0, this.#now()])) === 1;
  }

  async retryNotice(id: number, owner: string, at: number): Promise<boolean> {
    return (await this.#changes(SQL.retryNotice, [id, owner, at])) === 1;
  }

  async pruneNotices(before: number): Promise<number> {
    return await this.#changes(SQL.pruneNotices, [before]);
  }

  async claimPoll(options: PollClaimOptions): Promise<boolean> {
    const { workspace, owner, now, intervalMs } = options;
    return (await this.#changes(SQL.claimPoll, [workspace, owner, now, now + intervalMs])) === 1;
  }

  async audit(requestId: string): Promise<AuditEntry[]> {
    return (await this.#query(SQL.audit, [requestId])).map(auditEntryOf);
  }

  async endpointChanges(
    workspace: string,
    endpointName: string,
    options: { readonly limit: number },
  ): Promise<AuditEntry[]> {
    return (await this.#query(SQL.endpointChanges, [workspace, endpointName, options.limit])).map(
      auditEntryOf,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  /** One statement on any pooled connection (the pool drops the connection when the statement fails). */
  async #query(sql: string, params: readonly unknown[]): Promise<Row[]> {
    try {
      return (await this.#pool.query<Row>(sql, [...params])).rows;
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  async #changes(sql: string, params: readonly unknown[]): Promise<number> {
    try {
      return (await this.#pool.query(sql, [...params])).rowCount ?? 0;
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  /** Runs `fn` in one transaction on one connection: committed when it returns, rolled back when it throws. */
  #transaction<T>(fn: (client: Queryable) => Promise<T>): Promise<T> {
    return this.#withClient(async (client) => {
      await client.query("BEGIN");
      try {
        const result = await fn(client);
        // A connection lost during COMMIT leaves the outcome unknown: the caller sees `StoreUnavailableError` and,
        // on retry, the compare-and-set tells it whether the write landed (the version moved on) or not.
        await client.query("COMMIT");
        return result;
      } catch (error) {
        if (!isConnectionFailure(error)) await client.query("ROLLBACK");
        throw error;
      }
    });
  }

  /**
   * Runs `fn` on a connection of its own. A checked-out connection has no pool listener, so its `error` event (the
   * server ending the session between two statements) is caught here; a connection that failed is destroyed
   * instead of going back to the pool. Connection failures become {@link StoreUnavailableError}.
   */
  async #withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw unavailableOr(error);
    }
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
      this.#logger.warn({ err: error, code: codeOf(error) }, "postgres connection lost");
    };
    client.on("error", onError);
    try {
      return await fn(client);
    } catch (error) {
      if (isConnectionFailure(error)) broken ??= error instanceof Error ? error : new Error(String(error));
      throw unavailableOr(error);
    } finally {
      client.removeListener("error", onError);
      client.release(broken);
    }
  }

  /** Runs the write `fn`; a refusal of the held-name index becomes {@link EndpointNameHeldError}, naming the holder. */
  async #holding<T>(request: DeployRequest, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const name = heldEndpointName(request);
      if (name === undefined || !isHeldNameViolation(error)) throw error;
      const holder = await this.findHolder(request.workspace, name);
      if (holder === undefined || holder.id === request.id) throw error;
      throw new EndpointNameHeldError(request.workspace, name, holder);
    }
  }
}

/**
 * A connection failure, or a statement the server cancelled for taking too long (a database too slow to answer in
 * time: the client would have given up a moment later), as {@link StoreUnavailableError} (keeping it as the cause);
 * anything else as it is.
 */
function unavailableOr(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (!isConnectionFailure(error) && !isStatementTimeout(error)) return error;
  return new StoreUnavailableError({ cause: error });
}

/** 23505 unique_violation on the held-name index (the only unique index a write can break besides the id). */
function isHeldNameViolation(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return error instanceof Error && e.code === "23505" && e.constraint === HELD_NAME_INDEX;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The request's columns in the order of `SQL.update`'s first thirteen parameters (`SQL.insert` adds `created_at`). */
function indexedColumns(request: DeployRequest): unknown[] {
  return [
    request.id,
    request.state,
    request.version,
    request.workspace,
    request.endpointName ?? null,
    heldEndpointName(request) ?? null,
    request.channelId,
    request.message?.channelId ?? null,
    request.message?.ts ?? null,
    request.updatedAt,
    request.expiresAt,
    JSON.stringify(request),
    lifetimeDueAt(request.lifetime) ?? null,
  ];
}

async function appendAudit(
  client: Queryable,
  before: DeployRequest | null,
  after: DeployRequest,
  audit: AuditInput,
): Promise<void> {
  await client.query(SQL.appendAudit, [
    after.id,
    audit.at,
    audit.actor,
    audit.action,
    before?.state ?? null,
    after.state,
    before === null ? null : JSON.stringify(before),
    JSON.stringify(after),
    audit.policyChecksum ?? null,
  ]);
}

async function enqueue(
  client: Queryable,
  request: DeployRequest,
  notices: readonly Notice[],
  at: number,
): Promise<void> {
  const snapshot = JSON.stringify(request);
  // One at a time, in order: the sequence numbers give the delivery order of the request's notices.
  for (const notice of notices) {
    await client.query(SQL.enqueue, [request.id, JSON.stringify(notice), snapshot, at]);
  }
}

function bodies(rows: readonly Row[]): DeployRequest[] {
  return rows.map(requestOf);
}

function firstBody(rows: readonly Row[]): DeployRequest | undefined {
  return bodies(rows.slice(0, 1))[0];
}
