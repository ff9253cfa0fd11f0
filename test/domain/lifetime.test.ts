import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  DEFAULT_LIFETIME_POLICY,
  endpointExpiresAt,
  expiresAtTag,
  formatDuration,
  HOUR_MS,
  keptExpiresAt,
  lifetimeStep,
  MINUTE_MS,
  parseDuration,
  parseTtl,
} from "../../src/domain/index.js";

describe("parseDuration", () => {
  it.each([
    ["30m", 30 * MINUTE_MS],
    ["4h", 4 * HOUR_MS],
    ["7d", 7 * DAY_MS],
    [" 12h ", 12 * HOUR_MS],
  ])("%s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(["", "7", "0d", "1.5h", "-1h", "7 days", "7w", "1d12h", "7D"])("refuses %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
  it.each([
    [7 * DAY_MS, "7d"],
    [36 * HOUR_MS, "36h"],
    [90 * MINUTE_MS, "90m"],
  ])("formats %d as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("parseTtl", () => {
  it.each([
    ["7d", 7 * DAY_MS],
    ["10m", 10 * MINUTE_MS],
    ["366d", 366 * DAY_MS],
  ])("%s", (text, ttlMs) => {
    expect(parseTtl(text)).toEqual({ ok: true, ttlMs });
  });
  it.each(["9m", "367d", "forever", "7"])("refuses %j with invalid_ttl", (text) => {
    expect(parseTtl(text)).toMatchObject({ ok: false, code: "invalid_ttl" });
  });
});

describe("endpoint expiry", () => {
  const deployedAt = Date.UTC(2026, 11, 1, 9, 0);
  it("comes from --ttl, else the policy's default, else never", () => {
    const withDefault = { ...DEFAULT_LIFETIME_POLICY, defaultTtlMs: 30 * DAY_MS };
    expect(endpointExpiresAt(deployedAt, 7 * DAY_MS, withDefault)).toBe(deployedAt + 7 * DAY_MS);
    expect(endpointExpiresAt(deployedAt, undefined, withDefault)).toBe(deployedAt + 30 * DAY_MS);
    expect(endpointExpiresAt(deployedAt, undefined, DEFAULT_LIFETIME_POLICY)).toBeUndefined();
  });
  it("is tagged in ISO 8601 UTC to the second", () => {
    expect(expiresAtTag(deployedAt + 7 * DAY_MS + 1234)).toBe("2026-12-08T09:00:01Z");
  });
  it("is kept 7 more days from the later of the expiry and now", () => {
    expect(keptExpiresAt(deployedAt, deployedAt - HOUR_MS)).toBe(deployedAt + 7 * DAY_MS);
    expect(keptExpiresAt(deployedAt, deployedAt + HOUR_MS)).toBe(deployedAt + HOUR_MS + 7 * DAY_MS);
  });
});

describe("lifetimeStep", () => {
  const expiresAt = Date.UTC(2026, 11, 8, 9, 0);
  const fresh = { expiresAt, noticeSent: false, expiryHandled: false };
  it.each([
    [
      "long before: wake at the notice moment",
      fresh,
      expiresAt - 2 * DAY_MS,
      "notify",
      { due: "nothing", nextAt: expiresAt - DAY_MS },
    ],
    [
      "at the notice moment: the notice",
      fresh,
      expiresAt - DAY_MS,
      "notify",
      { due: "notice", nextAt: expiresAt },
    ],
    [
      "notice sent: wake at expiry",
      { ...fresh, noticeSent: true },
      expiresAt - HOUR_MS,
      "notify",
      { due: "nothing", nextAt: expiresAt },
    ],
    [
      "at expiry with notify",
      { ...fresh, noticeSent: true },
      expiresAt,
      "notify",
      { due: "expire", action: "notify", nextAt: undefined },
    ],
    [
      "at expiry with scale-to-zero",
      { ...fresh, noticeSent: true },
      expiresAt,
      "scale-to-zero",
      { due: "expire", action: "scale-to-zero", nextAt: undefined },
    ],
    [
      "past expiry, notice never sent, delete",
      fresh,
      expiresAt + DAY_MS,
      "delete",
      { due: "expire", action: "delete", nextAt: undefined },
    ],
    [
      "expiry handled: nothing more",
      { ...fresh, noticeSent: true, expiryHandled: true },
      expiresAt + DAY_MS,
      "delete",
      { due: "nothing", nextAt: undefined },
    ],
  ] as const)("%s", (_name, progress, now, onExpiry, expected) => {
    expect(lifetimeStep(progress, now, { ...DEFAULT_LIFETIME_POLICY, onExpiry })).toEqual(expected);
  });
  it("sends the notice at once when the TTL is shorter than the notice period", () => {
    const short = { expiresAt: 1_000 + 2 * HOUR_MS, noticeSent: false, expiryHandled: false };
    expect(lifetimeStep(short, 1_000, DEFAULT_LIFETIME_POLICY)).toMatchObject({ due: "notice" });
  });
});
