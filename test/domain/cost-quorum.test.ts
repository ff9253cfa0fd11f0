import { describe, expect, it } from "vitest";
import {
  anyTierApprovers,
  type CostPolicy,
  costQuorum,
  costViolations,
  DEFAULT_COST_POLICY,
  type Plan,
  transition,
} from "../../src/domain/index.js";
import { approver, approver2, llama, policy, requestIn, stranger, T0, unitsModel } from "./fixtures.js";

const band = (maxMultiple: number): Plan => ({ minMultiple: 1, maxMultiple, scaleToZero: false });
const capped: CostPolicy = { ...DEFAULT_COST_POLICY, maxDbuPerHour: 100 };
const tiered: CostPolicy = {
  ...DEFAULT_COST_POLICY,
  highCost: {
    dbuPerHour: 60,
    requiredApprovals: 2,
    approverUsers: ["U_STRANGER", "U_APPROVER2"],
    approverGroups: ["S_FIN"],
  },
};

describe("costViolations (the DBU/h cap)", () => {
  it.each([
    { what: "no cap", cost: DEFAULT_COST_POLICY, model: llama, max: 20, codes: [] },
    { what: "at the cap", cost: { ...capped, maxDbuPerHour: 72 }, model: llama, max: 3, codes: [] },
    { what: "within", cost: capped, model: llama, max: 4, codes: [] },
    { what: "over (5 × 24 = 120)", cost: capped, model: llama, max: 5, codes: ["over_dbu_cap"] },
    { what: "unknown cost under a cap", cost: capped, model: unitsModel, max: 1, codes: ["cost_unknown"] },
    {
      what: "model units at a configured rate",
      cost: { ...capped, dbuPerModelUnit: 1 },
      model: unitsModel,
      max: 3,
      codes: ["over_dbu_cap"],
    },
  ])("$what → $codes", ({ cost, model, max, codes }) => {
    const violations = costViolations(model, band(max), cost);
    expect(violations.map((v) => v.code)).toEqual(codes);
    for (const v of violations) expect(v.field).toBe("max");
  });

  it("names the figures", () => {
    expect(costViolations(llama, band(5), capped)[0]?.message).toBe(
      "at max this band costs 120 DBU/h, above the cap of 100 DBU/h",
    );
  });
});

describe("costQuorum (who approves, how many)", () => {
  const at = (max: number) => ({ ...requestIn("awaiting_approval"), plan: band(max) });

  it.each([
    { what: "no tier configured", cost: DEFAULT_COST_POLICY, max: 20, high: false },
    { what: "at the threshold (2.5 × 24 = 60)", cost: tiered, max: 2.5, high: false },
    { what: "above the threshold", cost: tiered, max: 3, high: true },
  ])("$what → high: $high", ({ cost, max, high }) => {
    const quorum = costQuorum(at(max), policy, cost);
    if (!high) {
      expect(quorum).toBe(policy);
      return;
    }
    expect(quorum.requiredApprovals).toBe(2);
    expect(quorum.approverUsers).toEqual(["U_STRANGER", "U_APPROVER2"]);
    expect(quorum.approverGroups).toEqual(["S_FIN"]);
    expect(quorum.allowSelfApproval).toBe(policy.allowSelfApproval);
  });

  it("leaves a delete to the workspace's approvers whatever its band", () => {
    const del = { ...requestIn("awaiting_approval"), kind: "delete" as const, plan: band(20) };
    expect(costQuorum(del, policy, tiered)).toBe(policy);
  });

  it("drives the approve transition: the tier's approvers, its number of approvals", () => {
    const request = at(3);
    const ctx = { now: T0 + 5000, policy, cost: tiered };
    const refused = transition(request, { type: "approved", by: approver, revision: 1 }, ctx);
    expect(refused.ok ? "ok" : refused.rejection.code).toBe("not_an_approver");
    const first = transition(request, { type: "approved", by: stranger, revision: 1 }, ctx);
    if (!first.ok) throw new Error(first.rejection.message);
    expect(first.request.state).toBe("awaiting_approval");
    const second = transition(first.request, { type: "approved", by: approver2, revision: 1 }, ctx);
    expect(second.ok && second.request.state).toBe("approved");
  });

  it("anyTierApprovers: the union, for the group lookup", () => {
    const all = anyTierApprovers(policy, tiered);
    expect(all.approverUsers).toEqual(["U_APPROVER", "U_APPROVER2", "U_STRANGER"]);
    expect(all.approverGroups).toEqual(["S_ML", "S_FIN"]);
    expect(anyTierApprovers(policy, DEFAULT_COST_POLICY)).toBe(policy);
  });
});
