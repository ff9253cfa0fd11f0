/**
 * Reminders of a pending request (issue 14): its approvers are reminded in the thread at the configured points after
 * the request was opened (1 h, 4 h), and the escalation group is mentioned once, a while before the request expires.
 * Pure: the caller stores which point it sent last, so that each is sent once across restarts.
 */
import { HOUR_MS } from "./duration.js";

export interface ReminderPolicy {
  /** Points after the request was opened, in ms, ascending (`reminders.after: [1h, 4h]`); empty: no reminders. */
  readonly afterMs: readonly number[];
  /** A Slack user-group id mentioned before expiry; undefined: no escalation. */
  readonly escalationGroup: string | undefined;
  /** How long before the request expires the escalation is sent. */
  readonly escalateBeforeExpiryMs: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  afterMs: [],
  escalationGroup: undefined,
  escalateBeforeExpiryMs: HOUR_MS,
};

/** True when `policy` sends anything at all: a reminder point or an escalation. */
export function remindsAtAll(policy: ReminderPolicy): boolean {
  return policy.afterMs.length > 0 || policy.escalationGroup !== undefined;
}

export interface ReminderPoint {
  readonly at: number;
  readonly kind: "reminder" | "escalation";
}

/**
 * Every point of a request opened at `openedAt` that expires at `expiresAt`, in order: the reminders that fall before
 * the escalation (or before expiry when there is none), then the escalation if it falls after the opening.
 */
export function reminderSchedule(
  openedAt: number,
  expiresAt: number,
  policy: ReminderPolicy,
): ReminderPoint[] {
  const escalationAt =
    policy.escalationGroup === undefined ? undefined : expiresAt - policy.escalateBeforeExpiryMs;
  const escalates = escalationAt !== undefined && escalationAt > openedAt;
  const limit = escalates ? escalationAt : expiresAt;
  const points: ReminderPoint[] = [...new Set(policy.afterMs)]
    .sort((a, b) => a - b)
    .map((ms) => openedAt + ms)
    .filter((at) => at < limit)
    .map((at) => ({ at, kind: "reminder" }));
  if (escalates) points.push({ at: escalationAt, kind: "escalation" });
  return points;
}

/**
 * What to send at `now`, given the instant of the last point sent (undefined: none yet): the latest point that is
 * due and not sent (earlier ones missed while ptbot was down are skipped, not sent in a burst; an escalation is never
 * skipped for a reminder), and when the next one is due.
 */
export interface ReminderStep {
  readonly due: ReminderPoint | undefined;
  readonly nextAt: number | undefined;
}

export function reminderStep(
  schedule: readonly ReminderPoint[],
  lastSentAt: number | undefined,
  now: number,
): ReminderStep {
  const pending = schedule.filter((p) => lastSentAt === undefined || p.at > lastSentAt);
  const dueNow = pending.filter((p) => p.at <= now);
  const due = dueNow.find((p) => p.kind === "escalation") ?? dueNow.at(-1);
  const nextAt = pending.find((p) => p.at > now)?.at;
  return { due, nextAt };
}
