/**
 * Everything one workspace's rules say (issue 14): who approves and how many, the plan limits, cost caps and tiers,
 * endpoint lifetimes, the smoke test, the break-glass quorum, freezes and reminders. Built by the configuration (from
 * the policy file, or from the environment for the one workspace `default`); every field is read by the domain.
 */
import type { CostPolicy } from "./cost.js";
import type { FreezePolicy } from "./freeze.js";
import type { LifetimePolicy } from "./lifetime.js";
import type { ApprovalPolicy } from "./policy.js";
import type { ReminderPolicy } from "./reminders.js";

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
