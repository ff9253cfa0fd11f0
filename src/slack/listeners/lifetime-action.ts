/**
 * The buttons of an expiry notice in a deploy's thread (its value: the ready deploy's id). Keep 7 more days, for the
 * requester or an approver (audited, and the endpoint re-tagged); Scale to zero and Delete open a new request of the
 * endpoint through the same path as `/pt scale --scale-to-zero` and `/pt delete`, with its own approval card.
 * Answers privately.
 */
import type { App, BlockButtonAction } from "@slack/bolt";
import type { DeployAsk, RequestKind } from "../../domain/index.js";
import { ACTIONS } from "../ids.js";
import { keepRefusedText, keptText, UNEXPECTED_ERROR_TEXT } from "../messages.js";
import { type ButtonArgs, buttonRequestId, ephemeral, type ListenerDeps, timed } from "./deps.js";
import { errorText } from "./error-text.js";
import { afterAck, proposeDeploy } from "./pt-command.js";

export interface LifetimeArgs extends ButtonArgs {
  readonly context: { readonly botUserId?: string | undefined };
}

type LifetimeButton = "keep" | "scale" | "delete";

export async function handleLifetimeButton(
  button: LifetimeButton,
  args: LifetimeArgs,
  deps: ListenerDeps,
): Promise<void> {
  await args.ack();
  const user = args.body.user.id;
  const requestId = buttonRequestId(args.body);
  const log = deps.logger.child({ requestId, user, action: `lifetime_${button}` });
  const reply = (text: string) =>
    ephemeral(args.respond, text)
      .then(() => undefined)
      .catch((error: unknown) => log.warn({ err: error }, "lifetime answer not delivered"));
  if (requestId === undefined) {
    log.warn({}, "lifetime button without a request id");
    return;
  }
  log.info({}, "lifetime button clicked");
  await afterAck(deps, async () => {
    try {
      if (button === "keep") {
        const applied = await deps.workflow.keep(requestId, user);
        await reply(
          applied.ok
            ? keptText(applied.request)
            : keepRefusedText(applied.rejection, applied.request, deps.policy),
        );
        return;
      }
      const holder = await deps.store.get(requestId);
      const endpointName = holder?.endpointName;
      if (holder === undefined || endpointName === undefined) {
        await reply(UNEXPECTED_ERROR_TEXT);
        return;
      }
      const kind: RequestKind = button === "delete" ? "delete" : "scale";
      const ask: DeployAsk = {
        model: "",
        version: "latest",
        endpointName,
        ...(kind === "scale" ? { scaleToZero: true } : {}),
      };
      await proposeDeploy(
        { ask, kind, requester: { id: user }, channelId: holder.channelId },
        args,
        deps,
        log,
        (answer) => reply(answer.text ?? UNEXPECTED_ERROR_TEXT),
      );
    } catch (error) {
      await reply(errorText(error, log));
    }
  });
}

export function register(app: App, deps: ListenerDeps): void {
  const on = (actionId: string, button: LifetimeButton) =>
    app.action<BlockButtonAction>({ type: "block_actions", action_id: actionId }, (args) =>
      handleLifetimeButton(button, timed(args, "block_actions", deps), deps),
    );
  on(ACTIONS.keep, "keep");
  on(ACTIONS.expiryScale, "scale");
  on(ACTIONS.expiryDelete, "delete");
}
