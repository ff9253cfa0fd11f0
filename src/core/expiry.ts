/**
 * Expiry: ends the requests nobody decided in time. It needs only the store, the clock and the policy (to write the
 * `expired` transition with its audit row and notices), and a way to wake the notice dispatcher; the tracker runs it
 * at the start of each of its rounds.
 */
import type { ApprovalPolicy } from "../domain/index.js";
import type { Logger } from "../logger.js";
import type { RequestStore } from "../store/request-store.js";
import { applyAndSignal, type WorkSignal } from "../workflow/apply-event.js";
import type { Clock } from "../workflow/ports.js";

export interface ExpiryDeps {
  readonly store: RequestStore;
  readonly clock: Clock;
  readonly policy: ApprovalPolicy;
  /** The policy's checksum, recorded with each audit row. */
  readonly policyChecksum?: string;
  /** Each workspace's approval rules; default {@link policy}. */
  readonly approvalOf?: (workspace: string) => ApprovalPolicy;
  readonly logger: Logger;
  /** Called after an expiry wrote notices (the thread hears of it): wakes the notice dispatcher. */
  readonly onNotices?: () => void;
}

/** Requests expired per call, soonest first; the rest wait for the next round. */
const BATCH = 100;

export class Expiry {
  readonly #deps: ExpiryDeps;

  constructor(deps: ExpiryDeps) {
    this.#deps = deps;
  }

  /** Expires undecided requests past their time (up to 100 a call, soonest first); returns how many. */
  async expireDue(): Promise<number> {
    const { store, clock, onNotices } = this.#deps;
    const due = await store.listExpired(clock.now(), { limit: BATCH });
    // An expired request is over: the only work its write can leave is notices.
    const deps = {
      ...this.#deps,
      onWork: (work: WorkSignal) => {
        if (work.notices) onNotices?.();
      },
    };
    let expired = 0;
    for (const request of due) {
      const applied = await applyAndSignal(deps, request.id, { type: "expired" });
      if (applied.ok) expired++;
    }
    return expired;
  }
}
