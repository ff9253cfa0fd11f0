import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { EmulatorState } from "./emulator-state.js";
import { parseApiRequest, readBody } from "./http-body.js";
import { applyResponseBody, responseBodyProblems } from "./response-effects.js";
import type { ResponseBody } from "./types.js";
import { dispatchApiCall } from "./web-api/dispatch.js";

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

/** `POST|GET /api/{method}`: the Web API. */
async function handleApi(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = decodeURIComponent(url.pathname.slice("/api/".length));
  const body = await readBody(req);
  const parsed = parseApiRequest(req.headers, url.searchParams, body);
  if ("error" in parsed) {
    send(res, 200, { ok: false, error: parsed.error });
    return;
  }
  const answer = dispatchApiCall(state, { method, args: parsed.args, token: parsed.token });
  if (answer.delayMs !== undefined) {
    await sleep(answer.delayMs, undefined, { ref: false });
    if (res.destroyed) return;
  }
  send(res, answer.status, answer.body, { ...answer.headers });
}

/**
 * `POST /response/{id}`: a response_url. Bodies are JSON (Bolt's `respond()`); at most 5 posts within 30 minutes,
 * after which Slack answers 404. Invalid blocks are refused with 400 (Bolt's `respond()` then throws).
 */
async function handleResponse(state: EmulatorState, req: IncomingMessage, res: ServerResponse, id: string) {
  const text = await readBody(req);
  let body: ResponseBody;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new TypeError("not an object");
    body = parsed as ResponseBody;
  } catch {
    send(res, 400, { ok: false, error: "invalid_payload" });
    return;
  }
  const problems = responseBodyProblems(body);
  if (problems.length > 0) {
    send(res, 400, { ok: false, error: "invalid_blocks", response_metadata: { messages: problems } });
    return;
  }
  const accepted = state.responseUrls.accept(id, body);
  if (!accepted.ok) {
    send(res, 404, { ok: false, error: accepted.error });
    return;
  }
  const source = "response_url";
  applyResponseBody(state, accepted.post.origin, body, source);
  send(res, 200, { ok: true });
}

/** The emulator's HTTP routes (the WebSocket upgrade is handled by the server). */
export async function routeRequest(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  try {
    if (url.pathname.startsWith("/api/") && (req.method === "POST" || req.method === "GET")) {
      await handleApi(state, req, res, url);
      return;
    }
    const response = /^\/response\/([A-Za-z0-9]+)$/.exec(url.pathname);
    if (response?.[1] !== undefined && req.method === "POST") {
      await handleResponse(state, req, res, response[1]);
      return;
    }
    if (url.pathname === "/healthz") {
      send(res, 200, { ok: true });
      return;
    }
    send(res, 404, { ok: false, error: "not_found" });
  } catch (error) {
    // An emulator bug, not a Slack behaviour: say so loudly to whoever called.
    if (!res.headersSent) send(res, 500, { ok: false, error: "emulator_error", detail: String(error) });
    else res.destroy(error instanceof Error ? error : undefined);
  }
}
