/**
 * The durable state of deploy requests: the requests themselves (as the domain shapes them), an append-only audit
 * log, and the tracker's bookkeeping (leases and check times). One interface, several adapters
 * (`SqliteRequestStore`; a Postgres one later), all held to the same contract tests.
 */
import type { Notice } from "../domain/effects.js";
import type { DeployRequest, DeployState } from "../domain/request.js";
import { PtbotError } from "../errors.js";

export interface RequestStore {
  /**
   * Stores a new request, its first audit entry (`before` null) and its notices, in one transaction. Throws
   * {@link RequestExistsError} on a taken id, and {@link EndpointNameHeldError} when the endpoint name the request
   * holds (`heldEndpointName`) is held by another request of its workspace (and writes nothing).
   */
  insert(request: DeployRequest, audit: AuditInput, notices?: readonly Notice[]): Promise<void>;

  get(id: string): Promise<DeployRequest | undefined>;

  /**
   * Compare-and-set: writes `next` only if the stored version is still `expectedVersion`, and in the same
   * transaction appends one audit entry and queues `notices` in the outbox (in order). `false` means someone else
   * got there first and nothing was written: no audit entry, no notice (reload, re-apply the event, try again).
   * `next.version` must be `expectedVersion + 1`, as `transition` produces it. Throws {@link EndpointNameHeldError}
   * (writing nothing) when `next` would hold an endpoint name another request of its workspace holds.
   */
  save(
    next: DeployRequest,
    expectedVersion: number,
    audit: AuditInput,
    notices?: readonly Notice[],
  ): Promise<boolean>;

  /** Requests in any of `states`, oldest first. */
  listByStates(
    states: readonly DeployState[],
    options?: { readonly limit?: number },
  ): Promise<DeployRequest[]>;

  /**
   * Undecided requests (`resolving`, `awaiting_approval`) whose expiry is at or before `now`, soonest first: what the
   * expiry sweep acts on, without reading every pending request each tick.
   */
  listExpired(now: number, options?: { readonly limit?: number }): Promise<DeployRequest[]>;

  /** How many requests are in each state (states with none may be absent). */
  countByState(): Promise<Partial<Record<DeployState, number>>>;

  /** Requests for this endpoint in any state, newest first (for `/pt status`). */
  findByEndpointName(
    workspace: string,
    endpointName: string,
    options?: { readonly limit?: number },
  ): Promise<DeployRequest[]>;

  /** Requests not yet in a terminal state for this endpoint, oldest first (to refuse a second concurrent one). */
  findActiveByEndpointName(workspace: string, endpointName: string): Promise<DeployRequest[]>;

  /** The one request that holds this endpoint name (see `heldEndpointName`), if any. */
  findHolder(workspace: string, endpointName: string): Promise<DeployRequest | undefined>;

  /**
   * Atomically leases up to `limit` requests in `states` whose lease is free or expired (`leaseUntil ≤ now`) and
   * whose next check is due (unset counts as due), soonest check first. Two claimers never get the same request
   * while its lease runs, even from two processes. A lease holder does not re-claim its own running lease.
   */
  claimDue(options: ClaimOptions): Promise<DeployRequest[]>;

  /** Extends `owner`'s lease to `until`; `false` when `owner` no longer holds it (another claimer took it over). */
  renewLease(id: string, owner: string, until: number): Promise<boolean>;

  /** Frees the lease if `owner` holds it; `false` otherwise. */
  releaseLease(id: string, owner: string): Promise<boolean>;

  /**
   * Frees every request lease `owner` holds (a tracker restarting, or stopping); returns how many. Notice leases
   * are left to expire, since a dispatcher with the same owner may still be delivering.
   */
  releaseLeasesOf(owner: string): Promise<number>;

  /**
   * Frees every notice lease `owner` holds; returns how many. Only for a dispatcher starting: nothing of this owner
   * is delivering then, and its notices from before a crash are delivered at once instead of after their lease.
   */
  releaseNoticeLeasesOf(owner: string): Promise<number>;

  /** When the tracker should look at the request next; `false` for an unknown id. */
  scheduleCheck(id: string, at: number): Promise<boolean>;

  /**
   * Leases the notices due for delivery: for each request, only the oldest notice not yet delivered (its head), and
   * only when that head is not leased by someone else (or its lease ran out) and not waiting for a retry. So one
   * request's notices go out one at a time and in order, and a failing notice holds back the ones behind it, while
   * different requests' notices go out in parallel. Oldest first, at most `limit`.
   */
  claimNotices(options: NoticeClaimOptions): Promise<OutboxItem[]>;

  /** Marks a delivered notice done (or given up, with `failed`); `false` when `owner` no longer holds its lease. */
  completeNotice(id: number, owner: string, options?: { readonly failed?: boolean }): Promise<boolean>;

  /** Counts a failed attempt and frees the notice until `at`; `false` when `owner` no longer holds its lease. */
  retryNotice(id: number, owner: string, at: number): Promise<boolean>;

  /** The request's audit entries, oldest first. */
  audit(requestId: string): Promise<AuditEntry[]>;

  /** Idempotent. */
  close(): Promise<void>;
}

// Leases and check times are bookkeeping beside the request, not part of it: they never change `version`, so a
// person's click never conflicts with the tracker holding a lease.

export interface ClaimOptions {
  /** Who claims (e.g. hostname and pid); stored as the lease owner. */
  readonly owner: string;
  readonly now: number;
  /** The lease runs until `now + leaseMs`. */
  readonly leaseMs: number;
  readonly limit: number;
  readonly states: readonly DeployState[];
}

export interface NoticeClaimOptions {
  readonly owner: string;
  readonly now: number;
  /** The lease runs until `now + leaseMs`; a notice still leased after a crash is retried once it runs out. */
  readonly leaseMs: number;
  readonly limit: number;
}

/** A notice waiting in the outbox. */
export interface OutboxItem {
  readonly id: number;
  readonly requestId: string;
  /** The request as it was saved together with this notice. */
  readonly request: DeployRequest;
  readonly notice: Notice;
  /** Failed delivery attempts so far. */
  readonly attempts: number;
}

/** What the caller tells the audit log about a change; the store adds the states and the before/after snapshots. */
export interface AuditInput {
  /** A user id, or `"system"` (see `eventActor`). */
  readonly actor: string;
  /** Usually the event type (`approved`, `create_started`, ...), or `opened` for an insert. */
  readonly action: string;
  readonly at: number;
}

export interface AuditEntry {
  readonly requestId: string;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  /** null for the insert. */
  readonly fromState: DeployState | null;
  readonly toState: DeployState;
  /** The request as it was before (null for the insert) and after the change. */
  readonly before: DeployRequest | null;
  readonly after: DeployRequest;
}

/** An insert with an id that is already stored. */
export class RequestExistsError extends PtbotError {
  constructor(id: string, options?: { cause?: unknown }) {
    super("request_exists", `request ${id} already exists`, options);
  }
}

/**
 * A write refused because another request already holds the endpoint name: the second of two racing writers.
 * `holder` is that request as stored when the write was refused.
 */
export class EndpointNameHeldError extends PtbotError {
  readonly workspace: string;
  readonly endpointName: string;
  readonly holder: DeployRequest;

  constructor(workspace: string, endpointName: string, holder: DeployRequest) {
    super("endpoint_name_held", `endpoint ${endpointName} is held by request ${holder.id}`);
    this.workspace = workspace;
    this.endpointName = endpointName;
    this.holder = holder;
  }
}

/** A save whose `next.version` is not `expectedVersion + 1`, or whose ids disagree: a programming error. */
export class InvalidSaveError extends PtbotError {
  constructor(message: string) {
    super("invalid_save", message);
  }
}
