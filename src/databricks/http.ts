import { setTimeout as delay } from "node:timers/promises";
import { type Dispatcher, request } from "undici";
import type { Logger } from "../logger.js";
import { DatabricksApiError } from "./errors.js";
import {
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  nextDelay,
  parseRetryAfter,
  type RetryPolicy,
} from "./retry.js";

/** What the request core is built from; every field has a default, tests inject clocks, sleeps and dispatchers. */
export interface HttpOptions {
  /** undici dispatcher (an `Agent`, `Pool`, or a test's `MockAgent`); default undici's global one, never replaced. */
  readonly dispatcher?: Dispatcher;
  /** Per attempt, from sending until the whole body is read. Default 30 s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** The clock the retry time bound reads. Default `Date.now`. */
  readonly now?: () => number;
  /** How the core waits between attempts. Default a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  readonly logger?: Logger;
  /** Told about every attempt once it ends (metrics, readiness); must not throw. */
  readonly onAttempt?: (attempt: AttemptReport) => void;
}

/** One attempt of one request, as reported to {@link HttpOptions.onAttempt}. */
export interface AttemptReport {
  readonly method: HttpMethod;
  readonly path: string;
  /** The HTTP status, when the workspace answered. */
  readonly status?: number;
  /** Why there was no answer (`timeout`, `not_sent`, ...). */
  readonly failure?: string;
  readonly ms: number;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /**
   * Whether sending the request twice is harmless. Defaults to true for GET and DELETE. When false, a timeout, a
   * connection lost after sending, or a 504 is not retried but raised with `outcomeUnknown`, for the caller to read
   * back; 429/503 and connections refused are still retried, since the workspace did nothing.
   */
  readonly idempotent?: boolean;
  readonly timeoutMs?: number;
  /**
   * Attempts in all, whatever the answer: 1 sends the request once and returns (or raises) what came, 429 and 503
   * included. Default: as the retry policy allows.
   */
  readonly maxAttempts?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

/** One attempt's transport failure, before it becomes a {@link DatabricksApiError}. */
type TransportFailure = {
  /** `not_sent`: the request never reached the server. `lost`: it may have. */
  readonly kind: "timeout" | "not_sent" | "lost" | "other";
  readonly cause: unknown;
};

/** Error codes (Node's and undici's) that mean no byte of the request reached the server. */
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);
/** Error codes that mean the connection broke after the request may have been sent. */
const LOST = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

function errorCodes(error: unknown): string[] {
  if (typeof error !== "object" || error === null) return [];
  const own = "code" in error && typeof error.code === "string" ? [error.code] : [];
  // Node reports a refused dual-stack connect as an AggregateError of per-address errors.
  const inner = error instanceof AggregateError ? error.errors.flatMap(errorCodes) : [];
  const cause = "cause" in error && error.cause !== error ? errorCodes(error.cause) : [];
  return [...own, ...inner, ...cause];
}

function classify(error: unknown): TransportFailure["kind"] {
  const codes = errorCodes(error);
  if (codes.some((c) => LOST.has(c))) return "lost";
  if (codes.length > 0 && codes.every((c) => NOT_SENT.has(c))) return "not_sent";
  return "other";
}

/** The request core: one place for timeouts, retries and the per-attempt debug log. */
export interface HttpCore {
  send(request: HttpRequest): Promise<HttpResponse>;
}

export function createHttpCore(options: HttpOptions = {}): HttpCore {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const random = options.random ?? Math.random;
  const defaultTimeoutMs = options.timeoutMs ?? 30_000;

  async function attempt(req: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const res = await request(req.url, {
        method: req.method,
        ...(req.headers === undefined ? {} : { headers: req.headers }),
        ...(req.body === undefined ? {} : { body: req.body }),
        ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
        signal: controller.signal,
      });
      // The timer stays armed until the body is read: a server that stalls mid-body is a timeout too.
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, text };
    } catch (error) {
      const failure: TransportFailure = timedOut
        ? { kind: "timeout", cause: undefined }
        : { kind: classify(error), cause: error };
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async send(req) {
      const idempotent = req.idempotent ?? (req.method === "GET" || req.method === "DELETE");
      const timeoutMs = req.timeoutMs ?? defaultTimeoutMs;
      const path = req.url.pathname;
      const startedAt = now();
      for (let n = 1; ; n++) {
        const t0 = now();
        let response: HttpResponse | undefined;
        let failure: TransportFailure | undefined;
        try {
          response = await attempt(req, timeoutMs);
        } catch (error) {
          failure = error as TransportFailure;
        }
        const retryable =
          n < (req.maxAttempts ?? Number.POSITIVE_INFINITY) &&
          (response !== undefined
            ? isRetryableStatus(response.status, idempotent)
            : failure?.kind === "not_sent" || (idempotent && failure?.kind !== "other"));
        const retryAfter = response === undefined ? undefined : header(response, "retry-after");
        const wait = retryable
          ? nextDelay({
              attempt: n,
              startedAt,
              now: now(),
              retryAfterMs: parseRetryAfter(retryAfter, now()),
              policy,
              random,
            })
          : undefined;
        options.logger?.debug(
          {
            method: req.method,
            path,
            status: response?.status,
            ...(failure === undefined
              ? {}
              : { failure: failure.kind, errorCode: errorCodes(failure.cause)[0] }),
            ms: now() - t0,
            attempt: n,
            ...(wait === undefined ? {} : { retryInMs: wait }),
          },
          "databricks request",
        );
        options.onAttempt?.({
          method: req.method,
          path,
          ...(response === undefined ? {} : { status: response.status }),
          ...(failure === undefined ? {} : { failure: failure.kind }),
          ms: now() - t0,
        });
        if (wait !== undefined) {
          await sleep(wait);
          continue;
        }
        if (response !== undefined) return response;
        throw transportError(req.method, path, failure as TransportFailure, timeoutMs, idempotent);
      }
    },
  };
}

function transportError(
  method: string,
  path: string,
  failure: TransportFailure,
  timeoutMs: number,
  idempotent: boolean,
): DatabricksApiError {
  const timeout = failure.kind === "timeout";
  const detail = timeout ? `no complete answer within ${timeoutMs} ms` : describeCause(failure.cause);
  return new DatabricksApiError({
    code: timeout ? "databricks_timeout" : "databricks_network",
    message: `${method} ${path} failed: ${detail}`,
    method,
    path,
    outcomeUnknown: !idempotent && failure.kind !== "not_sent" && failure.kind !== "other",
    cause: failure.cause,
  });
}

function describeCause(cause: unknown): string {
  const code = errorCodes(cause)[0];
  const message = cause instanceof Error ? cause.message : String(cause);
  return code === undefined || message.includes(code) ? message : `${code} ${message}`;
}

/** A response header as one string (the first value when repeated). */
export function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
