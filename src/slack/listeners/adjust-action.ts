/**
 * Adjust: opens the modal for whoever may adjust (the domain's {@link mayAdjust}, asked before the form opens, and
 * again when it is submitted). Slack's trigger_id expires about 3 s after the click, so the modal is built from the
 * request as stored (a fast, local read); the only other call is the (cached) approver-group lookup, and only for
 * someone who is not the requester.
 */
import type { App, BlockButtonAction } from "@slack/bolt";
import { type DeployRequest, isResolved, mayAdjust, type Rejection } from "../../domain/index.js";
import { adjustModal } from "../blocks/adjust-modal.js";
import { ACTIONS } from "../ids.js";
import { REQUEST_NOT_FOUND_TEXT, rejectionText } from "../messages.js";
import { code } from "../mrkdwn.js";
import { handleCardButton, openModal } from "./card-button.js";
import { type ButtonArgs, type ListenerDeps, timed } from "./deps.js";
import { approvalIn } from "./workspace-of.js";

const ADJUST = {
  name: "adjust",
  /** A trigger Slack let expire (or a refused view) is answered with what to do. */
  notOpenedText: (slackError: string) =>
    slackError === "expired_trigger_id" || slackError === "exchanged_trigger_id"
      ? "Slack took too long to open the form. Press Adjust again."
      : `Slack did not open the form (${code(slackError)}). Press Adjust again in a moment.`,
};

export function handleAdjust(args: ButtonArgs, deps: ListenerDeps): Promise<void> {
  return handleCardButton(args, deps, ADJUST, async (requestId, user, log) => {
    const request = await deps.store.get(requestId);
    if (request === undefined) return REQUEST_NOT_FOUND_TEXT;
    const refusal = await refuse(request, user, deps);
    if (refusal !== undefined) {
      log.info({ code: refusal.code }, "adjust refused");
      return rejectionText(refusal, {
        action: "adjust",
        policy: approvalIn(deps, request.workspace),
        request,
      });
    }
    if (!isResolved(request)) return undefined;
    return openModal(args, adjustModal(request, approvalIn(deps, request.workspace)), log, ADJUST);
  });
}

/** Why `user` cannot adjust `request` now, as the domain judges it; undefined when they may. */
async function refuse(
  request: DeployRequest,
  user: string,
  deps: ListenerDeps,
): Promise<Rejection | undefined> {
  const actor = user === request.requester.id ? { id: user, groups: [] } : await deps.workflow.actor(user);
  const decision = mayAdjust(request, actor, approvalIn(deps, request.workspace), deps.clock.now());
  return decision.ok ? undefined : decision.rejection;
}

export function register(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>({ type: "block_actions", action_id: ACTIONS.adjust }, (args) =>
    handleAdjust(timed(args, "block_actions", deps), deps),
  );
}
