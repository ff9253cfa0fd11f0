/**
 * Translations from Databricks' wire shapes to the domain's plain inputs. Kept here so the domain never sees a
 * Databricks type and the client never sees a domain one.
 */
import type { EndpointSummary, ServedEntity, ServingEndpoint } from "../databricks/index.js";
import type { EndpointObservation, ExistingEndpoint } from "../domain/index.js";

/** The entities the endpoint serves, or is about to: a pending config is the newest intent. */
function currentEntities(endpoint: ServingEndpoint): readonly ServedEntity[] {
  return endpoint.config?.served_entities ?? endpoint.pending_config?.served_entities ?? [];
}

export function toExistingEndpoint(endpoint: ServingEndpoint): ExistingEndpoint {
  return {
    name: endpoint.name,
    busy: endpoint.state.config_update === "IN_PROGRESS",
    servedEntities: currentEntities(endpoint).map((e) => ({
      entityName: e.entity_name ?? e.name ?? "(unnamed)",
      entityVersion: e.entity_version ?? "?",
      ...(e.min_provisioned_throughput === undefined ? {} : { minThroughput: e.min_provisioned_throughput }),
      ...(e.max_provisioned_throughput === undefined ? {} : { maxThroughput: e.max_provisioned_throughput }),
      ...(e.provisioned_model_units === undefined ? {} : { modelUnits: e.provisioned_model_units }),
      ...(e.scale_to_zero_enabled === undefined ? {} : { scaleToZero: e.scale_to_zero_enabled }),
    })),
  };
}

/** The served entity whose deployment we follow: the pending one while an update runs, else the live one. */
export function followedEntity(endpoint: ServingEndpoint): ServedEntity | undefined {
  return endpoint.pending_config?.served_entities[0] ?? endpoint.config?.served_entities[0];
}

export function toObservation(endpoint: ServingEndpoint, observedAt: number): EndpointObservation {
  const entity = followedEntity(endpoint);
  const configVersion = endpoint.pending_config?.config_version ?? endpoint.config?.config_version;
  const deployment = entity?.state?.deployment;
  const message = entity?.state?.deployment_state_message;
  return {
    ready: endpoint.state.ready === "READY" ? "READY" : "NOT_READY",
    configUpdate: toConfigUpdate(endpoint.state.config_update),
    ...(configVersion === undefined ? {} : { configVersion }),
    ...(deployment === undefined ? {} : { deploymentState: deployment }),
    ...(message === undefined || message === "" ? {} : { deploymentMessage: message }),
    observedAt,
  };
}

function toConfigUpdate(value: string | undefined): EndpointObservation["configUpdate"] {
  switch (value) {
    case "IN_PROGRESS":
    case "UPDATE_FAILED":
    case "UPDATE_CANCELED":
      return value;
    default:
      return "NOT_UPDATING";
  }
}

/** A cheap fingerprint of an endpoint's state from the list call: when it changes, read the details. */
/**
 * The success a list entry alone proves: READY and NOT_UPDATING, serving exactly this model version. Anything less
 * (an entry without its served entities, another version after someone else's change) needs the endpoint's details.
 */
export function readyFromSummary(
  summary: EndpointSummary,
  model: { readonly fullName: string; readonly version: number },
  observedAt: number,
): EndpointObservation | undefined {
  if (summary.state.ready !== "READY" || toConfigUpdate(summary.state.config_update) !== "NOT_UPDATING") {
    return undefined;
  }
  const entities = summary.config?.served_entities ?? [];
  const serves =
    entities.length > 0 &&
    entities.every((e) => e.entity_name === model.fullName && e.entity_version === String(model.version));
  return serves ? { ready: "READY", configUpdate: "NOT_UPDATING", observedAt } : undefined;
}

/** Whether a list entry shows the same coarse state as the last observation (nothing a person would be told). */
export function summaryMatches(summary: EndpointSummary, last: EndpointObservation | undefined): boolean {
  return (
    last !== undefined &&
    summary.state.ready === last.ready &&
    toConfigUpdate(summary.state.config_update) === last.configUpdate
  );
}

export function summaryFingerprint(summary: EndpointSummary): string {
  return `${summary.state.ready}|${summary.state.config_update ?? ""}|${summary.last_updated_timestamp ?? ""}`;
}

/** Whether two observations differ in anything a person would care about. */
export function sameObservation(a: EndpointObservation | undefined, b: EndpointObservation): boolean {
  return (
    a !== undefined &&
    a.ready === b.ready &&
    a.configUpdate === b.configUpdate &&
    a.configVersion === b.configVersion &&
    a.deploymentState === b.deploymentState &&
    a.deploymentMessage === b.deploymentMessage
  );
}
