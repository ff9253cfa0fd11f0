/**
 * The one shape of a modal's submission (Adjust, Delete): the pieces of Bolt's `view_submission` arguments a handler
 * reads, and a refusal shown under an input (the modal stays open and says why).
 */
import type { ViewStateValues } from "../blocks/adjust-modal.js";

/** The ack's answer that keeps the modal open with an error under each input named. */
export interface FieldErrors {
  readonly response_action: "errors";
  readonly errors: Record<string, string>;
}

/** A modal submission: who submitted, the modal's metadata and inputs, and the ack (Slack allows 3 s). */
export interface SubmissionArgs {
  readonly body: {
    readonly user: { readonly id: string };
    readonly view: {
      readonly private_metadata: string;
      readonly state: { readonly values: ViewStateValues };
    };
  };
  readonly ack: (answer?: FieldErrors | undefined) => Promise<void>;
}

/** Keeps the modal open with `text` under the input `block`, as plain text ({@link plainFieldText}). */
export function refuseInField(args: Pick<SubmissionArgs, "ack">, block: string, text: string): Promise<void> {
  return args.ack({ response_action: "errors", errors: { [block]: plainFieldText(text) } });
}

/** Field errors are plain text: mentions and code marks would show raw; Slack shows 500 characters at most. */
export function plainFieldText(text: string): string {
  return text
    .replace(/`/g, "")
    .replace(/<@([A-Z0-9]+)>/g, "$1")
    .slice(0, 500);
}
