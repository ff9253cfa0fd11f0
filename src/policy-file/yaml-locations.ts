/**
 * Where a setting is in the policy file: the line of a path such as `workspaces.prod.policy.required_approvals`, read
 * from the parsed document's node ranges, so that every problem names the line to fix.
 */
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";

export type SettingPath = readonly (string | number)[];

/** `["workspaces", "prod", "auth"]` → `workspaces.prod.auth`; a list item as `[2]`. */
export function formatPath(path: SettingPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/**
 * The 1-based line of `path`: its key's line for a map entry, its own for a list item; for a path that does not exist
 * (a setting left out), the line of the deepest part that does. Undefined when not even the first part exists.
 */
export function lineOf(doc: Document, lines: LineCounter, path: SettingPath): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const part of path) {
    const at = step(node, part);
    if (at === undefined) break;
    node = at.node;
    if (at.start !== undefined) line = lines.linePos(at.start).line;
  }
  return line;
}

function step(
  node: unknown,
  part: string | number,
): { node: unknown; start: number | undefined } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
    if (pair === undefined) return undefined;
    const key = pair.key as Node;
    return { node: pair.value, start: key.range?.[0] };
  }
  if (isSeq(node) && typeof part === "number") {
    const item = node.items[part] as Node | undefined;
    if (item === undefined) return undefined;
    return { node: item, start: item.range?.[0] };
  }
  return undefined;
}
