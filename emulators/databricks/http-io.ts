import type { IncomingMessage, ServerResponse } from "node:http";
import { malformedRequest } from "./errors.js";
import type { ApiResponse, Route } from "./router.js";

/** Bodies above this are refused by closing the connection: no API here takes anything near it. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new Error("request body too large"));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Parses a body as the route expects it; a `json` route answers 400 `MALFORMED_REQUEST` to anything but an object. */
export function parseBody(kind: Route["body"], raw: string): unknown {
  if (kind === "none") return undefined;
  if (kind === "form") return Object.fromEntries(new URLSearchParams(raw));
  if (raw.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw malformedRequest(`Could not parse request object: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw malformedRequest("Could not parse request object: the request body must be a JSON object.");
  }
  return value;
}

/** The body as the request log keeps it: JSON or form fields when they parse, else the text itself. */
export function bodyForLog(raw: string, contentType: string | undefined): unknown {
  if (raw === "") return undefined;
  if (contentType?.startsWith("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function sendJson(res: ServerResponse, response: ApiResponse, headers: Record<string, string>): void {
  const text = JSON.stringify(response.body);
  res.writeHead(response.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
    ...response.headers,
  });
  res.end(text);
}
