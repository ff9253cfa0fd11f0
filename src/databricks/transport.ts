import type { z } from "zod";
import type { CredentialsProvider } from "./auth/credentials.js";
import type { HttpCore, HttpMethod } from "./http.js";
import { readResponse } from "./response.js";

/** One call to a workspace's REST API. */
export interface ApiRequest<S extends z.ZodType> {
  readonly method: HttpMethod;
  /** From the host, path segments already encoded, e.g. `/api/2.0/serving-endpoints/llama-13b-3`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Validates (and types) the answer. */
  readonly schema: S;
  /** See `HttpRequest.idempotent`; defaults to true for GET and DELETE. */
  readonly idempotent?: boolean;
  readonly timeoutMs?: number;
  /** See `HttpRequest.maxAttempts`. */
  readonly maxAttempts?: number;
}

/** An authenticated JSON channel to one workspace: what every API function takes as its first argument. */
export interface DatabricksTransport {
  /** The workspace URL, no trailing slash. */
  readonly host: string;
  call<S extends z.ZodType>(request: ApiRequest<S>): Promise<z.output<S>>;
}

export interface TransportOptions {
  readonly host: string;
  readonly credentials: CredentialsProvider;
  readonly http: HttpCore;
  readonly userAgent?: string;
}

export function createDatabricksTransport(options: TransportOptions): DatabricksTransport {
  const host = options.host.replace(/\/+$/, "");
  const userAgent = options.userAgent ?? "ptbot/0.1";
  return {
    host,
    async call(req) {
      const url = new URL(`${host}${req.path}`);
      for (const [key, value] of Object.entries(req.query ?? {})) {
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
      const idempotent = req.idempotent ?? (req.method === "GET" || req.method === "DELETE");
      const body = req.body === undefined ? undefined : JSON.stringify(req.body);
      // A 401 is worth one more try when the provider can refresh (an expired or revoked OAuth token).
      for (let authTry = 0; ; authTry++) {
        const authorization = await options.credentials.authorization();
        const response = await options.http.send({
          method: req.method,
          url,
          headers: {
            authorization,
            accept: "application/json",
            "user-agent": userAgent,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          ...(body === undefined ? {} : { body }),
          idempotent,
          ...(req.timeoutMs === undefined ? {} : { timeoutMs: req.timeoutMs }),
          ...(req.maxAttempts === undefined ? {} : { maxAttempts: req.maxAttempts }),
        });
        if (response.status === 401 && authTry === 0 && options.credentials.invalidate(authorization))
          continue;
        return readResponse(response, req.schema, {
          method: req.method,
          path: url.pathname,
          secrets: [authorization, authorization.replace(/^\S+\s+/, "")],
          idempotent,
        });
      }
    },
  };
}
