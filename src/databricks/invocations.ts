import type { z } from "zod";
import {
  type ChatCompletion,
  ChatCompletionSchema,
  type EmbeddingsResponse,
  EmbeddingsSchema,
  type TextCompletion,
  TextCompletionSchema,
} from "./schemas.js";
import type { DatabricksTransport } from "./transport.js";

/** An OpenAI-style chat request; fields beyond these are passed through as given. */
export interface ChatRequest {
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly max_tokens?: number;
  readonly temperature?: number;
  /** Ask for the log-probability of each generated token (and `top_logprobs` alternatives). */
  readonly logprobs?: boolean;
  readonly top_logprobs?: number;
  readonly [extra: string]: unknown;
}

export interface CompletionRequest {
  readonly prompt: string | readonly string[];
  readonly max_tokens?: number;
  readonly temperature?: number;
  readonly [extra: string]: unknown;
}

export interface EmbeddingsRequest {
  readonly input: string | readonly string[];
  readonly [extra: string]: unknown;
}

export interface QueryOptions {
  /** Generation can be slow: override the client's per-request timeout for this query. */
  readonly timeoutMs?: number;
  /**
   * Whether the query may be sent more than once (a lost answer, a timeout, 429 or 503 asked again). Default true: a
   * query changes nothing. A probe that must run once (the smoke test) says false: one attempt, whatever comes back.
   */
  readonly retry?: boolean;
}

// Queries change nothing, so a lost answer is simply asked again (the core's usual retries).
function invoke<S extends z.ZodType>(
  api: DatabricksTransport,
  name: string,
  body: unknown,
  schema: S,
  options: QueryOptions,
): Promise<z.output<S>> {
  return api.call({
    method: "POST",
    path: `/serving-endpoints/${encodeURIComponent(name)}/invocations`,
    body,
    schema,
    idempotent: options.retry ?? true,
    ...(options.retry === false ? { maxAttempts: 1 } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

/** Chat with an endpoint (`POST {host}/serving-endpoints/{name}/invocations`, no `/api/2.0`). */
export function queryChat(
  api: DatabricksTransport,
  name: string,
  request: ChatRequest,
  options: QueryOptions = {},
): Promise<ChatCompletion> {
  return invoke(api, name, request, ChatCompletionSchema, options);
}

/** A text completion (`{ prompt }` → `text_completion`). */
export function queryCompletions(
  api: DatabricksTransport,
  name: string,
  request: CompletionRequest,
  options: QueryOptions = {},
): Promise<TextCompletion> {
  return invoke(api, name, request, TextCompletionSchema, options);
}

/** Embeddings (`{ input }` → `{ object: "list", data: [{ embedding }] }`). */
export function queryEmbeddings(
  api: DatabricksTransport,
  name: string,
  request: EmbeddingsRequest,
  options: QueryOptions = {},
): Promise<EmbeddingsResponse> {
  return invoke(api, name, request, EmbeddingsSchema, options);
}
