import { z } from "zod";
import type { HttpCore, HttpRequest } from "../http.js";
import { readResponse } from "../response.js";
import type { CredentialsProvider } from "./credentials.js";

export interface OAuthM2MOptions {
  /** Workspace URL, e.g. `https://adb-123.azuredatabricks.net` (no trailing slash). */
  readonly host: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The request core the discovery and token calls go through (timeouts and retries included). */
  readonly http: HttpCore;
  /** Default `Date.now`; tests pass a fake clock to move past a token's expiry. */
  readonly now?: () => number;
  /** Refresh this long before a token expires (at most half its lifetime). Default 60 s. */
  readonly refreshMarginMs?: number;
}

const DiscoverySchema = z.looseObject({ token_endpoint: z.url() });

const TokenSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive(),
});

interface CachedToken {
  readonly authorization: string;
  readonly refreshAt: number;
}

/**
 * OAuth machine-to-machine credentials for a service principal, as Databricks' unified auth does it: the token
 * endpoint comes from `{host}/oidc/.well-known/oauth-authorization-server`; a client-credentials grant with HTTP
 * Basic and `scope=all-apis` gives a token, which is cached and refreshed shortly before it expires. Concurrent
 * callers share one refresh. After a 401 the client invalidates the token it sent and asks once more.
 */
export function createOAuthM2MCredentials(options: OAuthM2MOptions): CredentialsProvider {
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? 60_000;
  const basic = Buffer.from(
    `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
  ).toString("base64");
  const secrets = [options.clientSecret, basic];
  let tokenEndpoint: Promise<URL> | undefined;
  let cached: CachedToken | undefined;
  let refreshing: Promise<string> | undefined;

  async function call<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<z.output<S>> {
    const response = await options.http.send(req);
    return readResponse(response, schema, {
      method: req.method,
      path: req.url.pathname,
      secrets,
      idempotent: true,
    });
  }

  function discover(): Promise<URL> {
    tokenEndpoint ??= call(
      { method: "GET", url: new URL(`${options.host}/oidc/.well-known/oauth-authorization-server`) },
      DiscoverySchema,
    ).then(
      (doc) => new URL(doc.token_endpoint),
      (error: unknown) => {
        tokenEndpoint = undefined; // a failed discovery is tried again by the next caller
        throw error;
      },
    );
    return tokenEndpoint;
  }

  async function fetchToken(): Promise<string> {
    const url = await discover();
    const requestedAt = now();
    const token = await call(
      {
        method: "POST",
        url,
        headers: {
          authorization: `Basic ${basic}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: "all-apis" }).toString(),
        // Asking twice for a token is harmless: the grant creates nothing.
        idempotent: true,
      },
      TokenSchema,
    );
    const lifetimeMs = token.expires_in * 1000;
    const authorization = `Bearer ${token.access_token}`;
    // Measured from before the request, so a slow answer errs on the early side.
    cached = { authorization, refreshAt: requestedAt + lifetimeMs - Math.min(margin, lifetimeMs / 2) };
    return authorization;
  }

  return {
    kind: "oauth-m2m",
    authorization() {
      if (cached !== undefined && now() < cached.refreshAt) return Promise.resolve(cached.authorization);
      refreshing ??= fetchToken().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    invalidate(rejected) {
      // Only the token that was refused: another caller may already have replaced it with a fresh one.
      if (cached?.authorization === rejected) cached = undefined;
      return true;
    },
  };
}
