import type { Logger } from "../logger.js";
import type { Outbox, OutboxItem } from "../store/outbox.js";
import type { Clock, DeliveryOutcome, Notifier } from "./ports.js";
import { Rounds } from "./rounds.js";
import { StoreOutage } from "./store-outage.js";

export interface NoticeDispatcherOptions {
  readonly store: Outbox;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly owner: string;
  /** How often to look for notices due for a retry. Default 2 s. */
  readonly idleIntervalMs?: number;
  /** Attempts before a notice is given up (and logged as an error). Default 8. */
  readonly maxAttempts?: number;
  /** How long a claimed notice stays claimed. Default 2 min. */
  readonly leaseMs?: number;
  /** Records that a request's card can never be changed again (the workflow's `cardUnreachable`). */
  readonly onCardUnreachable?: (requestId: string, slackError: string) => Promise<void>;
  /** Where an unreachable database is told, once per outage (the core shares one among its workers). */
  readonly outage?: StoreOutage;
  /** How long a notice stays in the outbox once delivered or given up. Default 7 days. */
  readonly retentionMs?: number;
}

/** How often a dispatcher deletes the notices past their retention: a cheap statement, but no need for it per round. */
const PRUNE_EVERY_MS = 3_600_000;
const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;

/** Wait before the next attempt: 1 s, 2 s, 4 s … capped at 5 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(5 * 60_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Delivers the outbox: every notice was written in the same transaction as the state change that caused it, so none
 * is lost to a crash. Notices of one request go out one at a time, in order (the head of each request's queue per
 * round); different requests go out in parallel. A failed delivery is retried with growing waits, and later notices
 * of that request wait behind it.
 */
export class NoticeDispatcher {
  readonly #o: NoticeDispatcherOptions;
  readonly #rounds: Rounds;
  readonly #outage: StoreOutage;
  /**
   * Outbox writes that failed because the database was out of reach, retried before anything new is claimed. Above
   * all a delivered notice not yet marked done: claimed again once its lease ran out, it would reach the thread twice.
   */
  readonly #unrecorded = new Map<number, () => Promise<unknown>>();
  /** When this dispatcher last pruned the outbox; every replica prunes, and a second delete finds nothing. */
  #prunedAt: number | undefined;

  constructor(options: NoticeDispatcherOptions) {
    this.#o = options;
    this.#outage = options.outage ?? new StoreOutage(options);
    this.#rounds = new Rounds(
      () =>
        this.drain().then(
          () => undefined,
          (error: unknown) => {
            // An unreachable database is no bug: the outbox is tried again at the next interval.
            if (!this.#outage.failed(error, "dispatcher")) {
              this.#o.logger.error({ err: error }, "notice dispatch failed");
            }
          },
        ),
      options.idleIntervalMs ?? 2000,
    );
  }

  /** Takes back this owner's notice leases left by a crash, then delivers everything due. */
  async start(): Promise<void> {
    const released = await this.#o.store.releaseNoticeLeasesOf(this.#o.owner);
    if (released > 0) this.#o.logger.info({ released }, "notice leases taken back");
    this.#rounds.start();
  }

  /** Asks for a round of deliveries as soon as possible. */
  kick(): void {
    this.#rounds.kick();
  }

  /** Waits for the round in hand; nothing new starts after this. */
  async stop(): Promise<void> {
    await this.#rounds.stop();
  }

  /** Delivers everything due now; returns how many notices were delivered. */
  async drain(): Promise<number> {
    let delivered = 0;
    for (const [id, write] of this.#unrecorded) {
      await write();
      this.#unrecorded.delete(id);
    }
    for (;;) {
      const items = await this.#o.store.claimNotices({
        owner: this.#o.owner,
        now: this.#o.clock.now(),
        leaseMs: this.#o.leaseMs ?? 120_000,
        limit: 200,
      });
      this.#outage.answered();
      if (items.length === 0) {
        await this.#prune();
        return delivered;
      }
      const results = await Promise.all(items.map((item) => this.#deliver(item)));
      delivered += results.filter(Boolean).length;
    }
  }

  async #deliver(item: OutboxItem): Promise<boolean> {
    const { store, notifier, clock, logger, owner } = this.#o;
    const fields = { requestId: item.requestId, notice: item.notice.type, attempt: item.attempts + 1 };
    let outcome: DeliveryOutcome | undefined;
    try {
      outcome =
        (await notifier.deliver(item.request, item.notice, {
          outboxId: item.id,
          claimedBefore: item.claimedBefore,
        })) ?? undefined;
    } catch (error) {
      const attempts = item.attempts + 1;
      if (attempts >= (this.#o.maxAttempts ?? 8)) {
        logger.error({ ...fields, err: error }, "notice given up");
        await this.#record(item, () => store.completeNotice(item.id, owner, { failed: true }));
      } else {
        logger.warn({ ...fields, err: error }, "notice delivery failed");
        await this.#record(item, () =>
          store.retryNotice(item.id, owner, clock.now() + retryDelayMs(attempts)),
        );
      }
      return false;
    }
    // Delivered: from here on a failure is the outbox's, never a reason to deliver again.
    await this.#record(item, () => store.completeNotice(item.id, owner));
    const unreachable = outcome?.cardUnreachable;
    if (unreachable !== undefined && this.#o.onCardUnreachable !== undefined) {
      await this.#o.onCardUnreachable(item.requestId, unreachable).catch((error: unknown) => {
        // Only the record is lost: the next notice that meets the closed card reports it again.
        if (!this.#outage.failed(error, "dispatcher")) {
          logger.error({ ...fields, err: error }, "unreachable card not recorded");
        }
      });
    }
    return true;
  }

  /**
   * Deletes the notices done longer ago than the retention, at most once an hour: without it the outbox (each row
   * holds a copy of its request) grows for as long as ptbot runs. The audit log keeps the history.
   */
  async #prune(): Promise<void> {
    const now = this.#o.clock.now();
    if (this.#prunedAt !== undefined && now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    const pruned = await this.#o.store.pruneNotices(now - (this.#o.retentionMs ?? DEFAULT_RETENTION_MS));
    if (pruned > 0) this.#o.logger.info({ pruned }, "delivered notices pruned");
  }

  /** Writes the outcome of a delivery; if the database is out of reach, keeps the write for the next round. */
  async #record(item: OutboxItem, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!this.#outage.failed(error, "dispatcher")) throw error;
      this.#unrecorded.set(item.id, write);
    }
  }
}
