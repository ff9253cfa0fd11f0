/**
 * Durations as people type them in a command or the policy file: a whole number and one unit, `30m`, `4h`, `7d`.
 * One parser for `--ttl`, reminder points and every duration setting, so that they all read the same way.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const UNIT_MS = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS } as const;

/** `7d` → 604 800 000; undefined for anything else (no unit, `0d`, `1.5h`, `7 days`, a negative number). */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*([1-9][0-9]{0,6})\s*([mhd])\s*$/.exec(text);
  if (match === null) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** The largest unit that divides `ms` exactly: 604 800 000 → `7d`, 5 400 000 → `90m`; `ms` a positive minute count. */
export function formatDuration(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  return `${Math.round(ms / MINUTE_MS)}m`;
}
