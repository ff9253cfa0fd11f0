import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ApiError } from "./errors.js";
import type { ApiRequest, ApiResponse, Route } from "./router.js";

export interface AuthOptions {
  /** The personal access token accepted as `Authorization: Bearer <token>`. */
  readonly token: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenTtlSeconds: number;
  readonly now: () => number;
  /** The user the PAT belongs to. */
  readonly userName: string;
  /** The emulator's base URL, known once the server listens. */
  readonly baseUrl: () => string;
  /** What `/.well-known/databricks-config` reports. */
  readonly workspaceId: string;
  readonly accountId: string;
}

interface IssuedToken {
  readonly expiresAt: number;
  readonly clientId: string;
}

function unauthenticated(message: string): ApiError {
  return new ApiError(401, "UNAUTHENTICATED", message);
}

/**
 * The workspace's authentication: its PAT, and OAuth machine-to-machine (client credentials) tokens that expire
 * by the emulator's clock and can be revoked. `authenticate` answers who is calling or throws a 401 with a
 * Databricks error body.
 */
export class WorkspaceAuth {
  readonly #options: AuthOptions;
  readonly #issued = new Map<string, IssuedToken>();

  constructor(options: AuthOptions) {
    this.#options = options;
  }

  /** The principal behind the request's bearer token: the PAT's user, or the OAuth client id. */
  authenticate(headers: IncomingHttpHeaders): string {
    const header = headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = match?.[1];
    if (token === undefined) {
      throw unauthenticated("Credential was not sent or was of an unsupported type for this API.");
    }
    if (safeEqual(token, this.#options.token)) return this.#options.userName;
    const issued = this.#issued.get(token);
    if (issued === undefined) throw unauthenticated("Invalid access token.");
    if (this.#options.now() >= issued.expiresAt)
      throw unauthenticated("Invalid access token: the token has expired.");
    return issued.clientId;
  }

  /** Every OAuth token issued so far stops working; the PAT keeps working. */
  revokeTokens(): void {
    this.#issued.clear();
  }

  /**
   * The routes a client calls before it has a token: host metadata (`/.well-known/databricks-config`, which
   * recent SDKs read to find the OIDC root), OIDC discovery, and the token endpoint.
   */
  routes(): Route[] {
    return [
      {
        method: "GET",
        pattern: "/.well-known/databricks-config",
        body: "none",
        authenticated: false,
        handler: () => ({
          status: 200,
          body: {
            oidc_endpoint: `${this.#options.baseUrl()}/oidc`,
            workspace_id: this.#options.workspaceId,
            account_id: this.#options.accountId,
            cloud: "AWS",
          },
        }),
      },
      {
        method: "GET",
        pattern: "/oidc/.well-known/oauth-authorization-server",
        body: "none",
        authenticated: false,
        handler: () => ({ status: 200, body: this.#discovery() }),
      },
      {
        method: "POST",
        pattern: "/oidc/v1/token",
        body: "form",
        authenticated: false,
        handler: (request) => this.#token(request),
      },
    ];
  }

  #discovery(): Record<string, unknown> {
    const oidc = `${this.#options.baseUrl()}/oidc`;
    return {
      issuer: oidc,
      authorization_endpoint: `${oidc}/v1/authorize`,
      token_endpoint: `${oidc}/v1/token`,
      jwks_uri: `${oidc}/jwks.json`,
      scopes_supported: ["all-apis", "offline_access", "openid", "profile", "email"],
      response_types_supported: ["code", "id_token"],
      response_modes_supported: ["query", "fragment", "form_post"],
      grant_types_supported: ["client_credentials", "authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      request_uri_parameter_supported: false,
    };
  }

  /**
   * Client-credentials grant. Errors here are OAuth's (RFC 6749 §5.2: `{ error, error_description }`), not
   * Databricks' API error body, as the real token endpoint answers.
   */
  #token(request: ApiRequest): ApiResponse {
    const form = request.body as Record<string, string>;
    const basic = parseBasic(request.headers.authorization);
    const clientId = basic?.id ?? form.client_id;
    const clientSecret = basic?.secret ?? form.client_secret;
    if (
      clientId === undefined ||
      clientSecret === undefined ||
      !safeEqual(clientId, this.#options.clientId) ||
      !safeEqual(clientSecret, this.#options.clientSecret)
    ) {
      return oauthError(401, "invalid_client", "Client authentication failed");
    }
    if (form.grant_type !== "client_credentials") {
      return oauthError(
        400,
        "unsupported_grant_type",
        `Grant type '${form.grant_type ?? ""}' is not supported`,
      );
    }
    const scope = form.scope ?? "all-apis";
    const ttl = this.#options.tokenTtlSeconds;
    const now = this.#options.now();
    const token = jwtShaped(clientId, scope, this.#options.baseUrl(), now, ttl);
    this.#issued.set(token, { expiresAt: now + ttl * 1000, clientId });
    return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: ttl, scope } };
  }
}

function oauthError(status: number, error: string, description: string): ApiResponse {
  return { status, body: { error, error_description: description } };
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = header === undefined ? null : /^Basic\s+(\S+)$/i.exec(header);
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/** RFC 6749 form-encodes credentials before Basic (Go's oauth2 does; most clients send them raw). */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return text;
  }
}

/** A token shaped like Databricks' (a JWT), unsigned: it is only ever looked up, never verified. */
function jwtShaped(clientId: string, scope: string, baseUrl: string, now: number, ttl: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const iat = Math.floor(now / 1000);
  return [
    part({ kid: "emulator", typ: "at+jwt", alg: "RS256" }),
    part({
      client_id: clientId,
      scope,
      sub: clientId,
      iss: `${baseUrl}/oidc`,
      aud: clientId,
      iat,
      exp: iat + ttl,
      jti: randomUUID(),
    }),
    randomBytes(32).toString("base64url"),
  ].join(".");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
