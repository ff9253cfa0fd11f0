/**
 * The one shape of a card button (Approve, Reject, Cancel, Adjust, Delete): acknowledge at once, adopt a card ptbot
 * never recorded from the click, judge the click, and tell only the person who clicked what there is to say (a
 * refusal, an error); the card itself changes through the notifier. Adjust and Delete open a modal instead of
 * applying anything: {@link openModal}.
 */
import type { types } from "@slack/bolt";
import type { Logger } from "../../logger.js";
import { slackErrorCode } from "../slack-errors.js";
import { adoptClickedCard, type ButtonArgs, buttonRequestId, ephemeral, type ListenerDeps } from "./deps.js";
import { errorText } from "./error-text.js";

/** Which button: its name in the log lines (`approve clicked`, `delete modal opened`), and any fields they carry. */
export interface CardButton {
  readonly name: string;
  readonly logFields?: Readonly<Record<string, string>>;
}

/**
 * Handles a click on `button`: `judge` decides it for the request the button carries and says what to answer
 * privately (undefined: nothing). An error it throws is answered as {@link errorText} words it; a button without a
 * request id is logged and otherwise ignored.
 */
export async function handleCardButton(
  args: ButtonArgs,
  deps: ListenerDeps,
  button: CardButton,
  judge: (requestId: string, user: string, log: Logger) => Promise<string | undefined>,
): Promise<void> {
  await args.ack();
  const user = args.body.user.id;
  const requestId = buttonRequestId(args.body);
  const log = deps.logger.child({ requestId, user, ...button.logFields });
  if (requestId === undefined) {
    log.warn({}, "card button without a request id");
    return;
  }
  log.info({}, `${button.name} clicked`);
  let answer: string | undefined;
  try {
    await adoptClickedCard(args.body, requestId, deps, log);
    answer = await judge(requestId, user, log);
  } catch (error) {
    answer = errorText(error, log);
  }
  if (answer === undefined) return;
  await ephemeral(args.respond, answer).catch((error: unknown) =>
    log.warn({ err: error }, "refusal not delivered"),
  );
}

/**
 * Opens `view` on the click's trigger (it expires about 3 s after the click, so the view is built from what is at
 * hand). Undefined once open; when Slack refuses it (an expired trigger, a refused view), what to tell the person
 * who clicked, as `notOpenedText` words it. An error that is not Slack's answer is thrown.
 */
export async function openModal(
  args: Pick<ButtonArgs, "body" | "client">,
  view: types.ModalView,
  log: Logger,
  button: { readonly name: string; readonly notOpenedText: (slackError: string) => string },
): Promise<string | undefined> {
  try {
    await args.client.views.open({ trigger_id: args.body.trigger_id, view });
    log.info({}, `${button.name} modal opened`);
    return undefined;
  } catch (error) {
    const slackError = slackErrorCode(error);
    if (slackError === undefined) throw error;
    log.warn({ slackError }, `${button.name} modal not opened`);
    return button.notOpenedText(slackError);
  }
}
