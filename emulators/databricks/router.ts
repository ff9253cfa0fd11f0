import type { IncomingHttpHeaders } from "node:http";

/** What a handler sees of a request: the path parameters decoded, the body already parsed. */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON object for `json` routes, field map for `form` routes, undefined for `none`. */
  readonly body: unknown;
  /** Who the credentials belong to (a user name, or the OAuth client id); empty on unauthenticated routes. */
  readonly principal: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (request: ApiRequest) => ApiResponse | Promise<ApiResponse>;

export interface Route {
  readonly method: string;
  /** Literal segments and `{param}` segments, e.g. `/api/2.0/serving-endpoints/{name}/config`. */
  readonly pattern: string;
  /** How the body is read; `json` answers malformed bodies with 400 `MALFORMED_REQUEST`. */
  readonly body: "json" | "form" | "none";
  /** False for the few routes a client calls before it has a token (OAuth discovery and token). */
  readonly authenticated: boolean;
  readonly handler: Handler;
}

export interface RouteMatch {
  readonly route: Route;
  readonly params: Readonly<Record<string, string>>;
}

export interface Router {
  match(method: string, pathname: string): RouteMatch | undefined;
}

type Segment = { readonly literal: string } | { readonly param: string };

/**
 * A first-match router over `/`-separated segments. A `{param}` matches exactly one non-empty segment, so model
 * names with dots and dashes (`ml.llm-catalog.llama-13b`) come through whole; segments are URI-decoded.
 */
export function createRouter(routes: readonly Route[]): Router {
  const compiled = routes.map((route) => ({ route, segments: compile(route.pattern) }));
  return {
    match(method, pathname) {
      const parts = pathname.split("/").slice(1);
      for (const { route, segments } of compiled) {
        if (route.method !== method || segments.length !== parts.length) continue;
        const params = matchSegments(segments, parts);
        if (params !== undefined) return { route, params };
      }
      return undefined;
    },
  };
}

function compile(pattern: string): Segment[] {
  return pattern
    .split("/")
    .slice(1)
    .map((s) => (s.startsWith("{") && s.endsWith("}") ? { param: s.slice(1, -1) } : { literal: s }));
}

function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i] ?? "";
    if ("literal" in segment) {
      if (part !== segment.literal) return undefined;
      continue;
    }
    if (part === "") return undefined;
    try {
      params[segment.param] = decodeURIComponent(part);
    } catch {
      return undefined;
    }
  }
  return params;
}
