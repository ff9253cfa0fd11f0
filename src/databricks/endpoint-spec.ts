/**
 * An endpoint as it is, in the field names a create or update takes (what GET adds, such as `state`, `creator` or
 * `min_dbus`, left out): what a config update carries over (`config-update.ts`) and what an export writes out.
 */
import type { EntitySettingsInput } from "./endpoint-writes.js";
import type { EndpointConfig, EndpointTag, ServedEntity, ServingEndpoint } from "./schemas.js";

/** A served entity's input fields, those the endpoint has only. */
export interface ServedEntitySpec extends EntitySettingsInput {
  readonly name?: string;
  readonly entity_name?: string;
  readonly entity_version?: string;
  readonly min_provisioned_throughput?: number;
  readonly max_provisioned_throughput?: number;
  readonly provisioned_model_units?: number;
  readonly scale_to_zero_enabled?: boolean;
}

export interface TrafficRouteSpec {
  readonly served_entity_name: string;
  readonly traffic_percentage: number;
}

export interface AutoCaptureSpec {
  readonly catalog_name?: string;
  readonly schema_name?: string;
  readonly table_name_prefix?: string;
  readonly enabled?: boolean;
}

export interface EndpointConfigSpec {
  readonly served_entities: readonly ServedEntitySpec[];
  readonly traffic_config?: { readonly routes: readonly TrafficRouteSpec[] };
  readonly auto_capture_config?: AutoCaptureSpec;
}

export interface EndpointSpec {
  readonly name: string;
  /** The live config, else the one being deployed; undefined when the endpoint has neither. */
  readonly config?: EndpointConfigSpec;
  readonly tags: readonly { readonly key: string; readonly value?: string }[];
}

/** `endpoint` in input field names: its live config (or, before the first one is live, the pending one) and tags. */
export function endpointSpec(endpoint: ServingEndpoint): EndpointSpec {
  const config = endpoint.config ?? endpoint.pending_config;
  return {
    name: endpoint.name,
    ...(config === undefined ? {} : { config: configSpec(config) }),
    tags: endpoint.tags.map(tagSpec),
  };
}

export function configSpec(config: EndpointConfig): EndpointConfigSpec {
  const routes = config.traffic_config?.routes ?? [];
  const capture = config.auto_capture_config;
  return {
    served_entities: config.served_entities.map(entitySpec),
    ...(routes.length === 0
      ? {}
      : {
          traffic_config: {
            routes: routes.map((r) => ({
              served_entity_name: r.served_entity_name ?? "",
              traffic_percentage: r.traffic_percentage,
            })),
          },
        }),
    ...(capture === undefined
      ? {}
      : {
          auto_capture_config: {
            ...(capture.catalog_name === undefined ? {} : { catalog_name: capture.catalog_name }),
            ...(capture.schema_name === undefined ? {} : { schema_name: capture.schema_name }),
            ...(capture.table_name_prefix === undefined
              ? {}
              : { table_name_prefix: capture.table_name_prefix }),
            ...(capture.enabled === undefined ? {} : { enabled: capture.enabled }),
          },
        }),
  };
}

/** The entity's input fields, in the order the API documents them. */
export function entitySpec(e: ServedEntity): ServedEntitySpec {
  const present = <K extends keyof ServedEntitySpec>(key: K, value: ServedEntitySpec[K] | undefined) =>
    value === undefined ? {} : { [key]: value };
  return {
    ...present("name", e.name),
    ...present("entity_name", e.entity_name),
    ...present("entity_version", e.entity_version),
    ...present("min_provisioned_throughput", e.min_provisioned_throughput),
    ...present("max_provisioned_throughput", e.max_provisioned_throughput),
    ...present("provisioned_model_units", e.provisioned_model_units),
    ...present("scale_to_zero_enabled", e.scale_to_zero_enabled),
    ...present("workload_type", e.workload_type),
    ...present("workload_size", e.workload_size),
    ...present("environment_vars", e.environment_vars),
    ...present("instance_profile_arn", e.instance_profile_arn),
    ...present("burst_scaling_enabled", e.burst_scaling_enabled),
  };
}

function tagSpec(t: EndpointTag): { key: string; value?: string } {
  return t.value === undefined ? { key: t.key } : { key: t.key, value: t.value };
}
