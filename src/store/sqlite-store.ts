/**
 * The {@link Store} (every role: requests, work queue, outbox, audit log) on `node:sqlite` (built into Node 24, no native addon). The request is stored as JSON
 * beside the columns queries need. Every write is one `BEGIN IMMEDIATE` transaction, so several store instances
 * and several processes on the same file stay correct: WAL lets readers run beside the writer, and the busy
 * timeout makes a second writer wait instead of failing.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLOutputValue, type StatementSync } from "node:sqlite";
import type { Notice } from "../domain/effects.js";
import { lifetimeDueAt } from "../domain/lifetime.js";
import type { DeployRequest, DeployState } from "../domain/request.js";
import { heldEndpointName } from "../domain/request.js";
import type { AuditEntry, AuditInput } from "./audit-log.js";
import type { NoticeClaimOptions, OutboxItem } from "./outbox.js";
import type { PollClaimOptions } from "./poll-leases.js";
import { EndpointNameHeldError, InvalidSaveError, RequestExistsError } from "./request-store.js";
import { migrate } from "./sqlite-migrations.js";
import type { Store } from "./store.js";
import { auditEntryOf, outboxItemOf, requestOf } from "./stored-rows.js";
import type { ClaimOptions } from "./work-queue.js";

export interface SqliteStoreOptions {
  /** How long a writer waits for another one to finish; default 5 s. */
  readonly busyTimeoutMs?: number;
  /** Clock for bookkeeping timestamps (`schema_migrations.applied_at`, `outbox.done_at`); default `Date.now`. */
  readonly now?: () => number;
}

type Row = Record<string, SQLOutputValue>;

export class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  readonly #sql: ReturnType<typeof prepareStatements>;
  readonly #now: () => number;
  #closed = false;

  private constructor(db: DatabaseSync, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#sql = prepareStatements(db);
  }

  /**
   * Opens (creating it and its parent directory if needed) and migrates the database at `path`; `:memory:` gives
   * a private in-memory database, for tests.
   */
  static async open(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    const inMemory = path === ":memory:";
    if (!inMemory) mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path);
    try {
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
      if (!inMemory) db.exec("PRAGMA journal_mode = WAL");
      // In WAL mode NORMAL loses no committed write on a process crash (only on power loss, the last commits): the
      // durability a chat bot needs, without an fsync on every state change.
      if (!inMemory) db.exec("PRAGMA synchronous = NORMAL");
      db.exec("PRAGMA foreign_keys = ON");
      migrate(db, undefined, options.now);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteStore(db, options.now ?? Date.now);
  }

  async insert(request: DeployRequest, audit: AuditInput, notices: readonly Notice[] = []): Promise<void> {
    this.#transaction(() => {
      if (this.#sql.exists.get(request.id) !== undefined) throw new RequestExistsError(request.id);
      this.#holding(request, () =>
        this.#sql.insert.run({
          ...indexedColumns(request),
          created_at: request.createdAt,
        }),
      );
      this.#appendAudit(null, request, audit);
      this.#enqueue(request, notices, audit.at);
    });
  }

  async get(id: string): Promise<DeployRequest | undefined> {
    return parseRow(this.#sql.get.get(id));
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
    return this.#transaction(() => {
      const before = parseRow(this.#sql.getForVersion.get(next.id, expectedVersion));
      if (before === undefined) return false;
      const { changes } = this.#holding(next, () =>
        this.#sql.update.run({
          ...indexedColumns(next),
          expected_version: expectedVersion,
        }),
      );
      if (Number(changes) !== 1) return false;
      this.#appendAudit(before, next, audit);
      this.#enqueue(next, notices, audit.at);
      return true;
    });
  }

  async listByStates(
    states: readonly DeployState[],
    options: { readonly limit?: number } = {},
  ): Promise<DeployRequest[]> {
    const rows = this.#sql.byStates.all(JSON.stringify(states), options.limit ?? -1);
    return rows.map(requestOf);
  }

  async listExpired(now: number, options: { readonly limit?: number } = {}): Promise<DeployRequest[]> {
    return this.#sql.expired.all(now, options.limit ?? -1).map(requestOf);
  }

  async listLifetimesDue(now: number, options: { readonly limit?: number } = {}): Promise<DeployRequest[]> {
    return this.#sql.lifetimesDue.all(now, options.limit ?? -1).map(requestOf);
  }

  async countByState(): Promise<Partial<Record<DeployState, number>>> {
    const counts: Partial<Record<DeployState, number>> = {};
    for (const row of this.#sql.countByState.all()) counts[row.state as DeployState] = Number(row.n);
    return counts;
  }

  async findByEndpointName(
    workspace: string,
    endpointName: string,
    options: { readonly limit?: number } = {},
  ): Promise<DeployRequest[]> {
    return this.#sql.byEndpoint.all(workspace, endpointName, options.limit ?? -1).map(requestOf);
  }

  async findHolder(workspace: string, endpointName: string): Promise<DeployRequest | undefined> {
    return parseRow(this.#sql.holder.get(workspace, endpointName));
  }

  async claimDue(options: ClaimOptions): Promise<DeployRequest[]> {
    const { owner, now, leaseMs, limit, states } = options;
    if (limit <= 0 || states.length === 0) return [];
    const workspaces = options.workspaces === undefined ? null : JSON.stringify(options.workspaces);
    return this.#transaction(() => {
      const due = this.#sql.due.all({ states: JSON.stringify(states), workspaces, now, limit });
      const claimed: DeployRequest[] = [];
      for (const row of due) {
        const { changes } = this.#sql.lease.run({ id: row.id ?? null, owner, until: now + leaseMs, now });
        if (Number(changes) === 1) claimed.push(requestOf(row));
      }
      return claimed;
    });
  }

  async renewLease(id: string, owner: string, until: number): Promise<boolean> {
    return Number(this.#sql.renew.run(until, id, owner).changes) === 1;
  }

  async releaseLease(id: string, owner: string): Promise<boolean> {
    return Number(this.#sql.release.run(id, owner).changes) === 1;
  }

  async releaseLeasesOf(owner: string): Promise<number> {
    return Number(this.#sql.releaseAll.run(owner).changes);
  }

  async releaseNoticeLeasesOf(owner: string): Promise<number> {
    return Number(this.#sql.releaseNotices.run(owner).changes);
  }

  async stateOf(id: string): Promise<DeployState | undefined> {
    const state = this.#sql.stateOf.get(id)?.state;
    return typeof state === "string" ? (state as DeployState) : undefined;
  }

  async scheduleCheck(id: string, at: number, owner?: string): Promise<boolean> {
    return Number(this.#sql.schedule.run({ id, at, owner: owner ?? null }).changes) === 1;
  }

  async claimNotices(options: NoticeClaimOptions): Promise<OutboxItem[]> {
    const { owner, now, leaseMs, limit } = options;
    if (limit <= 0) return [];
    return this.#transaction(() => {
      const heads = this.#sql.dueNotices.all({ now, limit });
      const claimed: OutboxItem[] = [];
      for (const row of heads) {
        const { changes } = this.#sql.leaseNotice.run({
          seq: row.seq ?? null,
          owner,
          until: now + leaseMs,
          now,
        });
        if (Number(changes) !== 1) continue;
        // Read before this claim counted itself.
        claimed.push(outboxItemOf(row, Number(row.claims) > 0));
      }
      return claimed;
    });
  }

  async completeNotice(
    id: number,
    owner: string,
    options: { readonly failed?: boolean } = {},
  ): Promise<boolean> {
    const failed = options.failed === true;
    const { changes } = this.#sql.completeNotice.run({
      seq: id,
      owner,
      status: failed ? "failed" : "delivered",
      failed: failed ? 1 : 0,
      now: this.#now(),
    });
    return Number(changes) === 1;
  }

  async retryNotice(id: number, owner: string, at: number): Promise<boolean> {
    return Number(this.#sql.retryNotice.run({ seq: id, owner, at }).changes) === 1;
  }

  async pruneNotices(before: number): Promise<number> {
    return Number(this.#sql.pruneNotices.run({ before }).changes);
  }

  async claimPoll(options: PollClaimOptions): Promise<boolean> {
    const { workspace, owner, now, intervalMs } = options;
    const { changes } = this.#sql.claimPoll.run({ workspace, owner, now, next: now + intervalMs });
    return Number(changes) === 1;
  }

  async audit(requestId: string): Promise<AuditEntry[]> {
    return this.#sql.audit.all(requestId).map(auditEntryOf);
  }

  async endpointChanges(
    workspace: string,
    endpointName: string,
    options: { readonly limit: number },
  ): Promise<AuditEntry[]> {
    return this.#sql.endpointChanges.all(workspace, endpointName, options.limit).map(auditEntryOf);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #appendAudit(before: DeployRequest | null, after: DeployRequest, audit: AuditInput): void {
    this.#sql.appendAudit.run({
      request_id: after.id,
      at: audit.at,
      actor: audit.actor,
      action: audit.action,
      from_state: before?.state ?? null,
      to_state: after.state,
      before: before === null ? null : JSON.stringify(before),
      after: JSON.stringify(after),
      policy_checksum: audit.policyChecksum ?? null,
    });
  }

  #enqueue(request: DeployRequest, notices: readonly Notice[], at: number): void {
    if (notices.length === 0) return;
    const snapshot = JSON.stringify(request);
    for (const notice of notices) {
      this.#sql.enqueue.run({
        request_id: request.id,
        notice: JSON.stringify(notice),
        request: snapshot,
        at,
      });
    }
  }

  /** Runs the write `fn`; a refusal of the held-name index becomes {@link EndpointNameHeldError}, naming the holder. */
  #holding<T>(request: DeployRequest, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      const name = heldEndpointName(request);
      if (name === undefined || !isUniqueViolation(error)) throw error;
      const holder = parseRow(this.#sql.holder.get(request.workspace, name));
      if (holder === undefined || holder.id === request.id) throw error;
      throw new EndpointNameHeldError(request.workspace, name, holder);
    }
  }

  /** Runs `fn` in one write transaction; never spans an `await`, so statements of two calls never interleave. */
  #transaction<T>(fn: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }
}

/** SQLITE_CONSTRAINT_UNIQUE (2067): the only unique index a write can break besides the id is the held name. */
function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { errcode?: unknown }).errcode === 2067 &&
    error.message.includes("held_endpoint_name")
  );
}

function indexedColumns(request: DeployRequest) {
  return {
    id: request.id,
    state: request.state,
    version: request.version,
    workspace: request.workspace,
    endpoint_name: request.endpointName ?? null,
    held_endpoint_name: heldEndpointName(request) ?? null,
    channel_id: request.channelId,
    message_channel_id: request.message?.channelId ?? null,
    message_ts: request.message?.ts ?? null,
    updated_at: request.updatedAt,
    expires_at: request.expiresAt,
    body: JSON.stringify(request),
    lifetime_due_at: lifetimeDueAt(request.lifetime) ?? null,
  };
}

function parseRow(row: Row | undefined): DeployRequest | undefined {
  return row === undefined ? undefined : requestOf(row);
}

function prepareStatements(db: DatabaseSync) {
  const p = (sql: string): StatementSync => db.prepare(sql);
  return {
    exists: p("SELECT 1 FROM requests WHERE id = ?"),
    countByState: p("SELECT state, COUNT(*) AS n FROM requests GROUP BY state"),
    byEndpoint: p(
      "SELECT body FROM requests WHERE workspace = ? AND endpoint_name = ? ORDER BY created_at DESC, id DESC LIMIT ?",
    ),
    get: p("SELECT body FROM requests WHERE id = ?"),
    stateOf: p("SELECT state FROM requests WHERE id = ?"),
    getForVersion: p("SELECT body FROM requests WHERE id = ? AND version = ?"),
    insert:
      p(`INSERT INTO requests (id, state, version, workspace, endpoint_name, held_endpoint_name, channel_id,
        message_channel_id, message_ts, created_at, updated_at, expires_at, body, lifetime_due_at)
      VALUES (:id, :state, :version, :workspace, :endpoint_name, :held_endpoint_name, :channel_id,
        :message_channel_id, :message_ts, :created_at, :updated_at, :expires_at, :body, :lifetime_due_at)`),
    update: p(`UPDATE requests SET state = :state, version = :version, workspace = :workspace,
        endpoint_name = :endpoint_name, held_endpoint_name = :held_endpoint_name, channel_id = :channel_id, message_channel_id = :message_channel_id,
        message_ts = :message_ts, updated_at = :updated_at, expires_at = :expires_at, body = :body,
        lifetime_due_at = :lifetime_due_at
      WHERE id = :id AND version = :expected_version`),
    byStates: p(`SELECT body FROM requests WHERE state IN (SELECT value FROM json_each(?))
      ORDER BY created_at, id LIMIT ?`),
    expired: p(`SELECT body FROM requests
      WHERE state IN ('resolving', 'awaiting_approval') AND expires_at <= ?
      ORDER BY expires_at, id LIMIT ?`),
    holder: p("SELECT body FROM requests WHERE workspace = ? AND held_endpoint_name = ?"),
    lifetimesDue: p(`SELECT body FROM requests WHERE lifetime_due_at <= ?
      ORDER BY lifetime_due_at, id LIMIT ?`),
    due: p(`SELECT id, body FROM requests
      WHERE state IN (SELECT value FROM json_each(:states))
        AND (:workspaces IS NULL OR workspace IN (SELECT value FROM json_each(:workspaces)))
        AND (lease_until IS NULL OR lease_until <= :now)
        AND (next_check_at IS NULL OR next_check_at <= :now)
      ORDER BY COALESCE(next_check_at, 0), created_at, id
      LIMIT :limit`),
    lease: p(`UPDATE requests SET lease_owner = :owner, lease_until = :until
      WHERE id = :id AND (lease_until IS NULL OR lease_until <= :now)`),
    renew: p("UPDATE requests SET lease_until = ? WHERE id = ? AND lease_owner = ?"),
    release: p("UPDATE requests SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?"),
    releaseAll: p("UPDATE requests SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?"),
    releaseNotices: p(`UPDATE outbox SET lease_owner = NULL, lease_until = NULL
      WHERE status = 'pending' AND lease_owner = ?`),
    schedule: p(`UPDATE requests SET next_check_at = :at
      WHERE id = :id AND (:owner IS NULL OR lease_owner IS NULL OR lease_owner = :owner)`),
    enqueue: p(`INSERT INTO outbox (request_id, notice, request, created_at)
      VALUES (:request_id, :notice, :request, :at)`),
    // The head of each request's queue, when it is free to deliver.
    dueNotices: p(`SELECT o.seq, o.request_id, o.notice, o.request, o.attempts, o.claims FROM outbox o
      WHERE o.status = 'pending'
        AND o.seq = (SELECT MIN(h.seq) FROM outbox h WHERE h.request_id = o.request_id AND h.status = 'pending')
        AND (o.lease_until IS NULL OR o.lease_until <= :now)
        AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= :now)
      ORDER BY o.seq
      LIMIT :limit`),
    leaseNotice: p(`UPDATE outbox SET lease_owner = :owner, lease_until = :until, claims = claims + 1
      WHERE seq = :seq AND status = 'pending' AND (lease_until IS NULL OR lease_until <= :now)`),
    completeNotice: p(`UPDATE outbox SET status = :status, attempts = attempts + :failed, done_at = :now,
        lease_owner = NULL, lease_until = NULL
      WHERE seq = :seq AND status = 'pending' AND lease_owner = :owner`),
    retryNotice: p(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = :at, lease_owner = NULL,
        lease_until = NULL
      WHERE seq = :seq AND status = 'pending' AND lease_owner = :owner`),
    pruneNotices: p("DELETE FROM outbox WHERE status <> 'pending' AND done_at < :before"),
    appendAudit: p(`INSERT INTO audit_log (request_id, at, actor, action, from_state, to_state, before, after,
      policy_checksum) VALUES (:request_id, :at, :actor, :action, :from_state, :to_state, :before, :after,
      :policy_checksum)`),
    audit: p("SELECT * FROM audit_log WHERE request_id = ? ORDER BY seq"),
    endpointChanges: p(`SELECT a.* FROM audit_log a JOIN requests r ON r.id = a.request_id
      WHERE r.workspace = ? AND r.endpoint_name = ?
        AND a.from_state IN ('creating', 'provisioning', 'deleting')
        AND a.to_state NOT IN ('creating', 'provisioning', 'deleting')
      ORDER BY a.seq DESC LIMIT ?`),
    // One statement, so the check and the take are atomic across processes on the file.
    claimPoll: p(`INSERT INTO workspace_polls (workspace, owner, polled_at, next_poll_at)
      VALUES (:workspace, :owner, :now, :next)
      ON CONFLICT (workspace) DO UPDATE SET owner = excluded.owner, polled_at = excluded.polled_at,
        next_poll_at = excluded.next_poll_at
      WHERE workspace_polls.next_poll_at <= excluded.polled_at`),
  };
}
