/**
 * Wall-clock time in an IANA time zone, from `Intl` (no time-zone tables of our own): what the clock on the wall
 * reads at an instant, and which instant a wall-clock time names. DST-correct, because every offset is asked of `Intl`
 * for the instant it applies to.
 */

/** A wall-clock reading: `day` of month 1-31, `month` 1-12, `weekday` 0 (Sunday) to 6, `minute` of the day 0-1439. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
  readonly minute: number;
}

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `Intl` knows `timeZone` (`Europe/Paris`, `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** How far ahead of UTC the zone's clock is at `instant`, in milliseconds (whole seconds). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** What the wall clock in `timeZone` reads at `instant`. */
export function wallTime(instant: number, timeZone: string): WallTime {
  const local = new Date(instant + zoneOffsetMs(instant, timeZone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    weekday: local.getUTCDay(),
    minute: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}

/**
 * The instant the wall clock in `timeZone` reads `year-month-day` at `minute` of the day (the day may overflow: day
 * 32 is the next month's first). A time skipped by a spring-forward change names the instant as far after the change
 * as the time was after the skipped hour's start (02:30 → 03:30); a time read twice in the autumn, the first reading.
 */
export function instantOf(
  date: { readonly year: number; readonly month: number; readonly day: number },
  minute: number,
  timeZone: string,
): number {
  const asUtc = Date.UTC(date.year, date.month - 1, date.day, 0, minute);
  // The offsets a day either side (real zones change at most once in two days): each gives a candidate instant.
  const before = asUtc - zoneOffsetMs(asUtc - DAY_MS, timeZone);
  const after = asUtc - zoneOffsetMs(asUtc + DAY_MS, timeZone);
  const reads = (instant: number) => instant + zoneOffsetMs(instant, timeZone) === asUtc;
  if (reads(before) && reads(after)) return Math.min(before, after);
  if (reads(after)) return after;
  // Read with the offset before the change: right, or in a spring gap, as far past the change as the time was.
  return before;
}
