/**
 * The adjust modal's submission. Slack waits at most 3 s for the answer, and field errors can only be shown in that
 * answer, so the adjustment is applied before acknowledging, within a budget: a refusal becomes errors under the
 * inputs; success closes the modal (the card and thread change through the notifier). Should the workflow take
 * longer (a changed name is looked up in Databricks), the modal closes and a late refusal is sent privately.
 */
import type { App, ViewSubmitAction } from "@slack/bolt";
import type { ApprovalPolicy } from "../../domain/index.js";
import type { Logger } from "../../logger.js";
import type { Applied } from "../../workflow/apply-event.js";
import {
  type AdjustReading,
  firstInputBlock,
  readAdjustSubmission,
  violationErrors,
} from "../blocks/adjust-modal.js";
import { ADJUST_INPUTS, ADJUST_VIEW } from "../ids.js";
import { modalErrorText, rejectionText } from "../messages.js";
import { type ListenerClient, type ListenerDeps, timed } from "./deps.js";
import { errorText } from "./error-text.js";
import { refuseInField, type SubmissionArgs } from "./modal-submission.js";

/** The adjust modal's submission; a late refusal is sent privately through `client`. */
export interface AdjustSubmitArgs extends SubmissionArgs {
  readonly client: ListenerClient;
}

const DEFAULT_BUDGET_MS = 2000;

export async function handleAdjustSubmit(args: AdjustSubmitArgs, deps: ListenerDeps): Promise<void> {
  const user = args.body.user.id;
  const requestId = args.body.view.private_metadata;
  const values = args.body.view.state.values;
  const hasMinInput = values[ADJUST_INPUTS.min.block] !== undefined;
  const first = firstInputBlock({ hasMinInput });
  const log = deps.logger.child({ requestId, user });
  log.info({}, "adjust submitted");
  const reading: AdjustReading = readAdjustSubmission(values);
  if (!reading.ok) {
    await args.ack({ response_action: "errors", errors: reading.errors });
    return;
  }
  const work = deps.workflow.adjust(requestId, user, {
    plan: reading.plan,
    endpointName: reading.endpointName,
  });
  const outcome = await within(work, deps.submitBudgetMs ?? DEFAULT_BUDGET_MS);
  if (outcome.kind === "late") {
    await args.ack();
    log.warn({}, "adjustment slower than the modal allows; answering later");
    await lateAnswer(work, { client: args.client, user, policy: deps.policy, log });
    return;
  }
  if (outcome.kind === "failed") {
    await refuseInField(args, first, errorText(outcome.error, log));
    return;
  }
  const applied = outcome.value;
  if (applied.ok) {
    log.info({ version: applied.request.version }, "request adjusted");
    await args.ack();
    return;
  }
  log.info({ code: applied.rejection.code }, "adjust refused");
  const violations = applied.rejection.violations ?? [];
  const errors =
    violations.length > 0
      ? violationErrors(violations, { hasMinInput })
      : { [first]: modalErrorText(applied.rejection) };
  await args.ack({ response_action: "errors", errors });
}

type Outcome<T> =
  | { readonly kind: "done"; readonly value: T }
  | { readonly kind: "failed"; readonly error: unknown }
  | { readonly kind: "late" };

/** Races `work` against a timer; the timer is cleared either way so nothing lingers after the answer. */
async function within<T>(work: Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "late" }), ms);
  });
  try {
    return await Promise.race([
      work.then(
        (value): Outcome<T> => ({ kind: "done", value }),
        (error: unknown): Outcome<T> => ({ kind: "failed", error }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** After the modal closed: a refusal goes to the user privately, in the request's channel. */
async function lateAnswer(
  work: Promise<Applied>,
  ctx: { client: ListenerClient; user: string; policy: ApprovalPolicy; log: Logger },
): Promise<void> {
  let text: string | undefined;
  let channel: string | undefined;
  try {
    const applied = await work;
    if (applied.ok) return;
    channel = applied.request?.channelId;
    text = rejectionText(applied.rejection, {
      action: "adjust",
      policy: ctx.policy,
      ...(applied.request === undefined ? {} : { request: applied.request }),
    });
  } catch (error) {
    text = errorText(error, ctx.log);
  }
  if (channel === undefined) return;
  await ctx.client.chat
    .postEphemeral({ channel, user: ctx.user, text: `Your adjustment was not saved. ${text}` })
    .catch((error: unknown) => ctx.log.warn({ err: error }, "late adjust answer not delivered"));
}

export function register(app: App, deps: ListenerDeps): void {
  app.view<ViewSubmitAction>({ type: "view_submission", callback_id: ADJUST_VIEW }, (args) =>
    handleAdjustSubmit(timed(args, "view_submission", deps), deps),
  );
}
