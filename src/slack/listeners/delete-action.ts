/**
 * Delete (on a delete request's card): opens the modal where the approver types the endpoint's name. Slack's
 * trigger_id expires about 3 s after the click, so the modal is built from the request as stored. Whether the person
 * may approve is judged before it opens (who may approve, a freeze), and again when it is submitted, by Approve's rule.
 */
import type { App, BlockButtonAction } from "@slack/bolt";
import { isResolved, requestKind } from "../../domain/index.js";
import { deleteModal } from "../blocks/delete-modal.js";
import { ACTIONS } from "../ids.js";
import { REQUEST_NOT_FOUND_TEXT, rejectionText } from "../messages.js";
import { code } from "../mrkdwn.js";
import { handleCardButton, openModal } from "./card-button.js";
import { type ButtonArgs, type ListenerDeps, timed } from "./deps.js";
import { approvalIn } from "./workspace-of.js";

const DELETE = {
  name: "delete",
  notOpenedText: (slackError: string) =>
    `Slack did not open the form (${code(slackError)}). Press Delete again.`,
};

export function handleDelete(args: ButtonArgs, deps: ListenerDeps): Promise<void> {
  return handleCardButton(args, deps, DELETE, async (requestId, user, log) => {
    const request = await deps.store.get(requestId);
    if (request === undefined) return REQUEST_NOT_FOUND_TEXT;
    if (request.state !== "awaiting_approval" || !isResolved(request) || requestKind(request) !== "delete") {
      return rejectionText(
        { code: "invalid_transition", message: "not a delete awaiting approval" },
        { action: "approve", policy: approvalIn(deps, request.workspace), request },
      );
    }
    // Who may not approve (or may not now, in a freeze) hears so at once, before typing the endpoint's name.
    const refused = await deps.workflow.approvalRefusal(requestId, user);
    if (refused !== undefined)
      return rejectionText(refused, {
        action: "approve",
        policy: approvalIn(deps, request.workspace),
        request,
      });
    return openModal(args, deleteModal(request), log, DELETE);
  });
}

export function register(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>({ type: "block_actions", action_id: ACTIONS.delete }, (args) =>
    handleDelete(timed(args, "block_actions", deps), deps),
  );
}
