/**
 * Reminders of pending requests (issue 14): at each configured point after a request was opened its approvers are
 * reminded in the thread, and the escalation group is mentioned a while before it expires. The tracker runs this
 * after the expiry in each of its rounds. Each point is sent once across restarts and replicas: the request stores
 * the last point sent (`remindedAt`), set by a compare-and-set transition whose notice goes through the outbox, and
 * the transition refuses a point at or before it; a replica that loses the race hears `already_reminded`.
 */
import {
  type DeployRequest,
  type PolicyOf,
  type ReminderPolicy,
  reminderSchedule,
  reminderStep,
  remindsAtAll,
} from "../domain/index.js";
import type { Logger } from "../logger.js";
import type { RequestStore } from "../store/request-store.js";
import { StoreUnavailableError } from "../store/store-unavailable.js";
import { applyAndSignal, type SignalDeps, type WorkSignal } from "../workflow/apply-event.js";

export interface RemindersDeps extends Omit<SignalDeps, "onWork" | "store"> {
  readonly store: RequestStore;
  readonly policyOf: PolicyOf;
  readonly logger: Logger;
  /** Called after a reminder was written (the thread hears of it): wakes the notice dispatcher. */
  readonly onNotices?: () => void;
  /**
   * The reminder rules of every policy {@link policyOf} can give a request: each served workspace's, when a name not
   * served falls back to one of them. None that reminds at all (the default): {@link Reminders.sendDue} does not
   * list the pending requests, since none could be due. Absent: not known, so every round lists them.
   */
  readonly everyPolicy?: readonly ReminderPolicy[];
}

/** Pending requests looked at per call (oldest first, as the store lists them). */
const BATCH = 1000;

export class Reminders {
  readonly #deps: RemindersDeps;

  constructor(deps: RemindersDeps) {
    this.#deps = deps;
  }

  /** Sends the reminders due now (one point per request, the latest due); returns how many were written. */
  async sendDue(): Promise<number> {
    const { store, clock, policyOf, onNotices, everyPolicy } = this.#deps;
    // Every round of every replica: without reminders configured, listing (and parsing) the pending is for nothing.
    if (everyPolicy !== undefined && !everyPolicy.some(remindsAtAll)) return 0;
    const pending = await store.listByStates(["awaiting_approval"], { limit: BATCH });
    const deps: SignalDeps = {
      ...this.#deps,
      onWork: (work: WorkSignal) => {
        if (work.notices) onNotices?.();
      },
    };
    let sent = 0;
    for (const request of pending) {
      // No card yet, no thread to remind in: the notice would be dropped while the point counted as sent. The card
      // is recorded a moment after it is posted; a later round reminds then.
      if (request.message === undefined) continue;
      const policy = policyOf(request.workspace).reminders;
      const due = dueReminder(request, policy, clock.now());
      if (due === undefined) continue;
      try {
        const applied = await applyAndSignal(deps, request.id, {
          type: "reminder_due",
          at: due.at,
          kind: due.kind,
          ...(due.kind === "escalation" && policy.escalationGroup !== undefined
            ? { escalationGroup: policy.escalationGroup }
            : {}),
        });
        if (applied.ok) sent++;
      } catch (error) {
        // A database out of reach is the round's to handle; anything else must not hold up the round's creates.
        if (error instanceof StoreUnavailableError) throw error;
        this.#deps.logger.error({ err: error, requestId: request.id }, "reminder not written");
      }
    }
    return sent;
  }
}

/** The point of `request`'s schedule due at `now` and not sent yet, if any. */
function dueReminder(request: DeployRequest, policy: ReminderPolicy, now: number) {
  if (!remindsAtAll(policy)) return undefined;
  const schedule = reminderSchedule(request.createdAt, request.expiresAt, policy);
  return reminderStep(schedule, request.remindedAt, now).due;
}
