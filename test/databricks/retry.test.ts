import { describe, expect, it } from "vitest";
import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  nextDelay,
  parseRetryAfter,
} from "../../src/databricks/retry.js";

describe("backoffMs", () => {
  it("doubles from 1 s and caps at 10 s, with jitter between half and all of it", () => {
    const low = [1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, DEFAULT_RETRY_POLICY, () => 0));
    const high = [1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, DEFAULT_RETRY_POLICY, () => 0.999999));
    expect(low).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    expect(high).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });
});

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates, and ignores what it cannot read", () => {
    expect(parseRetryAfter("2", 0)).toBe(2000);
    expect(parseRetryAfter(" 0.5 ", 0)).toBe(500);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:07 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });
});

describe("isRetryableStatus", () => {
  it("retries 429 and 503 always, 504 only when repeating is harmless, nothing else", () => {
    expect([429, 503, 504].map((s) => isRetryableStatus(s, true))).toEqual([true, true, true]);
    expect([429, 503, 504].map((s) => isRetryableStatus(s, false))).toEqual([true, true, false]);
    expect([400, 401, 403, 404, 409, 500, 502].some((s) => isRetryableStatus(s, true))).toBe(false);
  });
});

describe("nextDelay", () => {
  const base = { startedAt: 0, policy: DEFAULT_RETRY_POLICY, random: () => 0.999999 };

  it("prefers Retry-After over the backoff", () => {
    expect(nextDelay({ ...base, attempt: 1, now: 0, retryAfterMs: 2000 })).toBe(2000);
    expect(nextDelay({ ...base, attempt: 1, now: 0, retryAfterMs: undefined })).toBe(1000);
  });

  it("gives up when the wait would end past the total bound", () => {
    expect(nextDelay({ ...base, attempt: 9, now: 290_000, retryAfterMs: undefined })).toBe(10_000);
    expect(nextDelay({ ...base, attempt: 9, now: 290_001, retryAfterMs: undefined })).toBeUndefined();
    expect(nextDelay({ ...base, attempt: 1, now: 0, retryAfterMs: 300_001 })).toBeUndefined();
  });

  it("gives up when attempts are used up", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 2 };
    expect(nextDelay({ ...base, policy, attempt: 1, now: 0, retryAfterMs: undefined })).toBe(1000);
    expect(nextDelay({ ...base, policy, attempt: 2, now: 0, retryAfterMs: undefined })).toBeUndefined();
  });
});
