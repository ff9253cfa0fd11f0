/**
 * Everything one workspace's rules say (issue 14): who approves and how many, the plan limits, cost caps and tiers,
 * endpoint lifetimes, the smoke test, the break-glass quorum, freezes and reminders. Built by the configuration (from
 * the policy file, or from the environment for the one workspace `default`); every field is read by the domain.
 */
import { type CostPolicy, DEFAULT_COST_POLICY } from "./cost.js";
import { type FreezePolicy, NO_FREEZES } from "./freeze.js";
import { DEFAULT_LIFETIME_POLICY, type LifetimePolicy } from "./lifetime.js";
import type { ApprovalPolicy } from "./policy.js";
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from "./reminders.js";

export interface WorkspacePolicy {
  readonly approval: ApprovalPolicy;
  readonly cost: CostPolicy;
  readonly lifetime: LifetimePolicy;
  /** Whether a READY endpoint gets a smoke-test query (issue 15). */
  readonly smokeTest: boolean;
  /** Approvals a break-glass change during a freeze needs. */
  readonly breakGlassQuorum: number;
  readonly freezes: FreezePolicy;
  readonly reminders: ReminderPolicy;
}

/** The break-glass quorum when the policy names none. */
export const DEFAULT_BREAK_GLASS_QUORUM = 2;

/** The rules of a workspace, by its name (`DeployRequest.workspace`). */
export type PolicyOf = (workspace: string) => WorkspacePolicy;

/** A workspace with only approval rules configured: no cost settings, no lifetime, no freezes, the smoke test on. */
export function defaultWorkspacePolicy(approval: ApprovalPolicy): WorkspacePolicy {
  return {
    approval,
    cost: DEFAULT_COST_POLICY,
    lifetime: DEFAULT_LIFETIME_POLICY,
    smokeTest: true,
    breakGlassQuorum: DEFAULT_BREAK_GLASS_QUORUM,
    freezes: NO_FREEZES,
    reminders: DEFAULT_REMINDER_POLICY,
  };
}

/**
 * Looks each workspace's rules up by name. A name the configuration no longer has (a request stored before the
 * policy file renamed or dropped its workspace) gets the first workspace's rules, so it can still be finished.
 */
export function policiesOf(
  workspaces: readonly { readonly name: string; readonly policy: WorkspacePolicy }[],
): PolicyOf {
  const [first] = workspaces;
  if (first === undefined) throw new Error("policiesOf needs at least one workspace");
  const byName = new Map(workspaces.map((w) => [w.name, w.policy]));
  return (workspace) => byName.get(workspace) ?? first.policy;
}
