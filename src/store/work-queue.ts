/**
 * The leases role of the store: which requests a worker (the tracker) looks at, and when. Leases and check times are
 * bookkeeping beside the request, not part of it: they never change `version`, so a person's click never conflicts
 * with the tracker holding a lease.
 */
import type { DeployRequest, DeployState } from "../domain/request.js";

export interface WorkQueue {
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
   * (`Outbox`) are left to expire, since a dispatcher with the same owner may still be delivering.
   */
  releaseLeasesOf(owner: string): Promise<number>;

  /**
   * When the tracker should look at the request next; `false` for an unknown id. With `owner`, only while `owner`
   * holds the lease or nobody does: a replica whose lease was taken over must not move the new holder's check.
   */
  scheduleCheck(id: string, at: number, owner?: string): Promise<boolean>;

  /**
   * The request's state alone, undefined for an unknown id: what the tracker reads after each request's work to know
   * whether it is still followed, without reading (and parsing) the whole request a thousand times a round.
   */
  stateOf(id: string): Promise<DeployState | undefined>;
}

export interface ClaimOptions {
  /** Who claims (e.g. hostname and pid); stored as the lease owner. */
  readonly owner: string;
  readonly now: number;
  /** The lease runs until `now + leaseMs`. */
  readonly leaseMs: number;
  readonly limit: number;
  readonly states: readonly DeployState[];
  /** Only requests of these workspaces (`DeployRequest.workspace`); undefined: every workspace. */
  readonly workspaces?: readonly string[];
}
