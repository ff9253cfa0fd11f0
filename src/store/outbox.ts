/**
 * The notice outbox role of the store: notices queued by `RequestStore.insert`/`save` in the same transaction as
 * the state change, delivered by the notice dispatcher exactly once and in order per request.
 */
import type { Notice } from "../domain/effects.js";
import type { DeployRequest } from "../domain/request.js";

export interface Outbox {
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

  /**
   * Frees every notice lease `owner` holds; returns how many. Only for a dispatcher starting: nothing of this owner
   * is delivering then, and its notices from before a crash are delivered at once instead of after their lease.
   */
  releaseNoticeLeasesOf(owner: string): Promise<number>;

  /**
   * Deletes the notices delivered or given up before `before` (by when they were marked done); returns how many.
   * Pending notices are never touched, however old. What happened stays in the audit log; a done notice is needed
   * only by the dispatcher, and only until it is done.
   */
  pruneNotices(before: number): Promise<number>;
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
  /**
   * Whether this notice was claimed before this claim: an earlier attempt may have reached Slack even though its
   * outcome was never recorded (a kill or a database outage between posting and `completeNotice`, a lease that ran
   * out, an answer lost after Slack acted). The notifier checks the thread before posting such a notice again; a
   * first claim never pays that read.
   */
  readonly claimedBefore: boolean;
}
