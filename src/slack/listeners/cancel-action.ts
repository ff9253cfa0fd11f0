/** Cancel: the requester (or an approver) withdraws the request. Everyone sees the button; anyone else who presses it is told why nothing happened. */
import type { App, BlockButtonAction } from "@slack/bolt";
import { ACTIONS } from "../ids.js";
import { handleDecision } from "./card-decision.js";
import { type ButtonArgs, type ListenerDeps, timed } from "./deps.js";

export function handleCancel(args: ButtonArgs, deps: ListenerDeps): Promise<void> {
  return handleDecision("cancel", args, deps, (id, user) => deps.workflow.cancel(id, user));
}

export function register(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>({ type: "block_actions", action_id: ACTIONS.cancel }, (args) =>
    handleCancel(timed(args, "block_actions", deps), deps),
  );
}
