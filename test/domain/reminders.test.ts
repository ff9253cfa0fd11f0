import { describe, expect, it } from "vitest";
import { DEFAULT_REMINDER_POLICY, HOUR_MS, reminderSchedule, reminderStep } from "../../src/domain/index.js";

const opened = Date.UTC(2026, 11, 1, 9, 0);
const expires = opened + 24 * HOUR_MS;
const policy = {
  afterMs: [4 * HOUR_MS, HOUR_MS],
  escalationGroup: "S_ONCALL",
  escalateBeforeExpiryMs: 2 * HOUR_MS,
};

describe("reminderSchedule", () => {
  it("reminds at the points after opening, in order, then escalates before expiry", () => {
    expect(reminderSchedule(opened, expires, policy)).toEqual([
      { at: opened + HOUR_MS, kind: "reminder" },
      { at: opened + 4 * HOUR_MS, kind: "reminder" },
      { at: expires - 2 * HOUR_MS, kind: "escalation" },
    ]);
  });
  it.each([
    ["no points, no group", DEFAULT_REMINDER_POLICY, expires, []],
    ["no group: reminders only", { ...policy, escalationGroup: undefined }, expires, [HOUR_MS, 4 * HOUR_MS]],
    ["points past the escalation are dropped", policy, opened + 5 * HOUR_MS, [HOUR_MS, "escalation"]],
    ["an escalation before the opening is dropped", policy, opened + HOUR_MS, []],
  ] as const)("%s", (_name, p, expiresAt, expected) => {
    const schedule = reminderSchedule(opened, expiresAt, p);
    expect(schedule.map((s) => (s.kind === "escalation" ? "escalation" : s.at - opened))).toEqual(expected);
  });
});

describe("reminderStep", () => {
  const schedule = reminderSchedule(opened, expires, policy);
  const [first, second, escalation] = schedule;
  it.each([
    ["before the first point", undefined, opened + 1, { due: undefined, nextAt: first?.at }],
    ["at the first point", undefined, opened + HOUR_MS, { due: first, nextAt: second?.at }],
    [
      "first sent, before the second",
      first?.at,
      opened + 2 * HOUR_MS,
      { due: undefined, nextAt: second?.at },
    ],
    [
      "both missed while down: only the later is sent",
      undefined,
      opened + 5 * HOUR_MS,
      { due: second, nextAt: escalation?.at },
    ],
    [
      "all missed: the escalation, never skipped",
      undefined,
      expires - HOUR_MS,
      { due: escalation, nextAt: undefined },
    ],
    ["everything sent", escalation?.at, expires - HOUR_MS, { due: undefined, nextAt: undefined }],
  ] as const)("%s", (_name, lastSentAt, now, expected) => {
    expect(reminderStep(schedule, lastSentAt, now)).toEqual(expected);
  });
});
