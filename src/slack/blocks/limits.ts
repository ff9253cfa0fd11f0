/**
 * Block Kit's limits and the small builders that respect them. Every message ptbot sends is built from these, so a
 * 63-character name, a long Databricks message or a 100 kB build log is cut to fit instead of making Slack refuse
 * the whole message (`invalid_blocks`).
 */
import type { types } from "@slack/bolt";
import { truncate, truncateMrkdwn } from "../mrkdwn.js";

export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  id: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  /** Top-level `text`: Slack truncates far beyond this, but a fallback only needs to say what the message is. */
  fallbackText: 3000,
} as const;

export type Block = types.KnownBlock;

/** What ptbot posts: blocks and the plain-text fallback notifications and screen readers use. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: Block[];
}

export function plain(text: string, max: number): types.PlainTextElement {
  return { type: "plain_text", text: truncate(text === "" ? " " : text, max), emoji: true };
}

export function mrkdwn(text: string, max: number): types.MrkdwnElement {
  return { type: "mrkdwn", text: truncateMrkdwn(text === "" ? " " : text, max) };
}

export function header(text: string): types.HeaderBlock {
  return { type: "header", text: plain(text, LIMITS.headerText) };
}

export function section(text: string, blockId?: string): types.SectionBlock {
  return {
    type: "section",
    text: mrkdwn(text, LIMITS.sectionText),
    ...(blockId === undefined ? {} : { block_id: truncate(blockId, LIMITS.id) }),
  };
}

/** A two-column section; fields past the tenth are dropped (callers put the important ones first). */
export function fields(items: readonly string[]): types.SectionBlock {
  return {
    type: "section",
    fields: items.slice(0, LIMITS.fields).map((f) => mrkdwn(f, LIMITS.fieldText)),
  };
}

export function context(items: readonly string[]): types.ContextBlock {
  return {
    type: "context",
    elements: items.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t, LIMITS.contextText)),
  };
}

export function divider(): types.DividerBlock {
  return { type: "divider" };
}

/**
 * A message within the block limit: past 50 blocks the tail is replaced by one line saying how many were left out,
 * and the fallback text is cut to a sensible length.
 */
export function message(text: string, blocks: readonly Block[]): SlackMessage {
  const fitted =
    blocks.length <= LIMITS.messageBlocks
      ? [...blocks]
      : [
          ...blocks.slice(0, LIMITS.messageBlocks - 1),
          context([`…and ${blocks.length - (LIMITS.messageBlocks - 1)} more not shown`]),
        ];
  return { text: truncateMrkdwn(text === "" ? " " : text, LIMITS.fallbackText), blocks: fitted };
}
