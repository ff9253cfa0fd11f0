/**
 * Issues Slack message timestamps (`"1700000000.000100"`: epoch seconds, a dot, six digits of microseconds) from a
 * clock. Each is unique and greater than the last even when the clock stands still or goes back, because Slack
 * uses `ts` as the message's id within a channel.
 */
export function createTsIssuer(now: () => number): () => string {
  let lastMicros = 0;
  return () => {
    lastMicros = Math.max(Math.floor(now()) * 1000, lastMicros + 1);
    return formatSlackTs(lastMicros);
  };
}

/** Formats epoch microseconds the way Slack writes a `ts`. */
export function formatSlackTs(epochMicros: number): string {
  const seconds = Math.floor(epochMicros / 1_000_000);
  const micros = epochMicros - seconds * 1_000_000;
  return `${seconds}.${String(micros).padStart(6, "0")}`;
}

/** A `ts` for a moment, without the uniqueness guarantee (e.g. `action_ts`). */
export function tsAt(epochMs: number): string {
  return formatSlackTs(Math.floor(epochMs) * 1000);
}
