/**
 * The delete modal's submission: the typed name must be the endpoint's, else nothing changes and the modal says why
 * (a view error under the input). The right name counts as an approval, for the revision the modal was opened on,
 * judged by the same rule as Approve (approvers only, quorum, not expired). A refusal is shown in the modal too.
 */
import type { App, ViewSubmitAction } from "@slack/bolt";
import { typedName, wrongNameError } from "../blocks/delete-modal.js";
import { BUTTON_VALUE, DELETE_INPUT, DELETE_VIEW } from "../ids.js";
import { rejectionText } from "../messages.js";
import { type ListenerDeps, timed } from "./deps.js";
import { errorText } from "./error-text.js";
import { refuseInField, type SubmissionArgs } from "./modal-submission.js";
import { approvalIn } from "./workspace-of.js";

/** The delete modal's submission. */
export type DeleteSubmitArgs = SubmissionArgs;

export async function handleDeleteSubmit(args: DeleteSubmitArgs, deps: ListenerDeps): Promise<void> {
  const user = args.body.user.id;
  const [, requestId = "", revisionText] = BUTTON_VALUE.exec(args.body.view.private_metadata) ?? [];
  const revision = revisionText === undefined ? 1 : Number(revisionText);
  const log = deps.logger.child({ requestId, user });
  log.info({}, "delete submitted");
  const fieldError = (text: string) => refuseInField(args, DELETE_INPUT.block, text);
  try {
    const request = await deps.store.get(requestId);
    const endpointName = request?.endpointName ?? request?.ask.endpointName ?? "";
    const typed = typedName(args.body.view.state.values);
    const wrong = wrongNameError(typed, endpointName);
    if (request === undefined || wrong !== undefined) {
      log.info({}, "delete not confirmed: wrong name");
      await fieldError(wrong ?? "This request no longer exists.");
      return;
    }
    const applied = await deps.workflow.approve(requestId, user, revision, typed);
    if (!applied.ok) {
      log.info({ code: applied.rejection.code }, "delete approval refused");
      await fieldError(
        rejectionText(applied.rejection, {
          action: "approve",
          policy: approvalIn(deps, applied.request?.workspace ?? "default"),
          ...(applied.request === undefined ? {} : { request: applied.request }),
        }),
      );
      return;
    }
    log.info({ state: applied.request.state }, "delete approved");
    await args.ack();
  } catch (error) {
    await fieldError(errorText(error, log));
  }
}

export function register(app: App, deps: ListenerDeps): void {
  app.view<ViewSubmitAction>({ type: "view_submission", callback_id: DELETE_VIEW }, (args) =>
    handleDeleteSubmit(timed(args, "view_submission", deps), deps),
  );
}
