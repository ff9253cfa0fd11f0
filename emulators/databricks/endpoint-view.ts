import { failureMessage } from "./build-logs.js";
import type { Deployment, EndpointRecord } from "./endpoint-store.js";
import type { EndpointStatus, EntityDeploymentState } from "./life-cycle.js";
import type { ServingTask } from "./seed-schema.js";
import type { ServedEntity } from "./served-entities.js";

/** The fields the full endpoint and its list entry share. */
function endpointHeader(record: EndpointRecord, status: EndpointStatus): Record<string, unknown> {
  return {
    name: record.name,
    creator: record.creator,
    creation_timestamp: record.creationTimestamp,
    last_updated_timestamp: status.lastUpdated,
    state: stateJson(status),
  };
}

/**
 * `ServingEndpointDetailed`, the answer of GET, create and update. Carries, like the real service, fields no SDK
 * models (`state.suspend`, `endpoint_type`, `min_dbus`/`max_dbus`); PT entities have no `workload_size`/`workload_type`
 * unless the config set them. Empty lists are omitted, as protobuf JSON does. The AI gateway is the endpoint's, not
 * the config's: a config update leaves it as it is.
 */
export function renderEndpoint(record: EndpointRecord, status: EndpointStatus): Record<string, unknown> {
  const config = status.current;
  const pending = status.pending;
  return {
    ...endpointHeader(record, status),
    ...(config === undefined
      ? {}
      : {
          config: {
            served_entities: config.deployment.config.servedEntities.map((e) =>
              entityJson(e, config.deployment, config.state),
            ),
            traffic_config: trafficJson(config.deployment),
            ...autoCaptureField(config.deployment),
            config_version: config.deployment.configVersion,
          },
        }),
    ...(pending === undefined
      ? {}
      : {
          pending_config: {
            start_time: pending.startTime,
            served_entities: pending.config.servedEntities.map((e) =>
              // After a failed update the failed config stays pending, its entities saying why.
              entityJson(
                e,
                pending,
                status.configUpdate === "UPDATE_FAILED" ? "DEPLOYMENT_FAILED" : "DEPLOYMENT_CREATING",
              ),
            ),
            traffic_config: trafficJson(pending),
            ...autoCaptureField(pending),
            config_version: pending.configVersion,
          },
        }),
    ...tagsField(record),
    ...(record.aiGateway === undefined ? {} : { ai_gateway: record.aiGateway }),
    id: record.id,
    permission_level: "CAN_MANAGE",
    route_optimized: false,
    endpoint_type: "FOUNDATION_MODEL_API",
    task: taskOf(status),
    description: "",
  };
}

/** `ServingEndpoint`, one item of the list: state, a summary config (no per-entity state), tags. */
export function renderEndpointSummary(
  record: EndpointRecord,
  status: EndpointStatus,
): Record<string, unknown> {
  const config = status.current?.deployment.config;
  return {
    ...endpointHeader(record, status),
    ...(config === undefined
      ? {}
      : {
          config: {
            served_entities: config.servedEntities.map((e) => ({
              name: e.name,
              entity_name: e.entityName,
              entity_version: e.entityVersion,
            })),
          },
        }),
    ...tagsField(record),
    id: record.id,
    endpoint_type: "FOUNDATION_MODEL_API",
    task: taskOf(status),
  };
}

function stateJson(status: EndpointStatus): Record<string, string> {
  return { ready: status.ready, config_update: status.configUpdate, suspend: "NOT_SUSPENDED" };
}

const STATE_MESSAGES: Record<EntityDeploymentState, string> = {
  DEPLOYMENT_CREATING: "Creating the served entity: provisioning GPU capacity and loading the model.",
  DEPLOYMENT_READY: "",
  DEPLOYMENT_FAILED: "",
};

function entityJson(e: ServedEntity, d: Deployment, state: EntityDeploymentState): Record<string, unknown> {
  const c = e.capacity;
  const capacity =
    c.kind === "throughput"
      ? {
          min_provisioned_throughput: c.min,
          max_provisioned_throughput: c.max,
          scale_to_zero_enabled: c.scaleToZero,
          ...(c.dbus === undefined
            ? {}
            : { min_dbus: (c.min / c.chunk) * c.dbus, max_dbus: (c.max / c.chunk) * c.dbus }),
        }
      : { provisioned_model_units: c.units };
  return {
    name: e.name,
    entity_name: e.entityName,
    entity_version: e.entityVersion,
    ...capacity,
    ...(e.environmentVars === undefined ? {} : { environment_vars: e.environmentVars }),
    ...(e.workloadType === undefined ? {} : { workload_type: e.workloadType }),
    ...(e.workloadSize === undefined ? {} : { workload_size: e.workloadSize }),
    state: {
      deployment: state,
      deployment_state_message: state === "DEPLOYMENT_FAILED" ? failureMessage(d) : STATE_MESSAGES[state],
    },
    creator: d.creator,
    creation_timestamp: d.startTime,
  };
}

function trafficJson(d: Deployment): Record<string, unknown> {
  return {
    routes: d.config.routes.map((r) => ({
      served_model_name: r.servedEntityName,
      served_entity_name: r.servedEntityName,
      traffic_percentage: r.trafficPercentage,
    })),
  };
}

function autoCaptureField(d: Deployment): Record<string, unknown> {
  const a = d.config.autoCapture;
  if (a === undefined) return {};
  const prefix = a.tableNamePrefix ?? d.config.servedEntities[0]?.name ?? "endpoint";
  return {
    auto_capture_config: {
      catalog_name: a.catalogName,
      schema_name: a.schemaName,
      ...(a.tableNamePrefix === undefined ? {} : { table_name_prefix: a.tableNamePrefix }),
      enabled: a.enabled,
      state: { payload_table: { name: `${prefix}_payload`, status: "ACTIVE" } },
    },
  };
}

function tagsField(record: EndpointRecord): Record<string, unknown> {
  return record.tags.length === 0 ? {} : { tags: record.tags };
}

function taskOf(status: EndpointStatus): ServingTask | undefined {
  return (status.current?.deployment ?? status.pending)?.config.servedEntities[0]?.task;
}
