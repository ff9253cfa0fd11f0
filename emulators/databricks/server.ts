import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WorkspaceAuth } from "./auth.js";
import { Catalog } from "./catalog.js";
import { EndpointStore, type ProvisioningFailure } from "./endpoint-store.js";
import { renderEndpoint } from "./endpoint-view.js";
import { ApiError, DatabricksEmulatorError } from "./errors.js";
import { FaultQueue, type FaultSpec, faultError } from "./faults.js";
import { renderForeignEndpoint } from "./foreign-endpoints.js";
import { bodyForLog, parseBody, readBody, sendJson } from "./http-io.js";
import { invocationRoutes } from "./invocations.js";
import { endpointStatus } from "./life-cycle.js";
import { type RecordedRequest, RequestLog } from "./request-log.js";
import { type ApiResponse, createRouter, type Router } from "./router.js";
import { defaultSeed, type ParsedSeed, parseSeed, type Seed } from "./seed-schema.js";
import { type CapacityKind, NAME_PATTERN, validateCoreConfig } from "./served-entities.js";
import { servingRoutes } from "./serving-handlers.js";
import { unityCatalogRoutes } from "./unity-catalog-handlers.js";

export interface DatabricksEmulatorOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The PAT it accepts; default a realistic `dapi` + 32 hex characters. */
  readonly token?: string;
  /** The OAuth M2M client it accepts; defaults: a UUID and a `dose…` secret. */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Default: `default-seed.json`. Validated like a seed file. */
  readonly seed?: Seed;
  /** Time from create/update to done, by the emulator's clock; default 3000. */
  readonly provisioningMs?: number;
  /** The emulator's clock (ms); all life-cycle timing, token expiry and request times read it. Default `Date.now`. */
  readonly now?: () => number;
  /** Real time each invocation takes to answer (a model generating); default 0. */
  readonly invocationLatencyMs?: number;
  /** Lifetime of issued OAuth tokens; default 3600. */
  readonly tokenTtlSeconds?: number;
  /** Called once per request when it is answered (or dropped); the CLI prints them. */
  readonly onRequest?: (request: RecordedRequest) => void;
}

export interface DatabricksEmulator {
  /** e.g. `http://127.0.0.1:41234`, no trailing slash: the `DATABRICKS_HOST`. */
  readonly url: string;
  readonly token: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The user the PAT belongs to (the `creator` of what PAT calls create). */
  readonly userName: string;
  readonly requests: readonly RecordedRequest[];
  requestsTo(method: string, pathPattern: string | RegExp): RecordedRequest[];
  clearRequests(): void;
  /** Applies to deployments that start from now on. */
  setProvisioningMs(ms: number): void;
  /** Real time each invocation takes from now on. */
  setInvocationLatencyMs(ms: number): void;
  /** Fails the endpoint's deployment in progress, or else the next one that starts under that name. */
  failProvisioning(endpointName: string, failure?: ProvisioningFailure): void;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** OAuth tokens issued so far become invalid (401); the PAT is unaffected. */
  revokeTokens(): void;
  /** The GET view of an endpoint as of now, or undefined when there is none. */
  endpoint(name: string): unknown | undefined;
  /** Clock time at which the endpoint's present `state` began. */
  stateChangedAt(name: string): number | undefined;
  close(): Promise<void>;
}

const DEFAULT_USER = "emulator-user@example.com";
const DEFAULT_METASTORE = "00000000-0000-4000-a000-000000000000";
const DEFAULT_WORKSPACE_ID = 1234567890123456;
const DEFAULT_ACCOUNT = "7d2f6b1e-3c4a-4e5f-9a8b-0c1d2e3f4a5b";

/** Starts a loopback Databricks workspace that speaks the real REST wire format. */
export async function startDatabricksEmulator(
  options: DatabricksEmulatorOptions = {},
): Promise<DatabricksEmulator> {
  const now = options.now ?? Date.now;
  const seed = options.seed === undefined ? defaultSeed() : parseSeed(options.seed);
  const token = options.token ?? `dapi${randomBytes(16).toString("hex")}`;
  const clientId = options.clientId ?? randomUUID();
  const clientSecret = options.clientSecret ?? `dose${randomBytes(16).toString("hex")}`;
  const userName = seed.workspace?.user_name ?? DEFAULT_USER;
  const workspaceId = String(seed.workspace?.workspace_id ?? DEFAULT_WORKSPACE_ID);
  let url = "";

  const catalog = new Catalog(seed.models, seed.workspace?.metastore_id ?? DEFAULT_METASTORE);
  const store = new EndpointStore({ now, provisioningMs: checkedMs(options.provisioningMs ?? 3000) });
  seedEndpoints(seed, catalog, store, now, userName);
  const auth = new WorkspaceAuth({
    token,
    clientId,
    clientSecret,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    now,
    userName,
    baseUrl: () => url,
    workspaceId,
    accountId: seed.workspace?.account_id ?? DEFAULT_ACCOUNT,
  });
  const faults = new FaultQueue();
  const log = new RequestLog(options.onRequest);
  let invocationLatencyMs = checkedMs(options.invocationLatencyMs ?? 0);
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  const router = createRouter([
    ...auth.routes(),
    ...unityCatalogRoutes(catalog),
    ...servingRoutes({ catalog, store, now }),
    ...invocationRoutes({ store, now, latencyMs: () => invocationLatencyMs, sleep }),
  ]);

  const server = createServer((req, res) => {
    void handle({ req, res, router, auth, faults, log, now, sleep, workspaceId });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  url = `http://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    token,
    clientId,
    clientSecret,
    userName,
    get requests() {
      return log.entries;
    },
    requestsTo: (method, pathPattern) => log.matching(method, pathPattern),
    clearRequests: () => log.clear(),
    setProvisioningMs: (ms) => store.setProvisioningMs(checkedMs(ms)),
    setInvocationLatencyMs: (ms) => {
      invocationLatencyMs = checkedMs(ms);
    },
    failProvisioning: (name, failure = {}) => store.failProvisioning(name, failure),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    revokeTokens: () => auth.revokeTokens(),
    endpoint: (name) => {
      const foreign = store.findForeign(name);
      if (foreign !== undefined) return renderForeignEndpoint(foreign);
      const record = store.find(name);
      return record === undefined ? undefined : renderEndpoint(record, endpointStatus(record, now()));
    },
    stateChangedAt: (name) => {
      const record = store.find(name);
      return record === undefined ? undefined : endpointStatus(record, now()).stateSince;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

interface HandleContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly router: Router;
  readonly auth: WorkspaceAuth;
  readonly faults: FaultQueue;
  readonly log: RequestLog;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly workspaceId: string;
}

/** One request: log it, apply any fault, authenticate, route, answer. Never throws. */
async function handle(ctx: HandleContext): Promise<void> {
  const { req, res } = ctx;
  const method = (req.method ?? "GET").toUpperCase();
  const target = new URL(req.url ?? "/", "http://emulator.invalid");
  const entry = ctx.log.start({
    method,
    path: target.pathname,
    query: target.searchParams,
    headers: req.headers,
    time: ctx.now(),
  });
  let raw: string;
  try {
    raw = await readBody(req);
  } catch {
    entry.finish(0);
    return;
  }
  entry.setBody(bodyForLog(raw, req.headers["content-type"]));

  const fault = ctx.faults.take(method, target.pathname, raw);
  if (fault?.kind === "drop") {
    req.socket.destroy();
    entry.finish(0);
    return;
  }
  if (fault?.kind === "delay") await ctx.sleep(fault.ms);

  let response: ApiResponse;
  if (fault?.kind === "status") {
    const { errorCode, message } = faultError(fault);
    response = errorResponse(
      new ApiError(fault.status, errorCode, message, {
        headers:
          fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) },
      }),
    );
  } else {
    response = await dispatch(ctx, method, target, raw);
  }
  if (fault?.kind === "drop-after") {
    req.socket.destroy();
    entry.finish(0);
    return;
  }
  if (fault?.kind === "delay-after") await ctx.sleep(fault.ms);
  const requestId = randomUUID();
  sendJson(res, withRequestInfo(response, requestId), {
    "x-request-id": requestId,
    "x-databricks-org-id": ctx.workspaceId,
  });
  entry.finish(response.status, requestId);
}

async function dispatch(ctx: HandleContext, method: string, target: URL, raw: string): Promise<ApiResponse> {
  try {
    const match = ctx.router.match(method, target.pathname);
    const principal =
      match === undefined || match.route.authenticated ? ctx.auth.authenticate(ctx.req.headers) : "";
    if (match === undefined) {
      throw new ApiError(404, "ENDPOINT_NOT_FOUND", `No API found for '${method} ${target.pathname}'`);
    }
    return await match.route.handler({
      method,
      path: target.pathname,
      params: match.params,
      query: target.searchParams,
      headers: ctx.req.headers,
      body: parseBody(match.route.body, raw),
      principal,
    });
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error);
    return errorResponse(new ApiError(500, "INTERNAL_ERROR", `Emulator error: ${(error as Error).message}`));
  }
}

function errorResponse(error: ApiError): ApiResponse {
  return { status: error.status, body: error.toBody(), headers: error.headers };
}

/** Databricks error bodies carry a `google.rpc.RequestInfo` detail with the request id. */
function withRequestInfo(response: ApiResponse, requestId: string): ApiResponse {
  const body = response.body as Record<string, unknown> | null;
  if (
    response.status < 400 ||
    body === null ||
    typeof body.error_code !== "string" ||
    body.details !== undefined
  ) {
    return response;
  }
  return {
    ...response,
    body: {
      ...body,
      details: [
        { "@type": "type.googleapis.com/google.rpc.RequestInfo", request_id: requestId, serving_data: "" },
      ],
    },
  };
}

/**
 * Creates the seed's endpoints, validated like API calls; READY and FAILED ones finished just now. Other teams'
 * endpoints (`foreign_endpoints`) are added as they are.
 */
function seedEndpoints(
  seed: ParsedSeed,
  catalog: Catalog,
  store: EndpointStore,
  now: () => number,
  user: string,
) {
  for (const e of seed.foreign_endpoints ?? []) store.addForeign(e);
  for (const e of seed.endpoints ?? []) {
    try {
      if (!NAME_PATTERN.test(e.name)) throw new Error("invalid endpoint name");
      const first = e.served_entities[0];
      const entityName = typeof first?.entity_name === "string" ? first.entity_name : "";
      const kind: CapacityKind =
        catalog.model(entityName).optimization.model_unit_chunk_size === undefined
          ? "throughput"
          : "model_units";
      const config = validateCoreConfig(
        {
          served_entities: e.served_entities,
          traffic_config: e.traffic_config,
          auto_capture_config: e.auto_capture_config,
        },
        kind,
        catalog,
      );
      const state = e.state ?? "READY";
      if (state === "FAILED") {
        store.failProvisioning(e.name, {
          ...(e.failure?.kind === undefined ? {} : { kind: e.failure.kind }),
          ...(e.failure?.message === undefined ? {} : { message: e.failure.message }),
          ...(e.failure?.build_logs === undefined ? {} : { buildLogs: e.failure.build_logs }),
        });
      }
      store.create({
        name: e.name,
        config,
        tags: (e.tags ?? []).map((t) =>
          t.value === undefined ? { key: t.key } : { key: t.key, value: t.value },
        ),
        creator: e.creator ?? user,
        ...(e.ai_gateway === undefined ? {} : { aiGateway: e.ai_gateway }),
        startTime: state === "IN_PROGRESS" ? now() : now() - store.provisioningMs,
      });
    } catch (cause) {
      throw new DatabricksEmulatorError(
        "emulator_seed_invalid",
        `seed endpoint ${e.name}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
}

function checkedMs(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new DatabricksEmulatorError(
      "emulator_option_invalid",
      `provisioningMs must be a non-negative number; got ${ms}`,
    );
  }
  return ms;
}
