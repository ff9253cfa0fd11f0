import { describe, expect, it } from "vitest";
import {
  breakGlassApprovals,
  breakGlassQuorum,
  breakGlassReason,
  type FreezePolicy,
  freezeAllowsApproval,
  freezeAllowsRequest,
  freezeAt,
  MAX_BREAK_GLASS_REASON,
} from "../../src/domain/index.js";
import { transition } from "../../src/domain/transition.js";
import { approver, approver2, HOUR, policy, requestIn, T0 } from "./fixtures.js";

// Frozen from T0 - 1 h to T0 + 5 h (UTC wall clock), reason "release".
const freezes: FreezePolicy = {
  timeZone: "UTC",
  weekly: [],
  periods: [
    {
      from: { year: 2025, month: 1, day: 1, minute: 11 * 60 },
      to: { year: 2025, month: 1, day: 1, minute: 17 * 60 },
      reason: "release",
    },
  ],
};
const at = { workspace: "prod", timeZone: "UTC" };

describe("break-glass", () => {
  it("needs the larger of the usual approvals and the quorum", () => {
    expect(breakGlassQuorum(1, 2)).toBe(2);
    expect(breakGlassQuorum(3, 2)).toBe(3);
  });

  it("keeps a reason trimmed and bounded; blank is none", () => {
    expect(breakGlassReason("  prod down ")).toBe("prod down");
    expect(breakGlassReason("   ")).toBeUndefined();
    expect(breakGlassReason(undefined)).toBeUndefined();
    expect(breakGlassReason("x".repeat(1000))).toHaveLength(MAX_BREAK_GLASS_REASON);
  });

  it("refuses a request during a freeze without a reason, naming the window and its end", () => {
    const state = freezeAt(T0, freezes);
    expect(freezeAllowsRequest(state, at, "prod down")).toBeUndefined();
    expect(freezeAllowsRequest(freezeAt(T0 + 6 * HOUR, freezes), at, undefined)).toBeUndefined();
    expect(freezeAllowsRequest(state, at, undefined)).toMatchObject({
      code: "frozen",
      freeze: {
        kind: "period",
        reason: "release",
        endsAt: T0 + 5 * HOUR,
        workspace: "prod",
        timeZone: "UTC",
      },
    });
  });

  it("refuses an approval during a freeze unless the request is a break-glass change", () => {
    const plain = requestIn("awaiting_approval");
    const urgent = { ...plain, breakGlass: { reason: "prod down", quorum: 2 } };
    const state = freezeAt(T0, freezes);
    expect(freezeAllowsApproval(plain, state, "UTC")?.code).toBe("frozen");
    expect(freezeAllowsApproval(urgent, state, "UTC")).toBeUndefined();
    expect(freezeAllowsApproval(plain, freezeAt(T0 + 6 * HOUR, freezes), "UTC")).toBeUndefined();
  });

  it("counts a break-glass change as approved only at its quorum", () => {
    const urgent = { ...requestIn("awaiting_approval"), breakGlass: { reason: "prod down", quorum: 2 } };
    expect(breakGlassApprovals(urgent, policy)).toBe(2);
    const ctx = { now: T0 + HOUR, policy };
    const once = transition(urgent, { type: "approved", by: approver, revision: 1 }, ctx);
    if (!once.ok) throw new Error(once.rejection.message);
    expect(once.request.state).toBe("awaiting_approval");
    const twice = transition(once.request, { type: "approved", by: approver2, revision: 1 }, ctx);
    expect(twice.ok && twice.request.state).toBe("approved");
  });

  it("puts the reason in the thread once, when the card is first recorded", () => {
    const urgent = { ...requestIn("awaiting_approval"), breakGlass: { reason: "prod down", quorum: 2 } };
    const event = { type: "message_posted", message: { channelId: "C1", ts: "1.1" } } as const;
    const first = transition(urgent, event, { now: T0 + HOUR, policy });
    if (!first.ok) throw new Error(first.rejection.message);
    expect(first.effects).toEqual([{ type: "notify", notice: { type: "break_glass" } }]);
    const again = transition(first.request, event, { now: T0 + HOUR, policy });
    expect(again.ok && again.effects).toEqual([]);
  });
});
