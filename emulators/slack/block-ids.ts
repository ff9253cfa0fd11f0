import { createHash } from "node:crypto";
import type { SlackBlock } from "./types.js";

/**
 * Gives every block without a `block_id` one, as Slack does when it stores a message or view (interaction
 * payloads always name a block_id). Generated ids are short, derived from `seed` and the position, so repeated
 * runs produce the same ids.
 */
export function assignBlockIds(blocks: readonly SlackBlock[], seed: string): readonly SlackBlock[] {
  return blocks.map((block, index) => {
    if (typeof block.block_id === "string" && block.block_id !== "") return block;
    const id = createHash("sha1").update(`${seed}:${index}`).digest("base64").slice(0, 5);
    return { ...block, block_id: id };
  });
}
