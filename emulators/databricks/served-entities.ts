import type { Catalog } from "./catalog.js";
import { type ApiError, invalidParameter } from "./errors.js";
import type { ServingTask } from "./seed-schema.js";

/** Which create/update route a config came through: tokens per second, or model units (`/pt`). */
export type CapacityKind = "throughput" | "model_units";

export type Capacity =
  | {
      readonly kind: "throughput";
      readonly min: number;
      readonly max: number;
      readonly scaleToZero: boolean;
      readonly chunk: number;
      readonly dbus: number | undefined;
    }
  | { readonly kind: "model_units"; readonly units: number; readonly chunk: number };

/** A validated served entity, with what the catalog knows about its model. */
export interface ServedEntity {
  readonly name: string;
  readonly entityName: string;
  /** A string on the wire, always. */
  readonly entityVersion: string;
  readonly modelType: string;
  /** Undefined: Databricks does not say (the endpoint shows no `task`). */
  readonly task: ServingTask | undefined;
  readonly embeddingDimensions: number | undefined;
  readonly capacity: Capacity;
  /** Echoed by GET as given (secret references `{{secrets/scope/key}}` included). */
  readonly environmentVars: Readonly<Record<string, string>> | undefined;
  readonly workloadType: string | undefined;
  readonly workloadSize: string | undefined;
}

/** Inference tables on the config (`auto_capture_config`), as given. */
export interface AutoCapture {
  readonly catalogName: string;
  readonly schemaName: string;
  readonly tableNamePrefix: string | undefined;
  readonly enabled: boolean;
}

export interface TrafficRoute {
  readonly servedEntityName: string;
  readonly trafficPercentage: number;
}

/**
 * A whole config, as the last create or `PUT …/config` gave it: an update replaces it, so what that PUT did not
 * send (environment variables, workload settings, other entities, routes, auto capture) is gone.
 */
export interface CoreConfig {
  readonly servedEntities: readonly ServedEntity[];
  readonly routes: readonly TrafficRoute[];
  readonly autoCapture: AutoCapture | undefined;
}

/**
 * The real limit (the SDKs' docs still say ten; the service takes 15: databricks-sdk-py#1496). The real message
 * for a 16th is not public; the error code is the one every config check answers.
 */
export const MAX_SERVED_ENTITIES = 15;

/** Endpoint and served entity names: letters, digits, `-`, `_`; 1 to 63 characters. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,63}$/;

/**
 * Validates a core config (`{ served_entities, traffic_config? }`) the way the serving API does, in the same order
 * (shape, catalog lookups, eligibility, capacity arithmetic, names, traffic), and answers the same errors:
 * 404 for an unknown model or version, 400 `INVALID_PARAMETER_VALUE` naming the offending field otherwise.
 */
export function validateCoreConfig(input: unknown, kind: CapacityKind, catalog: Catalog): CoreConfig {
  if (!isObject(input)) throw invalidParameter("The endpoint config must be an object.");
  if (input.served_models !== undefined) {
    throw invalidParameter(
      "served_models is deprecated and not accepted for provisioned throughput: use served_entities.",
    );
  }
  const raw = input.served_entities;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw invalidParameter("The endpoint config must specify at least one served entity in served_entities.");
  }
  if (raw.length > MAX_SERVED_ENTITIES) {
    throw invalidParameter(
      `An endpoint can serve at most ${MAX_SERVED_ENTITIES} served entities; the config has ${raw.length}.`,
    );
  }
  const servedEntities = raw.map((entity, i) => validateEntity(entity, i, kind, catalog));
  const names = new Set<string>();
  for (const e of servedEntities) {
    if (names.has(e.name)) {
      throw invalidParameter(
        `Served entity names must be unique within an endpoint: '${e.name}' appears twice.`,
      );
    }
    names.add(e.name);
  }
  return {
    servedEntities,
    routes: validateTraffic(input.traffic_config, servedEntities),
    autoCapture: validateAutoCapture(input.auto_capture_config),
  };
}

/** GPU workload types the serving API names; provisioned throughput entities usually send none. */
const WORKLOAD_TYPES = ["CPU", "GPU_SMALL", "GPU_MEDIUM", "GPU_LARGE", "MULTIGPU_MEDIUM"];
const WORKLOAD_SIZES = ["Small", "Medium", "Large"];

function validateSettings(raw: Record<string, unknown>, where: string) {
  const env = raw.environment_vars;
  if (
    env !== undefined &&
    env !== null &&
    (!isObject(env) || !Object.values(env).every((v) => typeof v === "string"))
  ) {
    throw invalidParameter(`${where}.environment_vars must be a map of strings to strings.`);
  }
  for (const [field, allowed] of [
    ["workload_type", WORKLOAD_TYPES],
    ["workload_size", WORKLOAD_SIZES],
  ] as const) {
    const value = raw[field];
    if (value !== undefined && value !== null && (typeof value !== "string" || !allowed.includes(value))) {
      throw invalidParameter(
        `Invalid value for ${where}.${field}: ${JSON.stringify(value)}; expected one of ${allowed.join(", ")}.`,
      );
    }
  }
  return {
    environmentVars: isObject(env) ? (env as Record<string, string>) : undefined,
    workloadType: typeof raw.workload_type === "string" ? raw.workload_type : undefined,
    workloadSize: typeof raw.workload_size === "string" ? raw.workload_size : undefined,
  };
}

function validateAutoCapture(raw: unknown): AutoCapture | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw) || typeof raw.catalog_name !== "string" || typeof raw.schema_name !== "string") {
    throw invalidParameter("auto_capture_config needs catalog_name and schema_name.");
  }
  if (raw.table_name_prefix !== undefined && typeof raw.table_name_prefix !== "string") {
    throw invalidParameter("auto_capture_config.table_name_prefix must be a string.");
  }
  return {
    catalogName: raw.catalog_name,
    schemaName: raw.schema_name,
    tableNamePrefix: raw.table_name_prefix,
    enabled: optionalBoolean(raw.enabled ?? true, "auto_capture_config.enabled"),
  };
}

function validateEntity(raw: unknown, index: number, kind: CapacityKind, catalog: Catalog): ServedEntity {
  const where = `served_entities[${index}]`;
  if (!isObject(raw)) throw invalidParameter(`${where} must be an object.`);
  if (raw.external_model !== undefined) {
    throw invalidParameter(`${where}: external models cannot be served with provisioned throughput.`);
  }
  const entityName = raw.entity_name;
  if (typeof entityName !== "string" || entityName === "") {
    throw invalidParameter(
      `${where}.entity_name must be specified as the model's full name (catalog.schema.model).`,
    );
  }
  const entityVersion = raw.entity_version;
  if (entityVersion === undefined || entityVersion === null) {
    throw invalidParameter(
      `${where}.entity_version must be specified for Unity Catalog model '${entityName}'.`,
    );
  }
  // The API takes the version as a string or a JSON number (the Python SDK sends what it is given:
  // databricks-sdk-py#1081 sends 1), and answers it as a string.
  if (
    typeof entityVersion !== "string" &&
    !(typeof entityVersion === "number" && Number.isSafeInteger(entityVersion) && entityVersion > 0)
  ) {
    throw invalidParameter(
      `Invalid value for ${where}.entity_version: expected a version number but got ${JSON.stringify(entityVersion)}.`,
    );
  }
  const version = String(entityVersion);
  const found = catalog.version(entityName, version);
  if (found.version.status !== "READY") {
    throw invalidParameter(
      `Model version ${found.version.version} of '${entityName}' cannot be served: its status is ` +
        `${found.version.status}, and only READY versions can be served.`,
    );
  }
  const info = catalog.optimization(found);
  if (!info.optimizable) throw notEligible(entityName);
  const capacity =
    info.model_unit_chunk_size !== undefined
      ? modelUnits(raw, where, entityName, kind, info.model_unit_chunk_size)
      : throughput(raw, where, entityName, kind, info.throughput_chunk_size ?? 1, info.dbus);
  return {
    name: entityNameField(raw.name, where, entityName, version),
    entityName,
    entityVersion: version,
    modelType: info.model_type ?? "unknown",
    task: catalog.task(found.model),
    embeddingDimensions: found.model.embedding_dimensions,
    capacity,
    ...validateSettings(raw, where),
  };
}

/**
 * The real refusal of a served entity that cannot be provisioned this way: a model that is not optimizable, or one
 * sent to the wrong route (a model-unit model to `/serving-endpoints`, as databricks-sdk-py#1081 shows word for
 * word; the mirror case, a tokens-per-second model to `/pt`, is assumed to read the same).
 */
function notEligible(entityName: string): ApiError {
  return invalidParameter(`Served entity ${entityName} is not eligible for Provisioned Throughput.`);
}

function throughput(
  raw: Record<string, unknown>,
  where: string,
  entityName: string,
  kind: CapacityKind,
  chunk: number,
  dbus: number | undefined,
): Capacity {
  if (kind === "model_units") throw notEligible(entityName);
  if (raw.provisioned_model_units !== undefined) {
    throw invalidParameter(
      `${where}.provisioned_model_units is not supported for '${entityName}', which is provisioned in tokens per ` +
        "second: use min_provisioned_throughput and max_provisioned_throughput.",
    );
  }
  if (raw.max_provisioned_throughput === undefined) {
    throw invalidParameter(
      `${where}.max_provisioned_throughput must be specified for a provisioned throughput model.`,
    );
  }
  const max = nonNegativeInteger(raw.max_provisioned_throughput, `${where}.max_provisioned_throughput`);
  const min =
    raw.min_provisioned_throughput === undefined
      ? 0
      : nonNegativeInteger(raw.min_provisioned_throughput, `${where}.min_provisioned_throughput`);
  const scaleToZero = optionalBoolean(raw.scale_to_zero_enabled, `${where}.scale_to_zero_enabled`);
  if (max === 0) throw invalidParameter(`${where}.max_provisioned_throughput must be greater than 0.`);
  for (const [field, value] of [
    ["min_provisioned_throughput", min],
    ["max_provisioned_throughput", max],
  ] as const) {
    if (value % chunk !== 0) {
      const below = Math.floor(value / chunk) * chunk;
      throw invalidParameter(
        `${where}.${field} (${value}) must be a multiple of the throughput chunk size ${chunk} tokens/second ` +
          `for model '${entityName}'; the nearest valid values are ${below} and ${below + chunk}.`,
      );
    }
  }
  if (min > max) {
    throw invalidParameter(
      `${where}.min_provisioned_throughput (${min}) must be less than or equal to max_provisioned_throughput (${max}).`,
    );
  }
  if (min === 0 && !scaleToZero) {
    throw invalidParameter(
      `${where}.min_provisioned_throughput is 0 but scale_to_zero_enabled is not true: enable scale to zero or ` +
        `set min_provisioned_throughput to at least ${chunk}.`,
    );
  }
  return { kind: "throughput", min, max, scaleToZero, chunk, dbus };
}

function modelUnits(
  raw: Record<string, unknown>,
  where: string,
  entityName: string,
  kind: CapacityKind,
  chunk: number,
): Capacity {
  if (kind === "throughput") throw notEligible(entityName);
  for (const field of ["min_provisioned_throughput", "max_provisioned_throughput"]) {
    if (raw[field] !== undefined) {
      throw invalidParameter(
        `${where}.${field} is not supported for '${entityName}', which is provisioned in model units: ` +
          "use provisioned_model_units.",
      );
    }
  }
  if (raw.provisioned_model_units === undefined) {
    throw invalidParameter(`${where}.provisioned_model_units must be specified.`);
  }
  const units = nonNegativeInteger(raw.provisioned_model_units, `${where}.provisioned_model_units`);
  if (units === 0 || units % chunk !== 0) {
    throw invalidParameter(
      `${where}.provisioned_model_units (${units}) must be a positive multiple of the model unit chunk size ` +
        `${chunk} for model '${entityName}'.`,
    );
  }
  return { kind: "model_units", units, chunk };
}

function entityNameField(raw: unknown, where: string, entityName: string, version: string): string {
  if (raw === undefined || raw === null || raw === "") return defaultServedEntityName(entityName, version);
  if (typeof raw !== "string" || !NAME_PATTERN.test(raw)) {
    throw invalidParameter(
      `${where}.name must consist of letters, digits, dashes and underscores (1 to 63 characters); got ${JSON.stringify(raw)}.`,
    );
  }
  return raw;
}

/** `<last dotted part of the entity name>-<version>`, e.g. `llama-13b-3`. */
export function defaultServedEntityName(entityName: string, version: string): string {
  return `${entityName.split(".").at(-1) ?? entityName}-${version}`;
}

function validateTraffic(raw: unknown, entities: readonly ServedEntity[]): TrafficRoute[] {
  if (raw === undefined || raw === null) {
    const [only] = entities;
    if (entities.length !== 1 || only === undefined) {
      throw invalidParameter(
        "traffic_config must be specified when an endpoint serves more than one entity.",
      );
    }
    return [{ servedEntityName: only.name, trafficPercentage: 100 }];
  }
  if (!isObject(raw) || !Array.isArray(raw.routes) || raw.routes.length === 0) {
    throw invalidParameter("traffic_config.routes must be a non-empty list.");
  }
  const names = new Set(entities.map((e) => e.name));
  const seen = new Set<string>();
  let total = 0;
  const routes = raw.routes.map((route: unknown, i) => {
    const where = `traffic_config.routes[${i}]`;
    if (!isObject(route)) throw invalidParameter(`${where} must be an object.`);
    const name = route.served_entity_name ?? route.served_model_name;
    if (typeof name !== "string" || !names.has(name)) {
      throw invalidParameter(
        `${where}.served_entity_name ${JSON.stringify(name)} is not a served entity of this config.`,
      );
    }
    if (seen.has(name)) throw invalidParameter(`${where}: served entity '${name}' has more than one route.`);
    seen.add(name);
    const pct = route.traffic_percentage;
    if (typeof pct !== "number" || !Number.isInteger(pct) || pct < 0 || pct > 100) {
      throw invalidParameter(`${where}.traffic_percentage must be an integer from 0 to 100.`);
    }
    total += pct;
    return { servedEntityName: name, trafficPercentage: pct };
  });
  if (total !== 100)
    throw invalidParameter(`The traffic percentages must add up to 100; they add up to ${total}.`);
  return routes;
}

function nonNegativeInteger(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw invalidParameter(`${field} must be a non-negative integer; got ${JSON.stringify(value)}.`);
  }
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean")
    throw invalidParameter(`${field} must be a boolean; got ${JSON.stringify(value)}.`);
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
