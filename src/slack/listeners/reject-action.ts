/** Reject: an approver closes the request; the requester has to ask again. */
import type { App, BlockButtonAction } from "@slack/bolt";
import { ACTIONS } from "../ids.js";
import { handleDecision } from "./card-decision.js";
import { type ButtonArgs, type ListenerDeps, timed } from "./deps.js";

export function handleReject(args: ButtonArgs, deps: ListenerDeps): Promise<void> {
  return handleDecision("reject", args, deps, (id, user) => deps.workflow.reject(id, user));
}

export function register(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>({ type: "block_actions", action_id: ACTIONS.reject }, (args) =>
    handleReject(timed(args, "block_actions", deps), deps),
  );
}
