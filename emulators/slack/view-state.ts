import { SlackEmulatorError } from "./errors.js";
import type { SlackBlock, WireView } from "./types.js";

/** What a test types into an input: text, a number, an option value, or several option values. */
export type InputValue = string | number | readonly string[] | null;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The options an element offers (flat or grouped), as Slack echoes them: `{ text, value, description? }`. */
function optionsOf(element: Json): Json[] {
  const flat = Array.isArray(element.options) ? element.options : [];
  const grouped = Array.isArray(element.option_groups)
    ? element.option_groups.flatMap((g: unknown) =>
        isObject(g) && Array.isArray(g.options) ? g.options : [],
      )
    : [];
  return [...flat, ...grouped].filter(isObject);
}

function pickOption(element: Json, value: string, where: string): Json {
  const option = optionsOf(element).find((o) => o.value === value);
  if (option === undefined) {
    const offered = optionsOf(element).map((o) => String(o.value));
    throw new SlackEmulatorError(
      "invalid_input",
      `${where}: no option "${value}" (offered: ${offered.join(", ")})`,
    );
  }
  return option;
}

function asList(value: InputValue, where: string): readonly string[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [value];
  throw new SlackEmulatorError("invalid_input", `${where}: expected option values`);
}

/** One element's state entry, shaped as Slack sends it for that element type. */
function elementState(element: Json, given: InputValue | undefined, where: string): Json {
  const type = String(element.type);
  switch (type) {
    case "plain_text_input":
    case "number_input":
    case "email_text_input":
    case "url_text_input": {
      const value =
        given === undefined ? (element.initial_value ?? null) : given === null ? null : String(given);
      return { type, value };
    }
    case "static_select":
    case "radio_buttons": {
      if (given === undefined) return { type, selected_option: element.initial_option ?? null };
      return { type, selected_option: given === null ? null : pickOption(element, String(given), where) };
    }
    case "checkboxes":
    case "multi_static_select": {
      if (given === undefined) return { type, selected_options: element.initial_options ?? [] };
      const values = given === null ? [] : asList(given, where);
      return { type, selected_options: values.map((v) => pickOption(element, v, where)) };
    }
    case "users_select":
      return { type, selected_user: given ?? element.initial_user ?? null };
    case "conversations_select":
      return { type, selected_conversation: given ?? element.initial_conversation ?? null };
    case "channels_select":
      return { type, selected_channel: given ?? element.initial_channel ?? null };
    case "datepicker":
      return { type, selected_date: given ?? element.initial_date ?? null };
    case "timepicker":
      return { type, selected_time: given ?? element.initial_time ?? null };
    default:
      return { type, value: given ?? null };
  }
}

function isEmpty(state: Json): boolean {
  const value = state.value ?? state.selected_option ?? state.selected_options ?? state.selected_user;
  return (
    value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)
  );
}

/** The checks Slack's client makes before it lets a user submit (so the app never sees these values). */
function checkClientSide(element: Json, state: Json, optional: boolean, where: string): void {
  if (isEmpty(state)) {
    if (!optional) throw new SlackEmulatorError("required_input_missing", `${where} is required`);
    return;
  }
  if (typeof state.value !== "string") return;
  const value = state.value;
  if (typeof element.max_length === "number" && value.length > element.max_length) {
    throw new SlackEmulatorError("invalid_input", `${where}: longer than ${element.max_length} characters`);
  }
  if (typeof element.min_length === "number" && value.length < element.min_length) {
    throw new SlackEmulatorError("invalid_input", `${where}: shorter than ${element.min_length} characters`);
  }
  if (element.type === "number_input") {
    const pattern = element.is_decimal_allowed === true ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/;
    const n = Number(value);
    if (!pattern.test(value.trim()))
      throw new SlackEmulatorError("invalid_input", `${where}: "${value}" is not a valid number`);
    if (element.min_value !== undefined && n < Number(element.min_value)) {
      throw new SlackEmulatorError(
        "invalid_input",
        `${where}: below the minimum ${String(element.min_value)}`,
      );
    }
    if (element.max_value !== undefined && n > Number(element.max_value)) {
      throw new SlackEmulatorError(
        "invalid_input",
        `${where}: above the maximum ${String(element.max_value)}`,
      );
    }
  }
}

/**
 * A view's `state.values` (`{ [block_id]: { [action_id]: elementState } }`) for a submission, from values keyed
 * by action_id. Inputs the test does not mention keep their initial value; unknown action_ids, unknown options
 * and values Slack's client would refuse (a required input left empty, a number that is not one) are errors.
 */
export function buildViewState(
  view: WireView,
  values: Readonly<Record<string, InputValue>>,
): Record<string, Record<string, Json>> {
  const state: Record<string, Record<string, Json>> = {};
  const used = new Set<string>();
  for (const block of view.blocks as readonly SlackBlock[]) {
    if (block.type !== "input" || !isObject(block.element)) continue;
    const element = block.element;
    const actionId = typeof element.action_id === "string" ? element.action_id : "";
    const blockId = block.block_id ?? "";
    const where = `input ${blockId}/${actionId}`;
    const given = values[actionId];
    if (given !== undefined) used.add(actionId);
    const entry = elementState(element, given, where);
    checkClientSide(element, entry, block.optional === true, where);
    state[blockId] = { [actionId]: entry };
  }
  const unknown = Object.keys(values).filter((k) => !used.has(k));
  if (unknown.length > 0) {
    throw new SlackEmulatorError(
      "unknown_input",
      `view ${view.id} has no input with action_id ${unknown.join(", ")}`,
    );
  }
  return state;
}
