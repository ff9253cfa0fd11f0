/**
 * Try again, on a failure notice in the thread: a new request with the failed one's settings, by whoever clicked,
 * through the same path as `/pt deploy` (its own card, its own approval). Answers privately when it cannot.
 */
import type { App, BlockButtonAction } from "@slack/bolt";
import { retryAsk } from "../../domain/index.js";
import { ACTIONS } from "../ids.js";
import { retryRefusedText, UNEXPECTED_ERROR_TEXT } from "../messages.js";
import { type ButtonArgs, buttonRequestId, ephemeral, type ListenerDeps, timed } from "./deps.js";
import { errorText } from "./error-text.js";
import { afterAck, proposeDeploy } from "./pt-command.js";

export interface RetryArgs extends ButtonArgs {
  readonly context: { readonly botUserId?: string | undefined };
}

export async function handleRetry(args: RetryArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  const user = args.body.user.id;
  const requestId = buttonRequestId(args.body);
  const log = deps.logger.child({ requestId, user, action: "retry" });
  const reply = (text: string) =>
    ephemeral(args.respond, text)
      .then(() => undefined)
      .catch((error: unknown) => log.warn({ err: error }, "retry answer not delivered"));
  if (requestId === undefined) {
    log.warn({}, "retry button without a request id");
    return;
  }
  log.info({}, "retry clicked");
  await afterAck(deps, async () => {
    try {
      const failed = await deps.store.get(requestId);
      const ask = failed === undefined ? undefined : retryAsk(failed);
      if (failed === undefined || ask === undefined) {
        await reply(retryRefusedText());
        return;
      }
      await proposeDeploy(
        // The same workspace as the request that failed.
        { ask, requester: { id: user }, channelId: failed.channelId, workspace: failed.workspace },
        args,
        deps,
        log.child({ retryOf: requestId }),
        (answer) => reply(answer.text ?? UNEXPECTED_ERROR_TEXT),
      );
    } catch (error) {
      await reply(errorText(error, log));
    }
  });
}

export function register(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>({ type: "block_actions", action_id: ACTIONS.retry }, (args) =>
    handleRetry(timed(args, "block_actions", deps), deps),
  );
}
