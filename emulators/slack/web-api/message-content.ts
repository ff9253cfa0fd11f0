import { formatProblems, validateMessageBlocks } from "../block-kit-validation.js";
import type { EmulatorState } from "../emulator-state.js";
import type { SlackBlock } from "../types.js";
import { ApiFailure } from "./api-args.js";

/** Slack truncates beyond 40,000 characters and refuses far longer text with `msg_too_long`. */
const MAX_TEXT = 40_000;

export interface MessageContent {
  readonly text: string | undefined;
  readonly blocks: readonly SlackBlock[] | undefined;
}

/**
 * Checks a message's `text` and `blocks` as Slack does: invalid blocks are `invalid_blocks` (with the pointer of
 * each problem), neither text nor blocks is `no_text`. Blocks without a `text` fallback are accepted, as Slack
 * does, but recorded as a warning: notifications and screen readers show only the fallback.
 */
export function checkMessageContent(
  state: EmulatorState,
  where: { method: string; channel: string | undefined },
  input: { text: unknown; blocks: unknown },
  options: { requireContent: boolean } = { requireContent: true },
): MessageContent {
  const text = typeof input.text === "string" && input.text !== "" ? input.text : undefined;
  let blocks: readonly SlackBlock[] | undefined;
  if (input.blocks !== undefined && input.blocks !== null && input.blocks !== "") {
    if (typeof input.blocks === "string") throw new ApiFailure("invalid_blocks_format");
    const problems = validateMessageBlocks(input.blocks);
    if (problems.length > 0) throw new ApiFailure("invalid_blocks", formatProblems(problems));
    blocks = input.blocks as SlackBlock[];
  }
  if (text !== undefined && text.length > MAX_TEXT) throw new ApiFailure("msg_too_long");
  if (options.requireContent && text === undefined && (blocks === undefined || blocks.length === 0)) {
    throw new ApiFailure("no_text");
  }
  if (text === undefined && blocks !== undefined && blocks.length > 0) {
    state.warn({
      kind: "missing_text_fallback",
      method: where.method,
      channel: where.channel,
      message: "blocks were sent without a top-level text fallback (notifications will be empty)",
    });
  }
  return { text, blocks };
}
