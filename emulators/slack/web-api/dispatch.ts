import type { EmulatorState } from "../emulator-state.js";
import type { ApiCall } from "../types.js";
import { ApiArgs, ApiFailure } from "./api-args.js";
import { chatMethods } from "./chat-methods.js";
import { conversationMethods } from "./conversation-methods.js";
import { directoryMethods } from "./directory-methods.js";
import type { MethodHandler } from "./method-handler.js";
import { viewMethods } from "./view-methods.js";

const METHODS: Readonly<Record<string, MethodHandler>> = {
  ...chatMethods,
  ...viewMethods,
  ...directoryMethods,
  ...conversationMethods,
};

/** Methods that take the app-level (`xapp-`) token instead of the bot token. */
const APP_TOKEN_METHODS = new Set(["apps.connections.open"]);

export interface ApiRequest {
  readonly method: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** From `Authorization: Bearer`, or the `token` argument of a form body. */
  readonly token: string | undefined;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
  /** Hold the answer back this long after the call took effect (a `stall` scenario). */
  readonly delayMs?: number;
}

function tokenKind(state: EmulatorState, token: string | undefined): ApiCall["tokenKind"] {
  if (token === undefined || token === "") return "none";
  if (token === state.botToken) return "bot";
  if (state.appToken !== undefined && token === state.appToken) return "app";
  return "invalid";
}

function failure(error: string, messages: readonly string[] = []): Record<string, unknown> {
  return { ok: false, error, ...(messages.length > 0 ? { response_metadata: { messages } } : {}) };
}

/**
 * Answers one Web API call the way Slack does: errors are HTTP 200 with `ok: false` (a missing token is
 * `not_authed`, a wrong one `invalid_auth`, the wrong kind `not_allowed_token_type`); only a rate limit is
 * HTTP 429, with `Retry-After`. Every call is recorded, with its token removed.
 */
export function dispatchApiCall(state: EmulatorState, request: ApiRequest): ApiResponse {
  const kind = tokenKind(state, request.token);
  const response = answer(state, request, kind);
  const { token: _token, ...args } = request.args;
  const call: ApiCall = {
    method: request.method,
    args,
    tokenKind: kind,
    at: state.now(),
    status: response.status,
    response: response.body,
  };
  state.calls.push(call);
  state.log.record({ type: "api_call", call });
  return response;
}

/** `chat.postMessage` over its channel's limit: the seconds to wait; undefined when it may go. */
function postRateLimited(state: EmulatorState, request: ApiRequest): number | undefined {
  if (request.method !== "chat.postMessage" || state.postLimiter === undefined) return undefined;
  const raw = typeof request.args.channel === "string" ? request.args.channel : "";
  const channel = state.directory.resolveChannel(raw)?.id ?? raw;
  return state.postLimiter.take(channel);
}

function answer(state: EmulatorState, request: ApiRequest, kind: ApiCall["tokenKind"]): ApiResponse {
  const ok = (body: Record<string, unknown>): ApiResponse => ({ status: 200, headers: {}, body });
  const handler = METHODS[request.method];
  if (handler === undefined) return ok(failure("unknown_method"));
  if (kind === "none") return ok(failure("not_authed"));
  if (kind === "invalid") return ok(failure("invalid_auth"));
  if ((kind === "app") !== APP_TOKEN_METHODS.has(request.method))
    return ok(failure("not_allowed_token_type"));
  const scenario = state.takeScenario(request.method);
  if (scenario?.kind === "ratelimit") {
    return {
      status: 429,
      headers: { "retry-after": String(scenario.retryAfterSeconds) },
      body: failure("ratelimited"),
    };
  }
  if (scenario?.kind === "fail") return ok(failure(scenario.error));
  const wait = postRateLimited(state, request);
  if (wait !== undefined) {
    return { status: 429, headers: { "retry-after": String(wait) }, body: failure("ratelimited") };
  }
  const delay = scenario?.kind === "stall" ? { delayMs: scenario.ms } : {};
  try {
    return { ...ok({ ok: true, ...handler(state, new ApiArgs(request.args)) }), ...delay };
  } catch (error) {
    if (error instanceof ApiFailure) return ok({ ...failure(error.code, error.messages), ...error.fields });
    throw error;
  }
}
