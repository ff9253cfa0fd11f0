import { describe, expect, it } from "vitest";
import {
  DEFAULT_REMINDER_POLICY,
  HOUR_MS,
  reminderSchedule,
  reminderStep,
  remindsAtAll,
} from "../../src/domain/index.js";
import { transition } from "../../src/domain/transition.js";
import { policy as approvalRules, HOUR, requestIn } from "./fixtures.js";

const opened = Date.UTC(2026, 11, 1, 9, 0);
const expires = opened + 24 * HOUR_MS;
const policy = {
  afterMs: [4 * HOUR_MS, HOUR_MS],
  escalationGroup: "S_ONCALL",
  escalateBeforeExpiryMs: 2 * HOUR_MS,
};

describe("remindsAtAll", () => {
  it("is false for the default (no points, no escalation) and true with either", () => {
    expect(remindsAtAll(DEFAULT_REMINDER_POLICY)).toBe(false);
    expect(remindsAtAll({ ...DEFAULT_REMINDER_POLICY, afterMs: [HOUR_MS] })).toBe(true);
    expect(remindsAtAll({ ...DEFAULT_REMINDER_POLICY, escalationGroup: "S_ONCALL" })).toBe(true);
  });
});

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

describe("the reminder_due transition", () => {
  it("sends each point once, a later point after it, and nothing once the request's time ran out", () => {
    const pending = requestIn("awaiting_approval");
    const at = pending.createdAt + HOUR;
    const ctx = { now: at, policy: approvalRules };
    const sent = transition(pending, { type: "reminder_due", at, kind: "reminder" }, ctx);
    if (!sent.ok) throw new Error(sent.rejection.message);
    expect(sent.request.remindedAt).toBe(at);
    expect(sent.effects).toEqual([{ type: "notify", notice: { type: "reminder", kind: "reminder" } }]);
    const again = transition(sent.request, { type: "reminder_due", at, kind: "reminder" }, ctx);
    expect(again.ok ? "sent" : again.rejection.code).toBe("already_reminded");
    const later = transition(
      sent.request,
      { type: "reminder_due", at: at + HOUR, kind: "escalation", escalationGroup: "S_ONCALL" },
      { now: at + HOUR, policy: approvalRules },
    );
    expect(later.ok && later.effects).toEqual([
      { type: "notify", notice: { type: "reminder", kind: "escalation", escalationGroup: "S_ONCALL" } },
    ]);
    const late = transition(
      pending,
      { type: "reminder_due", at: pending.expiresAt, kind: "reminder" },
      { now: pending.expiresAt, policy: approvalRules },
    );
    expect(late.ok ? "sent" : late.rejection.code).toBe("expired");
  });
});
