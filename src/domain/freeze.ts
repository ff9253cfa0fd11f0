/**
 * Change freezes (issue 14): weekly windows (`fri 16:00` to `mon 08:00`) and dated periods (a release), in a
 * workspace's IANA time zone. A request for a frozen workspace is refused with the window and when it ends, unless
 * it is a break-glass change. Pure: the instant is an argument, zone offsets come from `Intl`.
 */
import { instantOf, wallTime } from "./zoned-time.js";

/** A moment of the week: `day` 0 (Sunday) to 6, `minute` of the day 0-1439. */
export interface WeekTime {
  readonly day: number;
  readonly minute: number;
}

/** Every week from `from` to `to` (which may be in the next week: `fri 16:00` to `mon 08:00`). `from` ≠ `to`. */
export interface WeeklyWindow {
  readonly from: WeekTime;
  readonly to: WeekTime;
  readonly reason: string | undefined;
}

/** A wall-clock date and minute of the day. */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly minute: number;
}

/** Once, from `from` to `to` (wall-clock times in the policy's zone, `from` before `to`). */
export interface DatedPeriod {
  readonly from: LocalDateTime;
  readonly to: LocalDateTime;
  readonly reason: string | undefined;
}

export interface FreezePolicy {
  readonly timeZone: string;
  readonly weekly: readonly WeeklyWindow[];
  readonly periods: readonly DatedPeriod[];
}

export const NO_FREEZES: FreezePolicy = { timeZone: "UTC", weekly: [], periods: [] };

/** The window a frozen workspace is in: which one, since when and until when (instants). */
export interface ActiveFreeze {
  readonly kind: "weekly" | "period";
  /** Its index in {@link FreezePolicy.weekly} or {@link FreezePolicy.periods}. */
  readonly index: number;
  readonly reason: string | undefined;
  readonly startedAt: number;
  /** When changes are allowed again: the end of this window, or of the windows that follow it without a gap. */
  readonly endsAt: number;
}

export type FreezeState = { readonly frozen: false } | ({ readonly frozen: true } & ActiveFreeze);

const WEEK_MINUTES = 7 * 24 * 60;

/** Whether the workspace is frozen at `instant`, in which window, and when the freeze ends. */
export function freezeAt(instant: number, policy: FreezePolicy): FreezeState {
  const first = activeWindow(instant, policy);
  if (first === undefined) return { frozen: false };
  // Windows that overlap or touch make one freeze: follow them to the first instant nothing covers.
  let endsAt = first.endsAt;
  for (let i = 0; i < 100; i += 1) {
    const next = activeWindow(endsAt, policy);
    if (next === undefined || next.endsAt <= endsAt) break;
    endsAt = next.endsAt;
  }
  return { frozen: true, ...first, endsAt };
}

/** The window covering `instant` that ends last (an instant in two windows is reported by the longer freeze). */
function activeWindow(instant: number, policy: FreezePolicy): ActiveFreeze | undefined {
  let found: ActiveFreeze | undefined;
  const consider = (candidate: ActiveFreeze | undefined) => {
    if (candidate !== undefined && (found === undefined || candidate.endsAt > found.endsAt))
      found = candidate;
  };
  policy.weekly.forEach((w, index) => {
    consider(weeklyAt(instant, w, index, policy.timeZone));
  });
  policy.periods.forEach((p, index) => {
    const startedAt = instantOf(p.from, p.from.minute, policy.timeZone);
    const endsAt = instantOf(p.to, p.to.minute, policy.timeZone);
    if (instant >= startedAt && instant < endsAt) {
      consider({ kind: "period", index, reason: p.reason, startedAt, endsAt });
    }
  });
  return found;
}

function weeklyAt(
  instant: number,
  w: WeeklyWindow,
  index: number,
  timeZone: string,
): ActiveFreeze | undefined {
  const now = wallTime(instant, timeZone);
  const at = now.weekday * 24 * 60 + now.minute;
  const from = w.from.day * 24 * 60 + w.from.minute;
  const to = w.to.day * 24 * 60 + w.to.minute;
  const inside = from < to ? at >= from && at < to : at >= from || at < to;
  if (!inside) return undefined;
  // Minutes back to the start and on to the end, on the wall clock; the calendar days they fall on give the instants.
  const sinceStart = (at - from + WEEK_MINUTES) % WEEK_MINUTES;
  const untilEnd = (to - at + WEEK_MINUTES) % WEEK_MINUTES || WEEK_MINUTES;
  const startDay = Math.floor((now.minute - sinceStart) / (24 * 60));
  const endDay = Math.floor((now.minute + untilEnd) / (24 * 60));
  return {
    kind: "weekly",
    index,
    reason: w.reason,
    startedAt: instantOf({ ...now, day: now.day + startDay }, w.from.minute, timeZone),
    endsAt: instantOf({ ...now, day: now.day + endDay }, w.to.minute, timeZone),
  };
}
