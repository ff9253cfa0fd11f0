/**
 * Break-glass changes during a change freeze (issue 14). A request for a frozen workspace is refused before any card,
 * unless the requester gave a reason with `--break-glass "reason"`: then it goes ahead marked as such, and needs the
 * workspace's break-glass quorum. Approvals are judged against the freeze too: a request whose card was posted before
 * a freeze began is not approved during it unless it is a break-glass change (the safe choice: a freeze means no
 * change goes out without the quorum, whenever it was asked). A request already approved before the freeze began is
 * left to finish: its decision was made while changes were allowed. Pure.
 */
import type { ActiveFreeze, FreezeState } from "./freeze.js";
import type { ApprovalPolicy } from "./policy.js";
import type { Rejection } from "./rejection.js";
import type { DeployRequest } from "./request.js";

/** The longest break-glass reason kept (a sentence or two; longer text is cut). */
export const MAX_BREAK_GLASS_REASON = 300;

/** What marks a request as a break-glass change: the reason given, and the approvals it needs. */
export interface BreakGlass {
  readonly reason: string;
  /** Approvals the request needs (the workspace's break-glass quorum, or more if its rules ask for more). */
  readonly quorum: number;
}

/** The freeze a refusal names: the window's reason, when it began and ends, and the zone its policy is written in. */
export interface FreezeInfo extends Pick<ActiveFreeze, "kind" | "reason" | "startedAt" | "endsAt"> {
  readonly workspace: string;
  readonly timeZone: string;
}

/** A break-glass change needs the larger of the workspace's usual approvals and its break-glass quorum. */
export function breakGlassQuorum(requiredApprovals: number, quorum: number): number {
  return Math.max(requiredApprovals, quorum);
}

/** The reason as it is kept: trimmed, at most {@link MAX_BREAK_GLASS_REASON} characters; undefined when empty. */
export function breakGlassReason(raw: string | undefined): string | undefined {
  const reason = raw?.trim();
  if (reason === undefined || reason === "") return undefined;
  return reason.slice(0, MAX_BREAK_GLASS_REASON);
}

/**
 * Approvals `request` needs: a break-glass change its quorum (fixed when it was opened), otherwise the policy's.
 * Other rules that raise the count for some requests compose with this one by taking the largest.
 */
export function breakGlassApprovals(request: DeployRequest, policy: ApprovalPolicy): number {
  return Math.max(policy.requiredApprovals, request.breakGlass?.quorum ?? 0);
}

/** The refusal of a change during `freeze`: code `frozen`, with the window for the requester's answer. */
export function frozenRejection(
  freeze: ActiveFreeze,
  at: { readonly workspace: string; readonly timeZone: string },
  what: "request" | "approval",
): Rejection {
  const why = freeze.reason === undefined ? "" : ` (${freeze.reason})`;
  return {
    code: "frozen",
    message:
      `workspace ${at.workspace} is frozen${why} until ${new Date(freeze.endsAt).toISOString()}; ` +
      `${what === "request" ? "a change" : "an approval"} needs --break-glass "reason"`,
    freeze: {
      kind: freeze.kind,
      reason: freeze.reason,
      startedAt: freeze.startedAt,
      endsAt: freeze.endsAt,
      workspace: at.workspace,
      timeZone: at.timeZone,
    },
  };
}

/**
 * Whether a new request may be opened now: refused during a freeze unless it carries a break-glass reason. Requests
 * with a reason go ahead whether or not a freeze is on (the requester asked for the stricter quorum).
 */
export function freezeAllowsRequest(
  state: FreezeState,
  at: { readonly workspace: string; readonly timeZone: string },
  breakGlass: string | undefined,
): Rejection | undefined {
  if (!state.frozen || breakGlass !== undefined) return undefined;
  return frozenRejection(state, at, "request");
}

/** Whether an approval of `request` may be counted now: during a freeze, only for a break-glass change. */
export function freezeAllowsApproval(
  request: DeployRequest,
  state: FreezeState,
  timeZone: string,
): Rejection | undefined {
  if (!state.frozen || request.breakGlass !== undefined) return undefined;
  return frozenRejection(state, { workspace: request.workspace, timeZone }, "approval");
}
