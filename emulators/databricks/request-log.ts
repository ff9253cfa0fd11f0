import type { IncomingHttpHeaders } from "node:http";
import { pathMatches } from "./faults.js";

/** One request as the emulator saw it, without credentials. */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query string, as sent (not decoded). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Request headers, minus `authorization`, `cookie` and `proxy-authorization`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, or the form fields (with `client_secret` redacted), or the raw text, or undefined if empty. */
  readonly body: unknown;
  /** The emulator's clock when the request arrived. */
  readonly time: number;
  /** The status answered; 0 while unanswered, and for a dropped connection. */
  readonly status: number;
  /** The `x-request-id` answered with; absent while unanswered, and for a dropped connection. */
  readonly requestId?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const SECRET_HEADERS = new Set(["authorization", "cookie", "proxy-authorization"]);

/** The request log tests read. Never holds a credential. */
export class RequestLog {
  readonly #entries: Mutable<RecordedRequest>[] = [];
  readonly #onRecord: ((request: RecordedRequest) => void) | undefined;

  constructor(onRecord?: (request: RecordedRequest) => void) {
    this.#onRecord = onRecord;
  }

  get entries(): readonly RecordedRequest[] {
    return this.#entries;
  }

  /** Starts an entry; the returned function completes it with the status (0 for none) and the request id answered. */
  start(input: {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: IncomingHttpHeaders;
    time: number;
  }): { setBody(body: unknown): void; finish(status: number, requestId?: string): void } {
    const entry: Mutable<RecordedRequest> = {
      method: input.method,
      path: input.path,
      query: Object.fromEntries(input.query),
      headers: scrubHeaders(input.headers),
      body: undefined,
      time: input.time,
      status: 0,
    };
    this.#entries.push(entry);
    return {
      setBody: (body) => {
        entry.body = scrubBody(body);
      },
      finish: (status, requestId) => {
        entry.status = status;
        if (requestId !== undefined) entry.requestId = requestId;
        this.#onRecord?.(entry);
      },
    };
  }

  matching(method: string, pathPattern: string | RegExp): RecordedRequest[] {
    return this.#entries.filter(
      (e) => e.method.toUpperCase() === method.toUpperCase() && pathMatches(pathPattern, e.path),
    );
  }

  clear(): void {
    this.#entries.length = 0;
  }
}

function scrubHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined || SECRET_HEADERS.has(key)) continue;
    out[key] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function scrubBody(body: unknown): unknown {
  if (typeof body !== "object" || body === null || !("client_secret" in body)) return body;
  return { ...body, client_secret: "[Redacted]" };
}
