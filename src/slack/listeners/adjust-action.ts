/**
 * Adjust: opens the modal for whoever may adjust (the domain's {@link mayAdjust}, asked before the form opens, and
 * again when it is submitted). Slack's trigger_id expires about 3 s after the click, so the modal is built from the
 * request as stored (a fast, local read); the only other call is the (cached) approver-group lookup, and only for
 * someone who is not the requester.
 */
import type { App, BlockButtonAction, types } from "@slack/bolt";
import { type DeployRequest, isResolved, mayAdjust, type Rejection } from "../../domain/index.js";
import type { Logger } from "../../logger.js";
import { adjustModal } from "../blocks/adjust-modal.js";
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

export async function handleAdjust(args: ButtonArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  const user = args.body.user.id;
  const requestId = buttonRequestId(args.body);
  const log = deps.logger.child({ requestId, user });
  if (requestId === undefined) {
    log.warn({}, "card button without a request id");
    return;
  }
  log.info({}, "adjust clicked");
  let answer: string | undefined;
  try {
    await adoptClickedCard(args.body, requestId, deps, log);
    const request = await deps.store.get(requestId);
    const refusal = request === undefined ? undefined : await refuse(request, user, deps);
    if (request === undefined) answer = REQUEST_NOT_FOUND_TEXT;
    else if (refusal !== undefined) {
      log.info({ code: refusal.code }, "adjust refused");
      answer = rejectionText(refusal, {
        action: "adjust",
        policy: approvalIn(deps, request.workspace),
        request,
      });
    } else if (isResolved(request)) {
      answer = await openModal(args, adjustModal(request, approvalIn(deps, request.workspace)), log);
    }
  } catch (error) {
    answer = errorText(error, log);
  }
  if (answer === undefined) return;
  await ephemeral(args.respond, answer).catch((error: unknown) =>
    log.warn({ err: error }, "refusal not delivered"),
  );
}

/** Opens the modal; a trigger Slack let expire (or a refused view) is answered with what to do. */
async function openModal(args: ButtonArgs, view: types.ModalView, log: Logger): Promise<string | undefined> {
  try {
    await args.client.views.open({ trigger_id: args.body.trigger_id, view });
    log.info({}, "adjust modal opened");
    return undefined;
  } catch (error) {
    const slackError = slackErrorCode(error);
    if (slackError === undefined) throw error;
    log.warn({ slackError }, "adjust modal not opened");
    return slackError === "expired_trigger_id" || slackError === "exchanged_trigger_id"
      ? "Slack took too long to open the form. Press Adjust again."
      : `Slack did not open the form (${code(slackError)}). Press Adjust again in a moment.`;
  }
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
