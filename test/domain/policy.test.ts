import { describe, expect, it } from "vitest";
import {
  type ApprovalPolicy,
  approvalPolicy,
  approvalStatus,
  canApprove,
  DEFAULT_POLICY,
  describeApprovers,
  isApprover,
  isChannelAllowed,
  needsGroupLookup,
} from "../../src/domain/policy.js";
import { apply, approver, groupMember, policy, requester, requestIn, stranger, T0 } from "./fixtures.js";

describe("approvalPolicy", () => {
  it("fills in the defaults", () => {
    expect(approvalPolicy({ approverUsers: ["U1"] })).toEqual({
      approverUsers: ["U1"],
      approverGroups: [],
      allowSelfApproval: false,
      requiredApprovals: 1,
      requestTtlMs: 24 * 3_600_000,
      allowedChannels: [],
      defaultMinMultiple: 2,
      defaultMaxMultiple: 3,
      maxMultipleLimit: 20,
    });
    expect(DEFAULT_POLICY.allowSelfApproval).toBe(false);
  });
});

describe("isApprover", () => {
  it.each([
    ["a named user", { id: "U_APPROVER", groups: [] }, true],
    ["a member of an approver group", { id: "U_X", groups: ["S_ML"] }, true],
    ["a member of other groups only", { id: "U_X", groups: ["S_OTHER"] }, false],
    ["nobody in particular", { id: "U_X", groups: [] }, false],
  ])("%s → %s", (_label, actor, expected) => {
    expect(isApprover(actor, policy)).toBe(expected);
  });
});

describe("needsGroupLookup", () => {
  it.each([
    ["a user listed by id", "U_APPROVER", policy, false],
    ["anyone else, with approver groups", "U_X", policy, true],
    ["anyone, with no approver groups", "U_X", approvalPolicy({ approverUsers: ["U_APPROVER"] }), false],
  ])("%s → %s", (_label, userId, p, expected) => {
    expect(needsGroupLookup(userId, p)).toBe(expected);
  });
});

describe("canApprove", () => {
  const awaiting = requestIn("awaiting_approval");

  it("allows a named approver and a group member", () => {
    expect(canApprove(awaiting, approver, policy)).toEqual({ ok: true });
    expect(canApprove(awaiting, groupMember, policy)).toEqual({ ok: true });
  });

  it("refuses someone who is not an approver", () => {
    expect(canApprove(awaiting, stranger, policy)).toMatchObject({
      ok: false,
      rejection: { code: "not_an_approver" },
    });
  });

  it("refuses the requester unless self-approval is on", () => {
    const self = { id: requester.id, groups: ["S_ML"] };
    expect(canApprove(awaiting, self, policy)).toEqual({
      ok: false,
      rejection: {
        code: "self_approval_forbidden",
        message: "U_REQ requested this deploy and cannot approve it too",
      },
    });
    expect(canApprove(awaiting, self, { ...policy, allowSelfApproval: true })).toEqual({ ok: true });
  });

  it("a requester who is no approver is told that, even with self-approval on", () => {
    const self = { id: requester.id, groups: [] };
    expect(canApprove(awaiting, self, { ...policy, allowSelfApproval: true })).toMatchObject({
      ok: false,
      rejection: { code: "not_an_approver" },
    });
  });

  it("refuses a second approval by the same person", () => {
    const quorum2: ApprovalPolicy = { ...policy, requiredApprovals: 2 };
    const once = apply(
      requestIn("awaiting_approval", { policy: quorum2 }),
      { type: "approved", by: approver, revision: 1 },
      T0 + 5000,
      quorum2,
    );
    expect(canApprove(once, approver, quorum2)).toEqual({
      ok: false,
      rejection: { code: "duplicate_approval", message: "U_APPROVER already approved this request" },
    });
    expect(canApprove(once, groupMember, quorum2)).toEqual({ ok: true });
  });
});

describe("isChannelAllowed", () => {
  it("allows every channel when the list is empty", () => {
    expect(isChannelAllowed("C_ANY", policy)).toBe(true);
  });

  it("allows only listed channels otherwise", () => {
    const strict = { ...policy, allowedChannels: ["C1", "C2"] };
    expect(isChannelAllowed("C2", strict)).toBe(true);
    expect(isChannelAllowed("C3", strict)).toBe(false);
  });
});

describe("describeApprovers", () => {
  it.each<[string[], string[], string]>([
    [["U1"], [], "U1"],
    [["U1", "U2"], [], "any of U1 or U2"],
    [["U1", "U2"], ["S1"], "any of U1, U2, or members of S1"],
    [[], ["S1"], "members of S1"],
    [[], ["S1", "S2"], "members of S1 or S2"],
    [["U1"], ["S1", "S2", "S3"], "any of U1 or members of S1, S2, or S3"],
    [[], [], "nobody (no approvers are configured)"],
  ])("users %j, groups %j → %s", (approverUsers, approverGroups, expected) => {
    expect(describeApprovers({ ...policy, approverUsers, approverGroups })).toBe(expected);
  });
});

describe("approvalStatus", () => {
  it("says who can approve and how far the request is", () => {
    const quorum2: ApprovalPolicy = { ...policy, requiredApprovals: 2 };
    const once = apply(
      requestIn("awaiting_approval", { policy: quorum2 }),
      { type: "approved", by: approver, revision: 1 },
      T0 + 5000,
      quorum2,
    );
    expect(approvalStatus(once, quorum2)).toEqual({
      users: ["U_APPROVER", "U_APPROVER2"],
      groups: ["S_ML"],
      selfApprovalAllowed: false,
      required: 2,
      given: ["U_APPROVER"],
      remaining: 1,
    });
    expect(approvalStatus(requestIn("awaiting_approval"), policy)).toMatchObject({ given: [], remaining: 1 });
  });
});
