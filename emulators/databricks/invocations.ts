import { createHash, randomUUID } from "node:crypto";
import type { EndpointStore } from "./endpoint-store.js";
import { ApiError } from "./errors.js";
import { endpointStatus } from "./life-cycle.js";
import type { Route } from "./router.js";
import { isObject, type ServedEntity } from "./served-entities.js";

export interface InvocationDeps {
  readonly store: EndpointStore;
  readonly now: () => number;
  /** Real time each answer takes (a model generating), read per query so a test can change it. Default 0. */
  readonly latencyMs?: () => number;
  /** Waits real time (the server's timers, cleared on close). */
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_MAX_TOKENS = 256;

function badRequest(message: string): ApiError {
  return new ApiError(400, "BAD_REQUEST", message);
}

/**
 * `POST /serving-endpoints/{name}/invocations` (no `/api/2.0`): deterministic OpenAI-style answers from the
 * entity that takes most traffic in the endpoint's READY config. Embedding models answer `{ input }` with
 * embeddings; other models answer `{ messages }` with `chat.completion` and `{ prompt }` with `text_completion`.
 */
export function invocationRoutes({ store, now, latencyMs, sleep }: InvocationDeps): Route[] {
  return [
    {
      method: "POST",
      pattern: "/serving-endpoints/{name}/invocations",
      body: "json",
      authenticated: true,
      handler: async ({ params, body }) => {
        const wait = latencyMs?.() ?? 0;
        if (wait > 0 && sleep !== undefined) await sleep(wait);
        const name = params.name ?? "";
        const record = store.find(name);
        if (record === undefined) {
          throw new ApiError(404, "RESOURCE_DOES_NOT_EXIST", `Endpoint with name '${name}' does not exist.`);
        }
        const status = endpointStatus(record, now());
        if (status.serving === undefined) {
          throw new ApiError(
            400,
            "INVALID_STATE",
            `Endpoint '${name}' is not ready to serve requests (state ${status.ready}, config update ${status.configUpdate}).`,
          );
        }
        const entity = mainEntity(status.serving.config.servedEntities, status.serving.config.routes);
        const request = body as Record<string, unknown>;
        const created = Math.floor(now() / 1000);
        if (entity.task === "llm/v1/embeddings") return { status: 200, body: embeddings(entity, request) };
        if (request.messages !== undefined) return { status: 200, body: chat(entity, request, created) };
        if (request.prompt !== undefined) return { status: 200, body: completion(entity, request, created) };
        throw badRequest("The request must contain 'messages' (chat) or 'prompt' (completions).");
      },
    },
  ];
}

function mainEntity(
  entities: readonly ServedEntity[],
  routes: readonly { servedEntityName: string; trafficPercentage: number }[],
): ServedEntity {
  const top = [...routes].sort((a, b) => b.trafficPercentage - a.trafficPercentage)[0];
  const entity = entities.find((e) => e.name === top?.servedEntityName) ?? entities[0];
  if (entity === undefined) throw new ApiError(500, "INTERNAL_ERROR", "The endpoint serves no entity.");
  return entity;
}

function chat(
  entity: ServedEntity,
  request: Record<string, unknown>,
  created: number,
): Record<string, unknown> {
  const messages = request.messages;
  if (!Array.isArray(messages) || messages.length === 0)
    throw badRequest("'messages' must be a non-empty list.");
  const texts = messages.map((m: unknown, i) => {
    if (!isObject(m) || typeof m.role !== "string")
      throw badRequest(`messages[${i}] must have a string 'role'.`);
    return contentText(m.content, i);
  });
  const maxTokens = positiveInt(request.max_tokens, "max_tokens") ?? DEFAULT_MAX_TOKENS;
  const logprobs = request.logprobs;
  if (logprobs !== undefined && logprobs !== null && typeof logprobs !== "boolean") {
    throw badRequest("'logprobs' must be a boolean.");
  }
  const top = request.top_logprobs;
  if (top !== undefined && top !== null) {
    if (typeof top !== "number" || !Number.isInteger(top) || top < 0 || top > 20) {
      throw badRequest("'top_logprobs' must be an integer from 0 to 20.");
    }
    if (logprobs !== true) throw badRequest("'logprobs' must be true when 'top_logprobs' is set.");
  }
  const last = texts.at(-1) ?? "";
  const { tokens, finish } = generate(
    `Emulated reply from ${entity.entityName} version ${entity.entityVersion} to: ${last}`,
    maxTokens,
  );
  const promptTokens = texts.reduce((n, t) => n + countTokens(t) + 4, 0);
  return {
    id: `chatcmpl_${randomUUID()}`,
    object: "chat.completion",
    created,
    model: entity.name,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: tokens.join("") },
        finish_reason: finish,
        logprobs:
          logprobs === true
            ? { content: tokens.map((t, i) => tokenLogprob(t, i, typeof top === "number" ? top : 0)) }
            : null,
      },
    ],
    usage: usage(promptTokens, tokens.length),
  };
}

function completion(
  entity: ServedEntity,
  request: Record<string, unknown>,
  created: number,
): Record<string, unknown> {
  const prompt = request.prompt;
  const prompts = typeof prompt === "string" ? [prompt] : prompt;
  if (!Array.isArray(prompts) || prompts.length === 0 || !prompts.every((p) => typeof p === "string")) {
    throw badRequest("'prompt' must be a string or a non-empty list of strings.");
  }
  const maxTokens = positiveInt(request.max_tokens, "max_tokens") ?? DEFAULT_MAX_TOKENS;
  let completionTokens = 0;
  const choices = prompts.map((p: string, index) => {
    const { tokens, finish } = generate(` Emulated completion from ${entity.entityName} of: ${p}`, maxTokens);
    completionTokens += tokens.length;
    return { index, text: tokens.join(""), finish_reason: finish, logprobs: null };
  });
  const promptTokens = prompts.reduce((n: number, p: string) => n + countTokens(p), 0);
  return {
    id: `cmpl_${randomUUID()}`,
    object: "text_completion",
    created,
    model: entity.name,
    choices,
    usage: usage(promptTokens, completionTokens),
  };
}

function embeddings(entity: ServedEntity, request: Record<string, unknown>): Record<string, unknown> {
  const input = request.input;
  const inputs = typeof input === "string" ? [input] : input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((p) => typeof p === "string")) {
    throw badRequest(
      `'input' must be a string or a non-empty list of strings: '${entity.name}' is an embeddings model.`,
    );
  }
  const dimensions = entity.embeddingDimensions ?? 1024;
  const tokens = inputs.reduce((n: number, t: string) => n + countTokens(t), 0);
  return {
    id: randomUUID(),
    object: "list",
    model: entity.name,
    data: inputs.map((text: string, index) => ({
      object: "embedding",
      index,
      embedding: embed(text, dimensions),
    })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

function contentText(content: unknown, index: number): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) => (isObject(part) && typeof part.text === "string" ? part.text : ""))
      .join(" ");
  }
  throw badRequest(`messages[${index}].content must be a string or a list of content parts.`);
}

function positiveInt(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw badRequest(`'${field}' must be a positive integer.`);
  }
  return value;
}

/** Splits text into word tokens that keep their leading space, as BPE tokenizers do, and caps their number. */
function generate(text: string, maxTokens: number): { tokens: string[]; finish: "stop" | "length" } {
  const all = text.match(/\s*\S+/g) ?? [];
  return all.length > maxTokens
    ? { tokens: all.slice(0, maxTokens), finish: "length" }
    : { tokens: all, finish: "stop" };
}

function countTokens(text: string): number {
  return (text.match(/\S+/g) ?? []).length;
}

function usage(prompt: number, completion: number) {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

const ALTERNATIVES = [" the", " a", " model", " reply", ".", ",", " and", " to", " of", " is", " it", " in"];

/** Deterministic log-probabilities whose probabilities add up to less than 1, chosen token first. */
function tokenLogprob(token: string, index: number, top: number) {
  const p = 0.5 + (hash(`${index}:${token}`) % 49) / 100;
  const logprob = round(Math.log(p));
  const alternatives = ALTERNATIVES.filter((a) => a !== token)
    .slice(0, Math.max(0, top - 1))
    .map((alt, j) => ({ token: alt, logprob: round(Math.log((1 - p) / 2 ** (j + 1))), bytes: bytes(alt) }));
  return {
    token,
    logprob,
    bytes: bytes(token),
    top_logprobs: top === 0 ? [] : [{ token, logprob, bytes: bytes(token) }, ...alternatives],
  };
}

/** A unit vector that depends only on the text, so equal inputs embed equally. */
function embed(text: string, dimensions: number): number[] {
  let state = hash(text) || 1;
  const raw = Array.from({ length: dimensions }, () => {
    // xorshift32: cheap, deterministic, good enough to spread values over [-1, 1].
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 0xffffffff) * 2 - 1;
  });
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => round(v / norm));
}

function hash(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0);
}

function bytes(text: string): number[] {
  return [...Buffer.from(text, "utf8")];
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
