/**
 * The delete modal: the approver confirms a delete by typing the endpoint's name. Also reads a submission back, and
 * judges it: a wrong name changes nothing, and the modal says why under the input.
 */
import type { types } from "@slack/bolt";
import { ENDPOINT_NAME_MAX_LENGTH, type ResolvedDeployRequest, requestRevision } from "../../domain/index.js";
import { approveButtonValue, DELETE_INPUT, DELETE_VIEW } from "../ids.js";
import { code } from "../mrkdwn.js";
import type { ViewStateValues } from "./adjust-modal.js";
import { LIMITS, plain, section } from "./limits.js";
import { currentBand } from "./throughput.js";

/**
 * The modal for a delete request awaiting approval. `private_metadata` is `<request id>@<revision>`, as the Approve
 * button's value: the approval counts only for the request as the card showed it.
 */
export function deleteModal(request: ResolvedDeployRequest): types.ModalView {
  const serves =
    request.mode.kind === "update"
      ? ` It serves ${code(request.mode.current.entityName)} ${currentBand(request.mode.current)}.`
      : "";
  return {
    type: "modal",
    callback_id: DELETE_VIEW,
    private_metadata: approveButtonValue(request.id, requestRevision(request)).slice(
      0,
      LIMITS.privateMetadata,
    ),
    title: plain("Delete endpoint", LIMITS.modalTitle),
    submit: plain("Delete", LIMITS.modalButton),
    close: plain("Not yet", LIMITS.modalButton),
    blocks: [
      section(
        `Approving deletes endpoint ${code(request.endpointName)} for good: queries to it fail from then on.${serves}\n` +
          "Type the endpoint's name to confirm.",
      ),
      {
        type: "input",
        block_id: DELETE_INPUT.block,
        label: plain("Endpoint name", LIMITS.inputLabel),
        element: {
          type: "plain_text_input",
          action_id: DELETE_INPUT.action,
          max_length: ENDPOINT_NAME_MAX_LENGTH,
          placeholder: plain(request.endpointName, 150),
        },
      },
    ],
  };
}

/** The name typed in the delete modal (trimmed), or "" when none. */
export function typedName(values: ViewStateValues): string {
  return (values[DELETE_INPUT.block]?.[DELETE_INPUT.action]?.value ?? "").trim();
}

/**
 * Why the typed name does not confirm the delete of `endpointName` (plain text, for the field), or undefined. The
 * rule is the domain's (`deleteConfirmed`), which the approval applies again.
 */
export function wrongNameError(typed: string, endpointName: string): string | undefined {
  if (typed === endpointName) return undefined;
  return typed === ""
    ? `Type ${endpointName} to confirm the delete.`
    : `That is not the endpoint's name: type ${endpointName} exactly to confirm. Nothing was deleted.`;
}
