/** Approve: one approval toward the quorum (approvers only, not the requester unless the policy allows). The confirm dialog on the button is Slack's; this runs once it is confirmed. */
import type { App, BlockButtonAction } from "@slack/bolt";
import { ACTIONS } from "../ids.js";
import { handleDecision } from "./card-decision.js";
import { type ButtonArgs, buttonRevision, type ListenerDeps, timed } from "./deps.js";

/** The button carries the revision the card showed: an approval never counts for settings the approver did not see. */
export function handleApprove(args: ButtonArgs, deps: ListenerDeps): Promise<void> {
  const revision = buttonRevision(args.body);
  return handleDecision("approve", args, deps, (id, user) => deps.workflow.approve(id, user, revision));
}

export function register(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>({ type: "block_actions", action_id: ACTIONS.approve }, (args) =>
    handleApprove(timed(args, "block_actions", deps), deps),
  );
}
