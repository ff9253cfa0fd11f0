/**
 * When and how long to wait before trying a Databricks call again. The shape follows the official SDKs: 429 and 503
 * (and lost connections) are retried with growing, jittered waits capped near 10 s, honouring `Retry-After`, within
 * about five minutes in all.
 */
export interface RetryPolicy {
  /** The first wait; each later one doubles. Default 1 s. */
  readonly baseDelayMs: number;
  /** No wait is longer than this (except a longer `Retry-After`). Default 10 s. */
  readonly maxDelayMs: number;
  /** Give up once the next attempt would start later than this after the first one. Default 5 min. */
  readonly totalTimeoutMs: number;
  /** Attempts in all, the first included. Default unbounded (the time bound decides). */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  baseDelayMs: 1_000,
  maxDelayMs: 10_000,
  totalTimeoutMs: 5 * 60_000,
  maxAttempts: Number.POSITIVE_INFINITY,
});

/** Statuses that mean "not now" rather than "no": retried for every method, since the request was not carried out. */
const RETRY_BEFORE_PROCESSING = new Set([429, 503]);

/**
 * Whether an answer with this status may be retried. A 504 is a gateway giving up on a backend that may still carry
 * the request out, so it is retried only when repeating the request is harmless.
 */
export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  return RETRY_BEFORE_PROCESSING.has(status) || (idempotent && status === 504);
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): `baseDelayMs` doubling, capped at `maxDelayMs`, with
 * "equal jitter" (between half and all of it) so that many clients throttled at once do not return in step.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

/**
 * Reads `Retry-After` as milliseconds to wait: either delta-seconds (what Databricks sends) or an HTTP date.
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The wait before the next attempt, or undefined to give up: when attempts are used up, or when waiting would end
 * past the total time bound (a `Retry-After` longer than the time left means giving up now rather than sleeping in
 * vain).
 */
export function nextDelay(input: {
  readonly attempt: number;
  readonly startedAt: number;
  readonly now: number;
  readonly retryAfterMs: number | undefined;
  readonly policy: RetryPolicy;
  readonly random: () => number;
}): number | undefined {
  const { attempt, policy } = input;
  if (attempt >= policy.maxAttempts) return undefined;
  const delay = input.retryAfterMs ?? backoffMs(attempt, policy, input.random);
  if (input.now + delay - input.startedAt > policy.totalTimeoutMs) return undefined;
  return delay;
}
