/**
 * The requests role of the store: deploy requests as the domain shapes them, read by id, state and endpoint name,
 * and written with compare-and-set. A write is one transaction with its audit row (`AuditLog`) and its
 * notices (`Outbox`), so this role owns that atomic write. The other roles: `WorkQueue`, `Outbox`,
 * `AuditLog`; `Store` is all of them, which each adapter (`SqliteStore`) implements.
 */
import type { Notice } from "../domain/effects.js";
import type { DeployRequest, DeployState } from "../domain/request.js";
import { PtbotError } from "../errors.js";
import type { AuditInput } from "./audit-log.js";

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

  /**
   * Ready deploys whose endpoint lifetime needs ptbot at or before `now` (its notice, or its expiry: `lifetimeDueAt`
   * of the stored `lifetime`), soonest first: what the lifetime worker acts on, without reading every ready request.
   */
  listLifetimesDue(now: number, options?: { readonly limit?: number }): Promise<DeployRequest[]>;

  /** How many requests are in each state (states with none may be absent). */
  countByState(): Promise<Partial<Record<DeployState, number>>>;

  /** Requests for this endpoint in any state, newest first (for `/pt status`). */
  findByEndpointName(
    workspace: string,
    endpointName: string,
    options?: { readonly limit?: number },
  ): Promise<DeployRequest[]>;

  /** The one request that holds this endpoint name (see `heldEndpointName`), if any. */
  findHolder(workspace: string, endpointName: string): Promise<DeployRequest | undefined>;
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
