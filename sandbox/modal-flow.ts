/**
 * A modal, played in a terminal: show it, ask for each input in turn (the current value is the default), submit
 * it through the driver, and show the field errors the app answers with, then ask again or let the person cancel.
 */
import {
  type InputValue,
  type SlackBlock,
  SlackEmulatorError,
  type StoredView,
  type ViewSubmissionResult,
} from "../emulators/slack/index.js";
import { styles } from "./ansi.js";
import { inputValueText, type RenderOptions, renderModal, renderTextObject } from "./render-message.js";

export interface ModalIo {
  read(prompt: string): Promise<string | undefined>;
  write(text: string): void;
}

export interface ModalDeps extends RenderOptions {
  readonly io: ModalIo;
  readonly view: (viewId: string) => StoredView | undefined;
  readonly submit: (values: Readonly<Record<string, InputValue>>) => Promise<ViewSubmissionResult>;
  readonly close: () => Promise<unknown>;
  /** Writes each question and answer into the transcript (scripts, where the terminal does not). */
  readonly echo: boolean;
  /** True when another modal opened for the user since the submission (`response_action: push`). */
  readonly replacedSince: (seq: number) => boolean;
  readonly lastSeq: () => number;
  /** Notes anything wrong with how the app answered a delivery. */
  readonly report: (delivery: ViewSubmissionResult) => void;
  /** Waits for the app's reaction to a submission to be shown. */
  readonly settle: (since: number) => Promise<void>;
}

export type ModalOutcome = "submitted" | "cancelled" | "replaced" | "gone";

const CANCEL = /^[:/](cancel|close)$/i;

type Json = Readonly<Record<string, unknown>>;

interface Field {
  readonly actionId: string;
  readonly label: string;
  readonly optional: boolean;
  readonly element: Json;
}

interface Option {
  readonly value: string;
  readonly text: string;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fieldsOf(blocks: readonly SlackBlock[], options: RenderOptions): Field[] {
  return blocks.flatMap((block) => {
    if (block.type !== "input" || !isObject(block.element)) return [];
    const actionId = typeof block.element.action_id === "string" ? block.element.action_id : "";
    return [
      {
        actionId,
        label: renderTextObject(block.label, options),
        optional: block.optional === true,
        element: block.element,
      },
    ];
  });
}

function optionsOf(element: Json, options: RenderOptions): Option[] {
  const list = Array.isArray(element.options) ? element.options : [];
  return list
    .filter(isObject)
    .map((o) => ({ value: String(o.value), text: renderTextObject(o.text, options) }));
}

/** What the person sees as the current value: what they typed before, else the view's initial value. */
function shown(field: Field, typed: InputValue | undefined, options: RenderOptions): string {
  if (typed === undefined) return inputValueText(field.element, options);
  if (typed === null) return "";
  const all = optionsOf(field.element, options);
  const label = (value: string) => all.find((o) => o.value === value)?.text ?? value;
  return Array.isArray(typed) ? typed.map(label).join(", ") : label(String(typed));
}

/** The blocks with what the person typed as their initial values, so the modal shows it, as Slack's does. */
function withTyped(blocks: readonly SlackBlock[], typed: Readonly<Record<string, InputValue>>): SlackBlock[] {
  return blocks.map((block) => {
    if (block.type !== "input" || !isObject(block.element)) return block;
    const element = block.element;
    const value = typed[String(element.action_id)];
    if (value === undefined) return block;
    const options = (Array.isArray(element.options) ? element.options : []).filter(isObject);
    const picked = (values: readonly string[]) => options.filter((o) => values.includes(String(o.value)));
    const type = String(element.type);
    const next: Record<string, unknown> = { ...element };
    delete next.initial_value;
    delete next.initial_option;
    delete next.initial_options;
    if (MULTI_TYPES.has(type))
      next.initial_options = picked(value === null ? [] : Array.isArray(value) ? value : [String(value)]);
    else if (SINGLE_TYPES.has(type)) {
      if (value !== null) next.initial_option = picked([String(value)])[0];
    } else if (value !== null) next.initial_value = String(value);
    return { ...block, element: next };
  });
}

type Answer = { readonly kind: "value"; readonly value: InputValue } | { readonly kind: "keep" | "invalid" };

const TEXT_TYPES = new Set(["plain_text_input", "number_input", "email_text_input", "url_text_input"]);
const MULTI_TYPES = new Set(["checkboxes", "multi_static_select"]);
const SINGLE_TYPES = new Set(["static_select", "radio_buttons"]);

/** Reads one answer: a number or the option's value/text for selects, `y`/`n` for a single checkbox. */
function interpret(field: Field, raw: string, options: RenderOptions): Answer {
  const text = raw.trim();
  if (text === "") return { kind: "keep" };
  const type = String(field.element.type);
  if (text === "-" && (field.optional || MULTI_TYPES.has(type))) return { kind: "value", value: null };
  if (TEXT_TYPES.has(type)) return { kind: "value", value: text };
  const all = optionsOf(field.element, options);
  const pick = (token: string) =>
    all[Number(token) - 1] ??
    all.find((o) => o.value === token || o.text.toLowerCase() === token.toLowerCase());
  if (MULTI_TYPES.has(type) && all.length === 1) {
    if (/^(y|yes|on|true)$/i.test(text)) return { kind: "value", value: [all[0]?.value ?? ""] };
    if (/^(n|no|off|false)$/i.test(text)) return { kind: "value", value: null };
    return { kind: "invalid" };
  }
  if (MULTI_TYPES.has(type)) {
    const picked = text.split(/\s*,\s*/).map(pick);
    if (picked.some((o) => o === undefined)) return { kind: "invalid" };
    return { kind: "value", value: picked.map((o) => o?.value ?? "") };
  }
  const one = pick(text);
  return one === undefined ? { kind: "invalid" } : { kind: "value", value: one.value };
}

function question(field: Field, typed: InputValue | undefined, options: RenderOptions): string {
  const type = String(field.element.type);
  const all = optionsOf(field.element, options);
  if (MULTI_TYPES.has(type) && all.length === 1) {
    const initial = Array.isArray(field.element.initial_options) && field.element.initial_options.length > 0;
    const ticked = typed === undefined ? initial : Array.isArray(typed) && typed.length > 0;
    return `  ${field.label} (y/n) [${ticked ? "y" : "n"}]: `;
  }
  return `  ${field.label} [${shown(field, typed, options)}]: `;
}

function optionList(field: Field, options: RenderOptions): string | undefined {
  const type = String(field.element.type);
  const all = optionsOf(field.element, options);
  if (!(SINGLE_TYPES.has(type) || MULTI_TYPES.has(type)) || (MULTI_TYPES.has(type) && all.length === 1)) {
    return undefined;
  }
  return `    ${all.map((o, i) => `${i + 1}) ${o.text}`).join("   ")}`;
}

async function askFields(
  deps: ModalDeps,
  fields: readonly Field[],
  typed: Record<string, InputValue>,
): Promise<boolean> {
  const s = styles(deps.color);
  for (const field of fields) {
    const type = String(field.element.type);
    if (!TEXT_TYPES.has(type) && !MULTI_TYPES.has(type) && !SINGLE_TYPES.has(type)) {
      deps.io.write(s.gray(`  ${field.label}: left as it is (${type.replace(/_/g, " ")})`));
      continue;
    }
    const list = optionList(field, deps);
    if (list !== undefined) deps.io.write(s.gray(list));
    for (;;) {
      const prompt = question(field, typed[field.actionId], deps);
      const raw = await deps.io.read(prompt);
      if (raw === undefined || CANCEL.test(raw.trim())) return false;
      if (deps.echo) deps.io.write(`${prompt}${raw.trim()}`);
      const answer = interpret(field, raw, deps);
      if (answer.kind === "value") typed[field.actionId] = answer.value;
      if (answer.kind !== "invalid") break;
      deps.io.write(s.yellow("  Not one of the choices; try again (:cancel closes the modal)."));
    }
  }
  return true;
}

/** Plays one modal until it is submitted (and closed), cancelled, replaced by a pushed one, or gone. */
export async function fillModal(deps: ModalDeps, viewId: string): Promise<ModalOutcome> {
  const s = styles(deps.color);
  // What the person typed survives a round of field errors, as the values in a Slack modal do.
  const typed: Record<string, InputValue> = {};
  let first = true;
  for (;;) {
    const view = deps.view(viewId);
    if (view === undefined || !view.open) return "gone";
    deps.io.write(
      renderModal({ ...view.view, blocks: withTyped(view.view.blocks, typed) }, view.errors, deps),
    );
    if (first) deps.io.write(s.gray("  (Enter keeps the value in brackets; :cancel closes the modal)"));
    first = false;
    const fields = fieldsOf(view.view.blocks, deps);
    if (!(await askFields(deps, fields, typed))) {
      await deps.close();
      deps.io.write(s.gray("Modal closed without submitting."));
      return "cancelled";
    }
    const since = deps.lastSeq();
    let result: ViewSubmissionResult;
    try {
      // Only this view's inputs: an `update` answer may have replaced the fields typed before.
      const ids = new Set(fields.map((f) => f.actionId));
      result = await deps.submit(Object.fromEntries(Object.entries(typed).filter(([id]) => ids.has(id))));
    } catch (error) {
      // Slack's client refuses some values itself (a required field left empty, a number that is not one).
      if (error instanceof SlackEmulatorError && /input/.test(error.code)) {
        deps.io.write(s.yellow(`Slack won't submit this: ${error.message}`));
        continue;
      }
      throw error;
    }
    deps.report(result);
    if (deps.replacedSince(since)) return "replaced";
    const after = result.view;
    if (after === undefined || !after.open) {
      deps.io.write(s.gray("Modal submitted."));
      await deps.settle(since);
      return "submitted";
    }
    if (after.errors !== undefined && Object.keys(after.errors).length > 0) {
      deps.io.write(s.yellow("The app refused some values: fix them below, or :cancel."));
    }
  }
}
