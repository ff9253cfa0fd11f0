/**
 * The adjust modal: min and max multiples, scale to zero and the endpoint name, pre-filled from the request's plan.
 * Also reads a submission back into a plan, and places each validation problem under the input that caused it.
 */
import type { types } from "@slack/bolt";
import {
  ENDPOINT_NAME_MAX_LENGTH,
  type Plan,
  type PlanPolicy,
  type PlanViolation,
  type ResolvedDeployRequest,
} from "../../domain/index.js";
import { ADJUST_INPUTS, ADJUST_VIEW, SCALE_TO_ZERO_OPTION } from "../ids.js";
import { code, formatNumber, truncate } from "../mrkdwn.js";
import { LIMITS, plain, section } from "./limits.js";

/** The modal for `request` (which must be resolved: it awaits approval). `private_metadata` is the request id. */
export function adjustModal(request: ResolvedDeployRequest, policy: PlanPolicy): types.ModalView {
  const { model, plan, endpointName } = request;
  const units = model.unit === "model_units";
  const chunk = `${formatNumber(model.chunkSize)} ${units ? "model units" : "tokens/s"}`;
  const blocks: types.KnownBlock[] = [
    section(
      `${code(model.fullName)} version ${model.version} · chunk ${chunk}.\n` +
        "Saving clears approvals given so far: approvers see the new settings and approve again.",
    ),
  ];
  if (!units) {
    blocks.push(
      numberInput(
        ADJUST_INPUTS.min,
        `Minimum (multiples of ${chunk})`,
        plan.minMultiple,
        0,
        "0 only with scale to zero.",
      ),
    );
  }
  blocks.push(
    numberInput(
      ADJUST_INPUTS.max,
      units ? `Size (multiples of ${chunk})` : `Maximum (multiples of ${chunk})`,
      plan.maxMultiple,
      1,
      `At most ${policy.maxMultipleLimit}×.`,
    ),
  );
  if (!units) {
    const option = { text: plain("Scale to zero when idle", 75), value: SCALE_TO_ZERO_OPTION };
    blocks.push({
      type: "input",
      block_id: ADJUST_INPUTS.scaleToZero.block,
      optional: true,
      label: plain("Scale to zero", LIMITS.inputLabel),
      element: {
        type: "checkboxes",
        action_id: ADJUST_INPUTS.scaleToZero.action,
        options: [option],
        ...(plan.scaleToZero ? { initial_options: [option] } : {}),
      },
    });
  }
  blocks.push({
    type: "input",
    block_id: ADJUST_INPUTS.name.block,
    label: plain("Endpoint name", LIMITS.inputLabel),
    hint: plain("Letters, digits, - and _; up to 63 characters.", LIMITS.inputHint),
    element: {
      type: "plain_text_input",
      action_id: ADJUST_INPUTS.name.action,
      initial_value: truncate(endpointName, ENDPOINT_NAME_MAX_LENGTH),
      max_length: ENDPOINT_NAME_MAX_LENGTH,
    },
  });
  return {
    type: "modal",
    callback_id: ADJUST_VIEW,
    private_metadata: request.id.slice(0, LIMITS.privateMetadata),
    title: plain("Adjust deploy", LIMITS.modalTitle),
    submit: plain("Save", LIMITS.modalButton),
    close: plain("Cancel", LIMITS.modalButton),
    blocks,
  };
}

function numberInput(
  ids: { readonly block: string; readonly action: string },
  label: string,
  initial: number,
  minValue: number,
  hint: string,
): types.InputBlock {
  return {
    type: "input",
    block_id: ids.block,
    label: plain(label, LIMITS.inputLabel),
    hint: plain(hint, LIMITS.inputHint),
    element: {
      type: "number_input",
      action_id: ids.action,
      is_decimal_allowed: false,
      min_value: String(minValue),
      // A fractional multiple (an update's current plan in a new chunk size) would not fit an integer input.
      ...(Number.isInteger(initial) ? { initial_value: String(initial) } : {}),
    },
  };
}

/** A submission's `view.state.values`: `{ [block_id]: { [action_id]: { value | selected_options } } }`. */
export type ViewStateValues = Readonly<
  Record<
    string,
    Readonly<
      Record<
        string,
        {
          readonly value?: string | null | undefined;
          readonly selected_options?: readonly { readonly value?: string }[] | null | undefined;
        }
      >
    >
  >
>;

export type AdjustReading =
  | { readonly ok: true; readonly plan: Plan; readonly endpointName: string }
  | { readonly ok: false; readonly errors: Record<string, string> };

/**
 * The plan and name a submission asks for. Without a min input (model units) min mirrors max. A number that is not
 * one is a field error here; the domain judges everything else.
 */
export function readAdjustSubmission(values: ViewStateValues): AdjustReading {
  const errors: Record<string, string> = {};
  const read = (ids: { readonly block: string; readonly action: string }) => values[ids.block]?.[ids.action];
  const number = (ids: { readonly block: string; readonly action: string }): number | undefined => {
    const raw = read(ids)?.value?.trim();
    if (raw === undefined || raw === "" || !/^-?\d+$/.test(raw)) {
      errors[ids.block] = "Enter a whole number.";
      return undefined;
    }
    return Number(raw);
  };
  const max = number(ADJUST_INPUTS.max);
  const min = read(ADJUST_INPUTS.min) === undefined ? max : number(ADJUST_INPUTS.min);
  const scaleToZero = (read(ADJUST_INPUTS.scaleToZero)?.selected_options ?? []).some(
    (o) => o.value === SCALE_TO_ZERO_OPTION,
  );
  const endpointName = (read(ADJUST_INPUTS.name)?.value ?? "").trim();
  if (min === undefined || max === undefined) return { ok: false, errors };
  return { ok: true, plan: { minMultiple: min, maxMultiple: max, scaleToZero }, endpointName };
}

/**
 * Each violation under its input (`response_action: "errors"` keys are block ids). Min problems go under max when
 * the modal has no min input (model units).
 */
export function violationErrors(
  violations: readonly PlanViolation[],
  options: { readonly hasMinInput: boolean },
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const v of violations) {
    const block =
      v.field === "name"
        ? ADJUST_INPUTS.name.block
        : v.field === "min" && options.hasMinInput
          ? ADJUST_INPUTS.min.block
          : ADJUST_INPUTS.max.block;
    const message = sentence(v.message);
    errors[block] = truncate(errors[block] === undefined ? message : `${errors[block]} ${message}`, 500);
  }
  return errors;
}

/** The first input of the modal, where errors that belong to no field are shown. */
export function firstInputBlock(options: { readonly hasMinInput: boolean }): string {
  return options.hasMinInput ? ADJUST_INPUTS.min.block : ADJUST_INPUTS.max.block;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
