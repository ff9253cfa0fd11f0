/**
 * Approve, reject and cancel share one shape: acknowledge at once, apply the use case, and on a refusal tell only
 * the person who clicked why (the card does not change). A success needs no answer here: the card is re-rendered
 * and the thread told through the notifier.
 */
import { costQuorum } from "../../domain/index.js";
import type { Applied } from "../../workflow/apply-event.js";
import { rejectionText } from "../messages.js";
import { adoptClickedCard, type ButtonArgs, buttonRequestId, ephemeral, type ListenerDeps } from "./deps.js";
import { errorText } from "./error-text.js";
import { approvalIn } from "./workspace-of.js";

export type Decision = "approve" | "reject" | "cancel";

export async function handleDecision(
  decision: Decision,
  args: ButtonArgs,
  deps: ListenerDeps,
  apply: (id: string, userId: string) => Promise<Applied>,
): Promise<void> {
  await args.ack();
  const user = args.body.user.id;
  const requestId = buttonRequestId(args.body);
  const log = deps.logger.child({ requestId, user, decision });
  if (requestId === undefined) {
    log.warn({}, "card button without a request id");
    return;
  }
  log.info({}, `${decision} clicked`);
  let answer: string | undefined;
  try {
    await adoptClickedCard(args.body, requestId, deps, log);
    const applied = await apply(requestId, user);
    if (!applied.ok) {
      log.info({ code: applied.rejection.code }, `${decision} refused`);
      // An approval is judged by the request's cost tier: the refusal names that tier's approvers and quorum.
      const cost = applied.request === undefined ? undefined : deps.costOf?.(applied.request.workspace);
      const approval = approvalIn(deps, applied.request?.workspace ?? "default");
      const policy =
        decision === "approve" && applied.request !== undefined && cost !== undefined
          ? costQuorum(applied.request, approval, cost)
          : approval;
      answer = rejectionText(applied.rejection, {
        action: decision,
        policy,
        ...(applied.request === undefined ? {} : { request: applied.request }),
      });
    }
  } catch (error) {
    answer = errorText(error, log);
  }
  if (answer === undefined) return;
  await ephemeral(args.respond, answer).catch((error: unknown) =>
    log.warn({ err: error }, "refusal not delivered"),
  );
}
