/**
 * The one place a config update's payload is built. `PUT …/{name}/config` (and `PUT …/pt/{name}/config`) REPLACE
 * the endpoint's config: every setting not sent is dropped. So an update starts from the endpoint as it is and
 * changes only what ptbot's target changes (the served model's version and band); everything else is carried over:
 * the served entity's name, environment variables, workload settings, the endpoint's other served entities, its
 * traffic routes (re-pointed when the changed entity's name changes) and its `auto_capture_config`. The AI gateway
 * and tags are separate resources (`PUT …/ai-gateway`, `PATCH …/tags`) that a config update leaves alone.
 */
import type { EndpointTarget } from "../domain/index.js";
import { configSpec, entitySpec } from "./endpoint-spec.js";
import type { EndpointConfigInput, ServedEntityInput } from "./endpoint-writes.js";
import { DatabricksApiError } from "./errors.js";
import type { EndpointConfig, ServedEntity, ServingEndpoint } from "./schemas.js";
import { endpointPath } from "./serving-endpoints.js";

/**
 * The config that moves `endpoint` to `target` and changes nothing else. The entity changed is the one serving the
 * target's model (Unity Catalog names compare case-insensitively); it must be the only one, since otherwise which
 * of them the request means cannot be told. An entity named by default (`<model>-<version>`) is renamed for its new
 * version, as Databricks would name it, and its traffic route follows; a name someone chose is kept.
 */
export function toConfigUpdateInput(endpoint: ServingEndpoint, target: EndpointTarget): EndpointConfigInput {
  const config: EndpointConfig | undefined = endpoint.config ?? endpoint.pending_config;
  const entities = config?.served_entities ?? [];
  const matches = entities.filter((e) => e.entity_name?.toLowerCase() === target.model.toLowerCase());
  const [changed, ...more] = matches;
  if (changed === undefined || more.length > 0) {
    throw new DatabricksApiError({
      code: "databricks_invalid",
      message:
        changed === undefined
          ? `endpoint ${endpoint.name} serves no version of ${target.model} to update`
          : `endpoint ${endpoint.name} serves ${matches.length} versions of ${target.model}; which one to update is ambiguous`,
      method: "PUT",
      path: `${endpointPath(endpoint.name)}/config`,
    });
  }
  const oldName = changed.name;
  const newName =
    oldName === undefined || oldName === defaultEntityName(changed)
      ? defaultEntityName({
          entity_name: changed.entity_name ?? target.model,
          entity_version: String(target.version),
        })
      : oldName;
  const served_entities = entities.map((e) =>
    e === changed ? moved(e, newName, target) : carried(e, e.name),
  );
  const routes = config?.traffic_config?.routes;
  const capture = config === undefined ? undefined : configSpec(config).auto_capture_config;
  return {
    served_entities,
    ...(routes === undefined || routes.length === 0
      ? {}
      : {
          traffic_config: {
            routes: routes.map((r) => ({
              served_entity_name: r.served_entity_name === oldName ? newName : (r.served_entity_name ?? ""),
              traffic_percentage: r.traffic_percentage,
            })),
          },
        }),
    ...(capture === undefined ? {} : { auto_capture_config: capture }),
  };
}

/** Databricks' default served-entity name: the last dotted part of the model's name, `-`, the version. */
export function defaultEntityName(entity: Pick<ServedEntity, "entity_name" | "entity_version">): string {
  const model = entity.entity_name ?? "";
  return `${model.split(".").at(-1) ?? model}-${entity.entity_version ?? ""}`;
}

/**
 * An entity as it is, in input fields only (see `endpoint-spec.ts`): what GET adds (`state`, `creator`, `min_dbus`,
 * …) is the service's own and not sent back.
 */
function carried(e: ServedEntity, name: string | undefined): ServedEntityInput {
  const { name: _name, ...spec } = entitySpec(e);
  const base = {
    ...spec,
    entity_name: e.entity_name ?? "",
    entity_version: e.entity_version ?? "",
    ...(name === undefined ? {} : { name }),
  };
  if (e.provisioned_model_units !== undefined)
    return { ...base, provisioned_model_units: e.provisioned_model_units };
  return {
    ...base,
    min_provisioned_throughput: e.min_provisioned_throughput ?? 0,
    max_provisioned_throughput: e.max_provisioned_throughput ?? 0,
  };
}

/** The changed entity: its settings and (new) name kept, its version and band the target's. */
function moved(e: ServedEntity, name: string, target: EndpointTarget): ServedEntityInput {
  const {
    name: _name,
    min_provisioned_throughput: _min,
    max_provisioned_throughput: _max,
    provisioned_model_units: _units,
    scale_to_zero_enabled: _scaleToZero,
    ...settings
  } = entitySpec(e);
  const base = {
    ...settings,
    entity_name: e.entity_name ?? target.model,
    entity_version: String(target.version),
    name,
  };
  const band = target.band;
  if (band.kind === "model_units") return { ...base, provisioned_model_units: band.units };
  return {
    ...base,
    min_provisioned_throughput: band.minTokensPerSecond,
    max_provisioned_throughput: band.maxTokensPerSecond,
    scale_to_zero_enabled: band.scaleToZero,
  };
}
