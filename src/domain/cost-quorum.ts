/**
 * The cost guardrails applied to a request (issue 13): the DBU/h cap as a plan violation (so a refusal names the
 * figures where the plan's other problems are named, before a card and on an Adjust alike), and the approval quorum
 * a request's cost tier asks for. Kept apart from the freeze's break-glass quorum: each decides on its own grounds.
 */
import { bandCost, type CostPolicy, type CostTier, checkDbuCap, costTier } from "./cost.js";
import type { ModelInfo } from "./model.js";
import type { Plan } from "./plan.js";
import type { ApprovalPolicy } from "./policy.js";
import { type DeployRequest, isResolved, requestKind } from "./request.js";
import type { PlanViolation } from "./violation.js";

/** The cap (`PTBOT_MAX_DBU_PER_HOUR`) as a violation of the max field, with the figures; none within it. */
export function costViolations(model: ModelInfo, plan: Plan, cost: CostPolicy): PlanViolation[] {
  const decision = checkDbuCap(bandCost(model, plan, cost), cost);
  if (decision.ok) return [];
  if (decision.code === "cost_unknown") {
    return [
      {
        field: "max",
        code: "cost_unknown",
        message: `the cost of this band is unknown, and requests are capped at ${decision.capDbuPerHour} DBU/h`,
      },
    ];
  }
  return [
    {
      field: "max",
      code: "over_dbu_cap",
      message: `at max this band costs ${decision.maxDbuPerHour} DBU/h, above the cap of ${decision.capDbuPerHour} DBU/h`,
    },
  ];
}

/** The tier a request's proposed band falls in; a delete, or a request not resolved yet, is `standard`. */
export function requestCostTier(request: DeployRequest, cost: CostPolicy): CostTier {
  if (!isResolved(request) || requestKind(request) === "delete") return { tier: "standard" };
  return costTier(bandCost(request.model, request.plan, cost), cost);
}

/**
 * Who may approve `request` and how many approvals it needs: the workspace's rules, except in the high-cost tier,
 * where the tier's approvers (users and groups) give its number of approvals. Self-approval follows the workspace.
 */
export function costQuorum(
  request: DeployRequest,
  approval: ApprovalPolicy,
  cost: CostPolicy,
): ApprovalPolicy {
  const tier = requestCostTier(request, cost);
  if (tier.tier === "standard") return approval;
  return {
    ...approval,
    approverUsers: tier.approverUsers,
    approverGroups: tier.approverGroups,
    requiredApprovals: tier.requiredApprovals,
  };
}

/**
 * Everyone who may approve some request of the workspace (its approvers and the high-cost ones): the groups to look
 * a person up in before judging them, whichever tier the request turns out to be in.
 */
export function anyTierApprovers(approval: ApprovalPolicy, cost: CostPolicy): ApprovalPolicy {
  const high = cost.highCost;
  if (high === undefined) return approval;
  const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
  return {
    ...approval,
    approverUsers: union(approval.approverUsers, high.approverUsers),
    approverGroups: union(approval.approverGroups, high.approverGroups),
  };
}
