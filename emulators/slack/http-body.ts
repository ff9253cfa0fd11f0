import type { IncomingMessage } from "node:http";
import { SlackEmulatorError } from "./errors.js";

/** Far above anything Slack accepts; only a guard against runaway clients. */
const BODY_LIMIT = 5 * 1024 * 1024;

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > BODY_LIMIT)
      throw new SlackEmulatorError("body_too_large", `request body over ${BODY_LIMIT} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Arguments WebClient JSON-stringifies inside form bodies; recorded parsed so tests read objects. */
const JSON_FIELDS = new Set(["blocks", "attachments", "view", "metadata"]);

export interface ParsedApiRequest {
  readonly args: Record<string, unknown>;
  readonly token: string | undefined;
}

/**
 * A Web API request's arguments and token. Form bodies (WebClient's default) may carry the token as an argument;
 * JSON bodies must use the `Authorization` header, as Slack requires. Query-string arguments are merged in.
 */
export function parseApiRequest(
  headers: IncomingMessage["headers"],
  query: URLSearchParams,
  body: string,
): ParsedApiRequest | { readonly error: "invalid_form_data" | "invalid_json" } {
  const contentType = (headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const args: Record<string, unknown> = Object.fromEntries(query);
  let isJson = false;
  if (contentType === "application/json") {
    isJson = true;
    if (body.trim() !== "") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return { error: "invalid_json" };
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        return { error: "invalid_json" };
      Object.assign(args, parsed);
    }
  } else if (contentType === "application/x-www-form-urlencoded" || contentType === "") {
    for (const [key, value] of new URLSearchParams(body)) args[key] = parseJsonField(key, value);
  } else {
    return { error: "invalid_form_data" };
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
  const bodyToken = !isJson && typeof args.token === "string" ? args.token : undefined;
  return { args, token: bearer ?? bodyToken };
}

function parseJsonField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    // Left as a string: the method answers with its own format error.
    return value;
  }
}
