/**
 * Delete (on a delete request's card): opens the modal where the approver types the endpoint's name. Slack's
 * trigger_id expires about 3 s after the click, so the modal is built from the request as stored; whether the person
 * may approve is judged when the modal is submitted, by the same rule as Approve.
 */
import type { App, BlockButtonAction } from "@slack/bolt";
import { isResolved, requestKind } from "../../domain/index.js";
import { deleteModal } from "../blocks/delete-modal.js";
import { ACTIONS } from "../ids.js";
import { REQUEST_NOT_FOUND_TEXT, rejectionText } from "../messages.js";
import { code } from "../mrkdwn.js";
import { slackErrorCode } from "../slack-errors.js";
import {
  adoptClickedCard,
  type ButtonArgs,
  buttonRequestId,
  ephemeral,
  type ListenerDeps,
  timed,
} from "./deps.js";
import { errorText } from "./error-text.js";
import { approvalIn } from "./workspace-of.js";

export async function handleDelete(args: ButtonArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  const user = args.body.user.id;
  const requestId = buttonRequestId(args.body);
  const log = deps.logger.child({ requestId, user });
  if (requestId === undefined) {
    log.warn({}, "card button without a request id");
    return;
  }
  log.info({}, "delete clicked");
  let answer: string | undefined;
  try {
    await adoptClickedCard(args.body, requestId, deps, log);
    const request = await deps.store.get(requestId);
    if (request === undefined) answer = REQUEST_NOT_FOUND_TEXT;
    else if (
      request.state !== "awaiting_approval" ||
      !isResolved(request) ||
      requestKind(request) !== "delete"
    ) {
      answer = rejectionText(
        { code: "invalid_transition", message: "not a delete awaiting approval" },
        { action: "approve", policy: approvalIn(deps, request.workspace), request },
      );
    } else {
      try {
        await args.client.views.open({ trigger_id: args.body.trigger_id, view: deleteModal(request) });
        log.info({}, "delete modal opened");
      } catch (error) {
        const slackError = slackErrorCode(error);
        if (slackError === undefined) throw error;
        log.warn({ slackError }, "delete modal not opened");
        answer = `Slack did not open the form (${code(slackError)}). Press Delete again.`;
      }
    }
  } catch (error) {
    answer = errorText(error, log);
  }
  if (answer === undefined) return;
  await ephemeral(args.respond, answer).catch((error: unknown) =>
    log.warn({ err: error }, "refusal not delivered"),
  );
}

export function register(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>({ type: "block_actions", action_id: ACTIONS.delete }, (args) =>
    handleDelete(timed(args, "block_actions", deps), deps),
  );
}
