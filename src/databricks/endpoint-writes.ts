import type { Logger } from "../logger.js";
import { DatabricksApiError, isConflict, isNotFound } from "./errors.js";
import { deployingConfig } from "./pending-config.js";
import type { EndpointConfig, EndpointTag, ServedEntity, ServingEndpoint } from "./schemas.js";
import { ServingEndpointSchema } from "./schemas.js";
import { ENDPOINTS_PATH, endpointPath, getServingEndpoint } from "./serving-endpoints.js";
import type { DatabricksTransport } from "./transport.js";

/**
 * A served entity's settings other than its model and size, which an update carries over from the endpoint as it
 * is (a `PUT …/config` replaces the whole config: a setting not sent is dropped).
 */
export interface EntitySettingsInput {
  /** Values may be secret references (`{{secrets/scope/key}}`); sent back exactly as read. */
  readonly environment_vars?: Readonly<Record<string, string>>;
  readonly workload_type?: string;
  readonly workload_size?: string;
  readonly instance_profile_arn?: string;
  readonly burst_scaling_enabled?: boolean;
}

/** A served entity sized in tokens/second (`POST /api/2.0/serving-endpoints`). */
export interface ThroughputEntityInput extends EntitySettingsInput {
  readonly entity_name: string;
  /** Sent as a string, as the API requires. */
  readonly entity_version: string | number;
  readonly name?: string;
  readonly min_provisioned_throughput: number;
  readonly max_provisioned_throughput: number;
  readonly scale_to_zero_enabled?: boolean;
}

/** A served entity sized in model units (`POST /api/2.0/serving-endpoints/pt`). */
export interface ModelUnitEntityInput extends EntitySettingsInput {
  readonly entity_name: string;
  readonly entity_version: string | number;
  readonly name?: string;
  readonly provisioned_model_units: number;
}

export type ServedEntityInput = ThroughputEntityInput | ModelUnitEntityInput;

export interface EndpointConfigInput {
  /** All sized the same way: the route (tokens/second or model units) follows from their fields. */
  readonly served_entities: readonly ServedEntityInput[];
  readonly traffic_config?: {
    readonly routes: readonly { readonly served_entity_name: string; readonly traffic_percentage: number }[];
  };
  /** Inference tables (the older, per-config way to log requests); carried over by an update when set. */
  readonly auto_capture_config?: {
    readonly catalog_name?: string;
    readonly schema_name?: string;
    readonly table_name_prefix?: string;
    readonly enabled?: boolean;
  };
}

export interface CreateEndpointInput {
  readonly name: string;
  readonly config: EndpointConfigInput;
  readonly tags?: readonly EndpointTag[];
}

export interface WriteOptions {
  /** Sends in all, counting those made after a read-back showed the first one had not landed. Default 3. */
  readonly maxAttempts?: number;
  readonly logger?: Logger;
}

type Route = "tokens" | "model_units";

function routeOf(config: EndpointConfigInput, method: string, path: string): Route {
  const entities = config.served_entities;
  const units = entities.filter((e) => "provisioned_model_units" in e).length;
  if (entities.length > 0 && units === entities.length) return "model_units";
  if (entities.length > 0 && units === 0) return "tokens";
  throw new DatabricksApiError({
    code: "databricks_invalid",
    message:
      entities.length === 0
        ? "a serving endpoint config needs at least one served entity"
        : "served entities mix model units and tokens/second; one endpoint uses one or the other",
    method,
    path,
  });
}

function wireConfig(config: EndpointConfigInput) {
  return {
    served_entities: config.served_entities.map((e) => ({ ...e, entity_version: String(e.entity_version) })),
    ...(config.traffic_config === undefined ? {} : { traffic_config: config.traffic_config }),
    ...(config.auto_capture_config === undefined ? {} : { auto_capture_config: config.auto_capture_config }),
  };
}

/**
 * Creates an endpoint, on the tokens/second route or the model-unit route (`/pt`) as its entities say. Never blindly
 * re-sent: when the answer is lost (timeout, dropped connection, 504) it reads the endpoint back by name. Serving the
 * requested entities and versions → that was this create, returned. Absent → created again (at most `maxAttempts`
 * sends in all). Serving something else → `databricks_conflict`. A 429/503 means nothing was done and is retried by
 * the request core as usual. A first-attempt 409 (the name is taken) is returned as the conflict it is.
 */
export async function createServingEndpoint(
  api: DatabricksTransport,
  input: CreateEndpointInput,
  options: WriteOptions = {},
): Promise<ServingEndpoint> {
  const path =
    routeOf(input.config, "POST", ENDPOINTS_PATH) === "model_units" ? `${ENDPOINTS_PATH}/pt` : ENDPOINTS_PATH;
  const body = {
    name: input.name,
    config: wireConfig(input.config),
    ...(input.tags === undefined ? {} : { tags: input.tags }),
  };
  return writeWithReadBack(api, options, {
    name: input.name,
    send: () => api.call({ method: "POST", path, body, schema: ServingEndpointSchema, idempotent: false }),
    landed: (endpoint) =>
      configServes(deployingConfig(endpoint), input.config, false) ||
      configServes(endpoint.config, input.config, false),
    missing: "send",
    conflictCode: "RESOURCE_ALREADY_EXISTS",
    describeOther: (endpoint) =>
      `endpoint ${input.name} already exists and serves ${describe(endpoint)}, not ${describeInput(input.config)}`,
  });
}

/**
 * Replaces an endpoint's config: `PUT …/{name}/config` with a flat body, or `PUT …/pt/{name}/config` with
 * `{ config }` for model units. A lost answer is reconciled like a create: a `pending_config` (or a finished `config`)
 * with the requested entities and sizes means it landed; another update in progress → `databricks_conflict`.
 */
export async function updateServingEndpointConfig(
  api: DatabricksTransport,
  name: string,
  config: EndpointConfigInput,
  options: WriteOptions = {},
): Promise<ServingEndpoint> {
  const modelUnits = routeOf(config, "PUT", `${endpointPath(name)}/config`) === "model_units";
  const path = modelUnits
    ? `${ENDPOINTS_PATH}/pt/${encodeURIComponent(name)}/config`
    : `${endpointPath(name)}/config`;
  const body = modelUnits ? { config: wireConfig(config) } : wireConfig(config);
  return writeWithReadBack(api, options, {
    name,
    send: () => api.call({ method: "PUT", path, body, schema: ServingEndpointSchema, idempotent: false }),
    landed: (endpoint) =>
      configServes(deployingConfig(endpoint), config, true) ||
      (endpoint.state.config_update !== "IN_PROGRESS" && configServes(endpoint.config, config, true)),
    missing: "fail",
    conflictCode: "RESOURCE_CONFLICT",
    describeOther: (endpoint) =>
      deployingConfig(endpoint) === undefined
        ? undefined
        : `another update of endpoint ${name} is in progress (deploying ${describe(endpoint)})`,
  });
}

interface WritePlan {
  readonly name: string;
  readonly send: () => Promise<ServingEndpoint>;
  /** Read back after a lost answer: does the endpoint show this write? */
  readonly landed: (endpoint: ServingEndpoint) => boolean;
  /** What a read-back that finds no endpoint means: send again (create) or give up (update). */
  readonly missing: "send" | "fail";
  /** Why the endpoint as read back rules out sending again; undefined when sending again is fine. */
  readonly describeOther: (endpoint: ServingEndpoint) => string | undefined;
  /** The Databricks `error_code` a refusal found by read-back carries. */
  readonly conflictCode: "RESOURCE_ALREADY_EXISTS" | "RESOURCE_CONFLICT";
}

async function writeWithReadBack(
  api: DatabricksTransport,
  options: WriteOptions,
  plan: WritePlan,
): Promise<ServingEndpoint> {
  const maxAttempts = options.maxAttempts ?? 3;
  let lost: DatabricksApiError | undefined;
  for (let attempt = 1; ; attempt++) {
    let error: unknown;
    try {
      return await plan.send();
    } catch (caught) {
      error = caught;
    }
    if (!(error instanceof DatabricksApiError)) throw error;
    if (error.outcomeUnknown) lost = error;
    // After a lost answer, a conflict may be our own earlier send that landed meanwhile: read back as well.
    else if (lost === undefined || !isConflict(error)) throw error;

    let endpoint: ServingEndpoint | undefined;
    try {
      endpoint = await getServingEndpoint(api, plan.name);
    } catch (readError) {
      if (!isNotFound(readError)) {
        // Unknown is all we can say; the caller (the tracker) reads back again later.
        options.logger?.warn({ endpoint: plan.name, err: readError }, "databricks read-back failed");
        throw lost;
      }
      if (plan.missing === "fail") throw readError;
    }
    const landed = endpoint !== undefined && plan.landed(endpoint);
    options.logger?.info(
      {
        endpoint: plan.name,
        attempt,
        lost: lost.code,
        found: endpoint === undefined ? "nothing" : landed ? "ours" : "other",
      },
      "databricks write read back",
    );
    if (endpoint !== undefined) {
      if (landed) return endpoint;
      const other = plan.describeOther(endpoint);
      if (other !== undefined) {
        throw new DatabricksApiError({
          code: "databricks_conflict",
          message: other,
          method: lost.method,
          path: lost.path,
          errorCode: plan.conflictCode,
        });
      }
    }
    if (attempt >= maxAttempts) throw lost;
  }
}

function sameEntity(actual: ServedEntity, wanted: ServedEntityInput, sizes: boolean): boolean {
  if (actual.entity_name !== wanted.entity_name) return false;
  if (actual.entity_version !== String(wanted.entity_version)) return false;
  if (!sizes) return true;
  if ("provisioned_model_units" in wanted)
    return actual.provisioned_model_units === wanted.provisioned_model_units;
  return (
    actual.min_provisioned_throughput === wanted.min_provisioned_throughput &&
    actual.max_provisioned_throughput === wanted.max_provisioned_throughput
  );
}

function configServes(
  config: EndpointConfig | undefined,
  wanted: EndpointConfigInput,
  sizes: boolean,
): boolean {
  if (config === undefined) return false;
  return wanted.served_entities.every((w) => config.served_entities.some((a) => sameEntity(a, w, sizes)));
}

function describe(endpoint: ServingEndpoint): string {
  const entities = (deployingConfig(endpoint) ?? endpoint.config)?.served_entities ?? [];
  if (entities.length === 0) return "nothing yet";
  return entities.map((e) => `${e.entity_name ?? "?"} v${e.entity_version ?? "?"}`).join(", ");
}

function describeInput(config: EndpointConfigInput): string {
  return config.served_entities.map((e) => `${e.entity_name} v${e.entity_version}`).join(", ");
}
