/**
 * Block Kit messages and modals → terminal lines, the way the Slack client lays them out: a header line for the
 * author, then header/section/fields/context/actions blocks, buttons shown with the key that clicks them. Pure.
 */
import type { SlackBlock } from "../emulators/slack/index.js";
import { type Styles, stripAnsi, styles } from "./ansi.js";
import { type NameLookup, renderMrkdwn, replaceEmoji } from "./render-mrkdwn.js";

export interface RenderOptions {
  readonly color: boolean;
  readonly names: NameLookup;
}

/** A message as the sandbox shows it. */
export interface MessageView {
  /** Display name of the author (`ptbot`, `ada`). */
  readonly author: string;
  /** Already formatted (`12:04:31`); omitted from the header when absent. */
  readonly time?: string;
  /** The `text` fallback: shown only when there are no blocks, as in Slack. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  /** A thread reply (indented under its card). */
  readonly inThread: boolean;
  /** An edit (chat.update, replace_original) or a deletion of an earlier message. */
  readonly change?: "updated" | "deleted";
  /** For ephemeral messages: who alone sees it (`you`, or a name). */
  readonly visibleTo?: string;
  /** For an update: the version it replaced. Lines it already had are greyed, so the change stands out. */
  readonly previous?: { readonly text: string; readonly blocks: readonly SlackBlock[] };
}

/** The text of a Block Kit confirm dialog (Approve has one), rendered. */
export interface ConfirmDialog {
  readonly title: string;
  readonly text: string;
  readonly confirm: string;
  readonly deny: string;
}

/** A clickable button of a message, with the key the sandbox shows for it. */
export interface CardButton {
  readonly key: string;
  readonly text: string;
  readonly actionId: string;
  readonly blockId: string;
  readonly style: "primary" | "danger" | undefined;
  readonly url: string | undefined;
  readonly confirm: ConfirmDialog | undefined;
}

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** A text object (`plain_text` or `mrkdwn`) as terminal text. Plain text is literal, except emoji shortcodes. */
export function renderTextObject(value: unknown, options: RenderOptions): string {
  if (!isObject(value)) return "";
  const text = str(value.text);
  return value.type === "mrkdwn" ? renderMrkdwn(text, options) : replaceEmoji(text);
}

/** Buttons in `actions` elements and section accessories, in order. */
function rawButtons(blocks: readonly SlackBlock[]): { blockId: string; button: Json }[] {
  const found: { blockId: string; button: Json }[] = [];
  for (const block of blocks) {
    const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
    for (const element of candidates) {
      if (isObject(element) && element.type === "button")
        found.push({ blockId: block.block_id ?? "", button: element });
    }
  }
  return found;
}

/**
 * One key per button: the first letter of a word of its text that is still free, then any free letter of it,
 * then a digit. `Approve, Adjust, Reject, Cancel` → `a, d, r, c`. Stable for a given list of texts.
 */
export function assignKeys(texts: readonly string[]): string[] {
  const used = new Set<string>();
  const take = (candidates: readonly string[]): string => {
    const key = candidates.find((c) => !used.has(c)) ?? "?";
    used.add(key);
    return key;
  };
  return texts.map((text) => {
    const words =
      text
        .replace(/:[a-z0-9_+-]+:/g, " ")
        .toLowerCase()
        .match(/[a-z]+/g) ?? [];
    const letters = [...words.map((w) => w.charAt(0)), ...words.join("")];
    const digits = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
    return take([...letters, ...digits]);
  });
}

function confirmOf(value: unknown, options: RenderOptions): ConfirmDialog | undefined {
  if (!isObject(value)) return undefined;
  return {
    title: renderTextObject(value.title, options) || "Are you sure?",
    text: renderTextObject(value.text, options),
    confirm: renderTextObject(value.confirm, options) || "Yes",
    deny: renderTextObject(value.deny, options) || "Cancel",
  };
}

/** The message's buttons with their keys, as {@link renderBlocks} shows them. */
export function buttonsOf(blocks: readonly SlackBlock[], options: RenderOptions): CardButton[] {
  const raw = rawButtons(blocks);
  const texts = raw.map(({ button }) => renderTextObject(button.text, options));
  const keys = assignKeys(texts);
  return raw.map(({ blockId, button }, i) => ({
    key: keys[i] ?? "?",
    text: texts[i] ?? "",
    actionId: str(button.action_id),
    blockId,
    style: button.style === "primary" || button.style === "danger" ? button.style : undefined,
    url: typeof button.url === "string" ? button.url : undefined,
    confirm: confirmOf(button.confirm, options),
  }));
}

function buttonLabel(button: CardButton, s: Styles): string {
  const paint = button.style === "primary" ? s.green : button.style === "danger" ? s.red : (t: string) => t;
  const url = button.url === undefined ? "" : ` ${s.gray(`(${button.url})`)}`;
  return `${s.bold(`[${button.key}]`)} ${paint(button.text)}${url}`;
}

/** Other interactive elements: shown for what they are, not clickable from the sandbox. */
function elementLabel(element: Json, options: RenderOptions): string {
  const placeholder = renderTextObject(element.placeholder, options);
  const type = str(element.type).replace(/_/g, " ");
  return `‹${placeholder === "" ? type : `${type}: ${placeholder}`}›`;
}

/** A field is usually `*Label*\nvalue`: shown as `Label: value` on one line. */
function fieldLine(field: unknown, options: RenderOptions): string {
  const lines = renderTextObject(field, options).split("\n");
  const [first = "", ...rest] = lines;
  if (rest.length === 0) return first;
  return `${first}${/[:：]\s*$/.test(first) ? " " : ": "}${rest.join(" ")}`;
}

const COLUMN = 38;

/** Fields side by side in two columns, as Slack lays them out, when a pair fits a terminal line; else one a line. */
function fieldColumns(fields: readonly string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const left = fields[i] ?? "";
    const right = fields[i + 1];
    const width = stripAnsi(left).length;
    if (right === undefined) lines.push(left);
    else if (width < COLUMN && stripAnsi(right).length <= COLUMN + 2)
      lines.push(`${left}${" ".repeat(COLUMN - width)}${right}`);
    else lines.push(left, right);
  }
  return lines.join("\n");
}

/** A rich_text block flattened to its text (sections, lists, quotes, preformatted). */
function richText(value: unknown, options: RenderOptions): string {
  if (Array.isArray(value)) return value.map((v) => richText(v, options)).join("");
  if (!isObject(value)) return "";
  switch (value.type) {
    case "text":
      return str(value.text);
    case "link":
      return str(value.text) || str(value.url);
    case "user":
      return `@${options.names.user(str(value.user_id)) ?? str(value.user_id)}`;
    case "channel":
      return `#${options.names.channel?.(str(value.channel_id)) ?? str(value.channel_id)}`;
    case "emoji":
      return replaceEmoji(`:${str(value.name)}:`);
    case "rich_text_list":
    case "rich_text_quote":
    case "rich_text_preformatted":
      return `${richText(value.elements, options)}\n`;
    default:
      return richText(value.elements, options);
  }
}

/** The current value of a modal input, for showing it (the sandbox asks for it separately). */
export function inputValueText(element: unknown, options: RenderOptions): string {
  if (!isObject(element)) return "";
  const option = (o: unknown) => (isObject(o) ? renderTextObject(o.text, options) : "");
  if (element.type === "checkboxes" && Array.isArray(element.options)) {
    // Every box, ticked or not, as the modal shows them.
    const ticked = new Set(
      (Array.isArray(element.initial_options) ? element.initial_options : []).map((o: unknown) =>
        isObject(o) ? o.value : undefined,
      ),
    );
    return element.options
      .map((o: unknown) => `${isObject(o) && ticked.has(o.value) ? "☑" : "☐"} ${option(o)}`)
      .join("  ");
  }
  if (element.initial_value !== undefined) return String(element.initial_value);
  if (element.initial_option !== undefined) return option(element.initial_option);
  if (Array.isArray(element.initial_options)) return element.initial_options.map(option).join(", ");
  return "";
}

/** The blocks of a message or modal as lines, without indentation. */
export function renderBlocks(blocks: readonly SlackBlock[], options: RenderOptions): string[] {
  const s = styles(options.color);
  const buttons = buttonsOf(blocks, options);
  let next = 0;
  const lines: string[] = [];
  const push = (text: string) => lines.push(...text.split("\n"));
  for (const block of blocks) {
    switch (block.type) {
      case "header":
        push(s.bold(renderTextObject(block.text, options)));
        break;
      case "section": {
        const text = renderTextObject(block.text, options);
        if (text !== "") push(text);
        if (Array.isArray(block.fields))
          push(fieldColumns(block.fields.map((f: unknown) => fieldLine(f, options))));
        const accessory = block.accessory;
        if (isObject(accessory) && accessory.type === "button") {
          const button = buttons[next++];
          if (button !== undefined) push(buttonLabel(button, s));
        } else if (isObject(accessory) && accessory.type === "image") {
          push(s.gray(`[image: ${str(accessory.alt_text)}]`));
        } else if (isObject(accessory)) {
          push(elementLabel(accessory, options));
        }
        break;
      }
      case "context": {
        const parts = (Array.isArray(block.elements) ? block.elements : []).map((e: unknown) =>
          isObject(e) && e.type === "image" ? `[${str(e.alt_text)}]` : renderTextObject(e, options),
        );
        push(s.gray(parts.join("  ")));
        break;
      }
      case "actions": {
        const labels = (Array.isArray(block.elements) ? block.elements : []).map((e: unknown) => {
          if (isObject(e) && e.type === "button") {
            const button = buttons[next++];
            return button === undefined ? "" : buttonLabel(button, s);
          }
          return isObject(e) ? elementLabel(e, options) : "";
        });
        push(labels.filter((l) => l !== "").join("  "));
        break;
      }
      case "divider":
        push(s.gray("─".repeat(40)));
        break;
      case "image":
        push(s.gray(`[image: ${str(block.alt_text)}]`));
        break;
      case "rich_text":
        push(richText(block.elements, options).replace(/\n$/, ""));
        break;
      case "input": {
        const label = renderTextObject(block.label, options);
        const optional = block.optional === true ? s.gray(" (optional)") : "";
        push(`${s.bold(label)}${optional}: ${inputValueText(block.element, options)}`);
        const hint = renderTextObject(block.hint, options);
        if (hint !== "") push(s.gray(`  ${hint}`));
        break;
      }
      default:
        push(s.gray(`[${block.type} block]`));
    }
  }
  return lines;
}

/**
 * A message as terminal text: an author line (`ptbot · 12:04:31 · card updated`), then its body with a bar on
 * the left. Thread replies are indented. No trailing newline.
 */
export function renderMessage(message: MessageView, options: RenderOptions): string {
  const s = styles(options.color);
  const tags = [
    message.time,
    message.change === "updated" ? s.yellow("card updated") : undefined,
    message.change === "deleted" ? s.yellow("deleted") : undefined,
    message.visibleTo === undefined ? undefined : s.gray(`only visible to ${message.visibleTo}`),
  ].filter((t): t is string => t !== undefined && t !== "");
  const indent = message.inThread ? "    " : "";
  const head = `${indent}${message.inThread ? "↳ " : ""}${s.bold(message.author)}${tags.map((t) => ` · ${t}`).join("")}`;
  if (message.change === "deleted") return head;
  const body = bodyLines(message, options);
  const before = new Set(message.previous === undefined ? [] : bodyLines(message.previous, options));
  const bar = s.gray("│");
  const shown = (line: string) => (before.has(line) ? s.gray(stripAnsi(line)) : line);
  return [head, ...body.map((line) => `${indent}${bar}${line === "" ? "" : ` ${shown(line)}`}`)].join("\n");
}

/** Slack shows a message's blocks, or its text when it has none. */
function bodyLines(
  message: { readonly text: string; readonly blocks: readonly SlackBlock[] },
  options: RenderOptions,
) {
  return message.blocks.length > 0
    ? renderBlocks(message.blocks, options)
    : renderMrkdwn(message.text, options).split("\n");
}

/** A modal (the wire view Slack holds) as terminal text: title, blocks, and the app's field errors under inputs. */
export function renderModal(
  view: { readonly title?: unknown; readonly blocks: readonly SlackBlock[] },
  errors: Readonly<Record<string, string>> | undefined,
  options: RenderOptions,
): string {
  const s = styles(options.color);
  const bar = s.gray("│");
  const lines = [`${s.bold("modal")} · ${s.bold(renderTextObject(view.title, options))}`];
  for (const block of view.blocks) {
    lines.push(...renderBlocks([block], options).map((line) => `${bar} ${line}`));
    const error = block.block_id === undefined ? undefined : errors?.[block.block_id];
    if (error !== undefined) lines.push(`${bar} ${s.red(`  ⚠ ${error}`)}`);
  }
  return lines.join("\n");
}
