/**
 * Approve, reject and cancel share one shape: acknowledge at once, apply the use case, and on a refusal tell only
 * the person who clicked why (the card does not change). A success needs no answer here: the card is re-rendered
 * and the thread told through the notifier.
 */
import { costQuorum } from "../../domain/index.js";
import type { Applied } from "../../workflow/apply-event.js";
import { rejectionText } from "../messages.js";
import { handleCardButton } from "./card-button.js";
import type { ButtonArgs, ListenerDeps } from "./deps.js";
import { approvalIn } from "./workspace-of.js";

export type Decision = "approve" | "reject" | "cancel";

export function handleDecision(
  decision: Decision,
  args: ButtonArgs,
  deps: ListenerDeps,
  apply: (id: string, userId: string) => Promise<Applied>,
): Promise<void> {
  return handleCardButton(
    args,
    deps,
    { name: decision, logFields: { decision } },
    async (requestId, user, log) => {
      const applied = await apply(requestId, user);
      if (applied.ok) return undefined;
      log.info({ code: applied.rejection.code }, `${decision} refused`);
      // An approval is judged by the request's cost tier: the refusal names that tier's approvers and quorum.
      const cost = applied.request === undefined ? undefined : deps.costOf?.(applied.request.workspace);
      const approval = approvalIn(deps, applied.request?.workspace ?? "default");
      const policy =
        decision === "approve" && applied.request !== undefined && cost !== undefined
          ? costQuorum(applied.request, approval, cost)
          : approval;
      return rejectionText(applied.rejection, {
        action: decision,
        policy,
        ...(applied.request === undefined ? {} : { request: applied.request }),
      });
    },
  );
}
