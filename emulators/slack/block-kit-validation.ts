/**
 * Block Kit's documented limits, checked the way Slack checks them, so an app's oversized or malformed blocks fail
 * in tests (`invalid_blocks` / `invalid_arguments`) instead of in front of users. Each problem carries a JSON
 * pointer into the request, as Slack's `response_metadata.messages` do.
 */

export interface BlockProblem {
  readonly pointer: string;
  readonly message: string;
}

/** Slack's wording: `[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]`. */
export function formatProblems(problems: readonly BlockProblem[]): string[] {
  return problems.map((p) => `[ERROR] ${p.message} [json-pointer:${p.pointer}]`);
}

export const MESSAGE_BLOCK_LIMIT = 50;
export const MODAL_BLOCK_LIMIT = 100;

const KNOWN_BLOCKS = new Set([
  "section",
  "divider",
  "header",
  "context",
  "actions",
  "input",
  "image",
  "rich_text",
  "markdown",
  "video",
  "file",
  "table",
  "context_actions",
]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Collects problems while walking one request. */
class Checker {
  readonly problems: BlockProblem[] = [];

  add(pointer: string, message: string): void {
    this.problems.push({ pointer, message });
  }

  maxLength(value: unknown, max: number, pointer: string): void {
    if (typeof value === "string" && value.length > max)
      this.add(pointer, `must be less than ${max + 1} characters`);
  }

  optionalString(value: unknown, max: number, pointer: string): void {
    if (value === undefined) return;
    if (typeof value !== "string") this.add(pointer, "must be a string");
    else this.maxLength(value, max, pointer);
  }

  /** A composition text object; `plainOnly` where Slack accepts only `plain_text`. */
  text(value: unknown, max: number, pointer: string, plainOnly = false): void {
    if (!isObject(value)) {
      this.add(pointer, "must be a text object");
      return;
    }
    if (value.type !== "plain_text" && (plainOnly || value.type !== "mrkdwn")) {
      this.add(`${pointer}/type`, plainOnly ? "must be plain_text" : "must be plain_text or mrkdwn");
    }
    if (typeof value.text !== "string") this.add(`${pointer}/text`, "must be a string");
    else if (value.text.length === 0) this.add(`${pointer}/text`, "must be more than 0 characters");
    else this.maxLength(value.text, max, `${pointer}/text`);
  }

  optionalText(value: unknown, max: number, pointer: string, plainOnly = false): void {
    if (value !== undefined) this.text(value, max, pointer, plainOnly);
  }

  list(value: unknown, min: number, max: number, pointer: string): unknown[] {
    if (!Array.isArray(value)) {
      this.add(pointer, "must be an array");
      return [];
    }
    if (value.length < min) this.add(pointer, `must provide at least ${min} items`);
    if (value.length > max) this.add(pointer, `no more than ${max} items allowed`);
    return value;
  }
}

function checkOptions(c: Checker, options: unknown, max: number, pointer: string, plainOnly: boolean): void {
  c.list(options, 1, max, pointer).forEach((option, i) => {
    const at = `${pointer}/${i}`;
    if (!isObject(option)) {
      c.add(at, "must be an option object");
      return;
    }
    c.text(option.text, 75, `${at}/text`, plainOnly);
    c.optionalString(option.value, 150, `${at}/value`);
    c.optionalText(option.description, 75, `${at}/description`, plainOnly);
  });
}

function checkConfirm(c: Checker, confirm: unknown, pointer: string): void {
  if (confirm === undefined) return;
  if (!isObject(confirm)) {
    c.add(pointer, "must be a confirmation dialog object");
    return;
  }
  c.text(confirm.title, 100, `${pointer}/title`, true);
  c.text(confirm.text, 300, `${pointer}/text`);
  c.text(confirm.confirm, 30, `${pointer}/confirm`, true);
  c.text(confirm.deny, 30, `${pointer}/deny`, true);
}

/** An interactive element (or image) inside a block; `actionIds` detects duplicates within the block. */
function checkElement(c: Checker, element: unknown, pointer: string, actionIds: Set<string>): void {
  if (!isObject(element) || typeof element.type !== "string") {
    c.add(pointer, "must be an element object with a type");
    return;
  }
  if (element.type === "image") {
    c.optionalString(element.alt_text, 2000, `${pointer}/alt_text`);
    return;
  }
  if (element.action_id !== undefined) {
    if (typeof element.action_id !== "string") c.add(`${pointer}/action_id`, "must be a string");
    else {
      c.maxLength(element.action_id, 255, `${pointer}/action_id`);
      if (actionIds.has(element.action_id))
        c.add(`${pointer}/action_id`, "action_id already exists in this block");
      actionIds.add(element.action_id);
    }
  }
  c.optionalText(element.placeholder, 150, `${pointer}/placeholder`, true);
  checkConfirm(c, element.confirm, `${pointer}/confirm`);
  switch (element.type) {
    case "button":
      c.text(element.text, 75, `${pointer}/text`, true);
      c.optionalString(element.value, 2000, `${pointer}/value`);
      c.optionalString(element.url, 3000, `${pointer}/url`);
      if (element.style !== undefined && element.style !== "primary" && element.style !== "danger") {
        c.add(`${pointer}/style`, "must be primary or danger");
      }
      break;
    case "static_select":
    case "multi_static_select":
      if (element.option_groups === undefined)
        checkOptions(c, element.options, 100, `${pointer}/options`, true);
      break;
    case "checkboxes":
    case "radio_buttons":
      checkOptions(c, element.options, 10, `${pointer}/options`, false);
      break;
    case "overflow":
      checkOptions(c, element.options, 5, `${pointer}/options`, true);
      break;
    case "plain_text_input":
      c.optionalString(element.initial_value, 3000, `${pointer}/initial_value`);
      for (const key of ["min_length", "max_length"] as const) {
        const v = element[key];
        if (v !== undefined && (typeof v !== "number" || v < 0 || v > 3000)) {
          c.add(`${pointer}/${key}`, "must be a number between 0 and 3000");
        }
      }
      break;
    case "number_input":
      if (typeof element.is_decimal_allowed !== "boolean") {
        c.add(`${pointer}/is_decimal_allowed`, "must be provided as a boolean");
      }
      break;
    default:
      break;
  }
}

function checkBlock(c: Checker, block: unknown, pointer: string, blockIds: Set<string>): void {
  if (!isObject(block) || typeof block.type !== "string") {
    c.add(pointer, "must be a block object with a type");
    return;
  }
  if (!KNOWN_BLOCKS.has(block.type)) c.add(`${pointer}/type`, `unknown block type: ${block.type}`);
  if (block.block_id !== undefined) {
    if (typeof block.block_id !== "string") c.add(`${pointer}/block_id`, "must be a string");
    else {
      c.maxLength(block.block_id, 255, `${pointer}/block_id`);
      if (blockIds.has(block.block_id)) c.add(`${pointer}/block_id`, "duplicate block_id");
      blockIds.add(block.block_id);
    }
  }
  const actionIds = new Set<string>();
  switch (block.type) {
    case "section":
      if (block.text === undefined && block.fields === undefined)
        c.add(pointer, "must provide either text or fields");
      c.optionalText(block.text, 3000, `${pointer}/text`);
      if (block.fields !== undefined) {
        c.list(block.fields, 1, 10, `${pointer}/fields`).forEach((f, i) => {
          c.text(f, 2000, `${pointer}/fields/${i}`);
        });
      }
      if (block.accessory !== undefined) checkElement(c, block.accessory, `${pointer}/accessory`, actionIds);
      break;
    case "header":
      c.text(block.text, 150, `${pointer}/text`, true);
      break;
    case "context":
      c.list(block.elements, 1, 10, `${pointer}/elements`).forEach((e, i) => {
        const at = `${pointer}/elements/${i}`;
        if (isObject(e) && e.type === "image") checkElement(c, e, at, actionIds);
        else c.text(e, 3000, at);
      });
      break;
    case "actions":
      c.list(block.elements, 1, 25, `${pointer}/elements`).forEach((e, i) => {
        checkElement(c, e, `${pointer}/elements/${i}`, actionIds);
      });
      break;
    case "input":
      c.text(block.label, 2000, `${pointer}/label`, true);
      c.optionalText(block.hint, 2000, `${pointer}/hint`, true);
      if (block.element === undefined) c.add(`${pointer}/element`, "must be provided");
      else checkElement(c, block.element, `${pointer}/element`, actionIds);
      break;
    case "image":
      c.optionalString(block.alt_text, 2000, `${pointer}/alt_text`);
      c.optionalText(block.title, 2000, `${pointer}/title`, true);
      break;
    case "markdown":
      c.optionalString(block.text, 12000, `${pointer}/text`);
      break;
    default:
      break;
  }
}

function checkBlocks(c: Checker, blocks: unknown, max: number, pointer: string): void {
  const ids = new Set<string>();
  c.list(blocks, 0, max, pointer).forEach((block, i) => {
    checkBlock(c, block, `${pointer}/${i}`, ids);
  });
}

/** Problems with a message's `blocks` (at most 50); empty when they are valid. */
export function validateMessageBlocks(blocks: unknown, pointer = "/blocks"): BlockProblem[] {
  const c = new Checker();
  checkBlocks(c, blocks, MESSAGE_BLOCK_LIMIT, pointer);
  return c.problems;
}

/** Problems with a modal view object (title, submit, close, metadata, at most 100 blocks). */
export function validateModalView(view: unknown, pointer = "/view"): BlockProblem[] {
  const c = new Checker();
  if (!isObject(view)) {
    c.add(pointer, "must be a view object");
    return c.problems;
  }
  if (view.type !== "modal") c.add(`${pointer}/type`, "must be modal");
  c.text(view.title, 24, `${pointer}/title`, true);
  c.optionalText(view.submit, 24, `${pointer}/submit`, true);
  c.optionalText(view.close, 24, `${pointer}/close`, true);
  c.optionalString(view.private_metadata, 3000, `${pointer}/private_metadata`);
  c.optionalString(view.callback_id, 255, `${pointer}/callback_id`);
  c.optionalString(view.external_id, 255, `${pointer}/external_id`);
  checkBlocks(c, view.blocks, MODAL_BLOCK_LIMIT, `${pointer}/blocks`);
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === "input");
  if (hasInput && view.submit === undefined)
    c.add(`${pointer}/submit`, "is required when input blocks are present");
  return c.problems;
}

/** Problems with a Home tab view object (`views.publish`): type `home`, at most 100 blocks, no title or buttons. */
export function validateHomeView(view: unknown, pointer = "/view"): BlockProblem[] {
  const c = new Checker();
  if (!isObject(view)) {
    c.add(pointer, "must be a view object");
    return c.problems;
  }
  if (view.type !== "home") c.add(`${pointer}/type`, "must be home");
  c.optionalString(view.private_metadata, 3000, `${pointer}/private_metadata`);
  c.optionalString(view.callback_id, 255, `${pointer}/callback_id`);
  c.optionalString(view.external_id, 255, `${pointer}/external_id`);
  checkBlocks(c, view.blocks, MODAL_BLOCK_LIMIT, `${pointer}/blocks`);
  return c.problems;
}
