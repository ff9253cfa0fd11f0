import type { MessageMetadata } from "../types.js";
import { type ApiArgs, ApiFailure } from "./api-args.js";

/**
 * The `metadata` argument of `chat.postMessage`, checked as Slack documents it (`MessageMetadata` in @slack/types,
 * "Using message metadata"): a JSON object (a string in a form body) with a non-empty `event_type` string and an
 * `event_payload` object whose values are strings, numbers, booleans, objects of those, or arrays of such objects.
 * Unparsable JSON or a wrong outer shape is `invalid_metadata_format`; a payload value of another kind is
 * `invalid_metadata_schema` (Slack's two documented answers; which one Slack picks for each case is not published).
 */
export function metadataArg(args: ApiArgs): MessageMetadata | undefined {
  const value = args.json("metadata", "invalid_metadata_format");
  if (value === undefined) return undefined;
  if (!isRecord(value))
    throw new ApiFailure("invalid_metadata_format", ["[ERROR] metadata must be an object"]);
  const { event_type: type, event_payload: payload } = value;
  if (typeof type !== "string" || type === "" || !isRecord(payload)) {
    throw new ApiFailure("invalid_metadata_format", [
      "[ERROR] metadata needs an event_type string and an event_payload object",
    ]);
  }
  for (const [key, v] of Object.entries(payload)) {
    const ok =
      isScalar(v) ||
      (isRecord(v) && Object.values(v).every(isScalar)) ||
      (Array.isArray(v) && v.every((o) => isRecord(o) && Object.values(o).every(isScalar)));
    if (!ok)
      throw new ApiFailure("invalid_metadata_schema", [`[ERROR] event_payload.${key} has an invalid type`]);
  }
  return { event_type: type, event_payload: payload };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): boolean {
  return typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
}
