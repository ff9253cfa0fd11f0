/**
 * Who may approve deploys, how many approvals a deploy needs, where deploys may be requested, and the plan limits.
 * Group membership is looked up by the caller (through an {@link ApproverDirectory}) and passed in on the actor, so
 * every decision here is pure.
 */
import { breakGlassApprovals } from "./break-glass.js";
import type { PlanPolicy } from "./plan.js";
import type { Rejection } from "./rejection.js";
import type { DeployRequest } from "./request.js";

export interface ApprovalPolicy extends PlanPolicy {
  /** User ids allowed to approve. */
  readonly approverUsers: readonly string[];
  /** Group ids whose members may approve. */
  readonly approverGroups: readonly string[];
  /** Whether the requester may approve their own request (counts toward the quorum). */
  readonly allowSelfApproval: boolean;
  /** Distinct approvals needed. */
  readonly requiredApprovals: number;
  /** How long a request may wait for a decision. */
  readonly requestTtlMs: number;
  /** Channels where deploys may be requested; empty means any channel. */
  readonly allowedChannels: readonly string[];
}

/** Defaults for everything but the approvers: self-approval off, 1 approval, 24 h, any channel, 2×–3×, at most 20×. */
export const DEFAULT_POLICY: Omit<ApprovalPolicy, "approverUsers" | "approverGroups"> = {
  allowSelfApproval: false,
  requiredApprovals: 1,
  requestTtlMs: 24 * 60 * 60 * 1000,
  allowedChannels: [],
  defaultMinMultiple: 2,
  defaultMaxMultiple: 3,
  maxMultipleLimit: 20,
};

/** A policy from the approvers and any overrides of {@link DEFAULT_POLICY}. */
export function approvalPolicy(
  settings: Pick<ApprovalPolicy, "approverUsers"> & Partial<ApprovalPolicy>,
): ApprovalPolicy {
  return { ...DEFAULT_POLICY, approverGroups: [], ...settings };
}

/** Someone acting on a request, with the approver groups they belong to (resolved by the caller). */
export interface Actor {
  readonly id: string;
  readonly groups: readonly string[];
}

/**
 * Port: which of `groups` a user belongs to. The Slack implementation reads user-group members (cached, the API is
 * Tier 2); the workflow calls it before {@link canApprove} and puts the answer on {@link Actor.groups}.
 */
export interface ApproverDirectory {
  groupsOf(userId: string, groups: readonly string[]): Promise<readonly string[]>;
}

export type PolicyDecision = { readonly ok: true } | { readonly ok: false; readonly rejection: Rejection };

/** Whether the actor is named as an approver or belongs to an approver group. */
/**
 * Whether judging `userId` needs their approver groups looked up: not when the policy names no groups, nor when it
 * lists the user by id (they are an approver whatever the groups say, so a failing lookup must not refuse them).
 */
export function needsGroupLookup(userId: string, policy: ApprovalPolicy): boolean {
  return policy.approverGroups.length > 0 && !policy.approverUsers.includes(userId);
}

export function isApprover(actor: Actor, policy: ApprovalPolicy): boolean {
  return (
    policy.approverUsers.includes(actor.id) || actor.groups.some((g) => policy.approverGroups.includes(g))
  );
}

/**
 * Whether `actor` may approve `request` now, ignoring its state (the transition checks that): they must be an
 * approver, not the requester unless self-approval is allowed, and must not have approved already.
 */
export function canApprove(request: DeployRequest, actor: Actor, policy: ApprovalPolicy): PolicyDecision {
  if (!isApprover(actor, policy)) {
    return deny(
      "not_an_approver",
      `${actor.id} is not an approver; approvers are ${describeApprovers(policy)}`,
    );
  }
  if (actor.id === request.requester.id && !policy.allowSelfApproval) {
    return deny("self_approval_forbidden", `${actor.id} requested this deploy and cannot approve it too`);
  }
  if (request.approvals.some((a) => a.by === actor.id)) {
    return deny("duplicate_approval", `${actor.id} already approved this request`);
  }
  return { ok: true };
}

/** Whether `actor` may cancel `request` (its state aside): the requester, or an approver. */
export function mayCancel(request: DeployRequest, actor: Actor, policy: ApprovalPolicy): boolean {
  return actor.id === request.requester.id || isApprover(actor, policy);
}

export function isChannelAllowed(channelId: string, policy: ApprovalPolicy): boolean {
  return policy.allowedChannels.length === 0 || policy.allowedChannels.includes(channelId);
}

/** Who may approve, in plain words: "any of U1, U2, or members of S1". */
export function describeApprovers(policy: ApprovalPolicy): string {
  const parts = [...policy.approverUsers];
  if (policy.approverGroups.length > 0) parts.push(`members of ${joinOr(policy.approverGroups)}`);
  if (parts.length === 0) return "nobody (no approvers are configured)";
  return parts.length === 1 ? (parts[0] ?? "") : `any of ${joinOr(parts)}`;
}

/** Where a request stands with its approvals, for the card. */
export interface ApprovalStatus {
  readonly users: readonly string[];
  readonly groups: readonly string[];
  readonly selfApprovalAllowed: boolean;
  readonly required: number;
  readonly given: readonly string[];
  readonly remaining: number;
}

export function approvalStatus(request: DeployRequest, policy: ApprovalPolicy): ApprovalStatus {
  const given = request.approvals.map((a) => a.by);
  const required = breakGlassApprovals(request, policy);
  return {
    users: policy.approverUsers,
    groups: policy.approverGroups,
    selfApprovalAllowed: policy.allowSelfApproval,
    required,
    given,
    remaining: Math.max(0, required - given.length),
  };
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 2) return items.join(" or ");
  return `${items.slice(0, -1).join(", ")}, or ${items.at(-1)}`;
}

function deny(code: Rejection["code"], message: string): PolicyDecision {
  return { ok: false, rejection: { code, message } };
}
