/**
 * Translations from Databricks' wire shapes to the domain's plain inputs. Kept here so the domain never sees a
 * Databricks type and the client never sees a domain one.
 */
import {
  type EndpointSummary,
  type ServedEntity,
  type ServingEndpoint,
  servedBand,
} from "../databricks/index.js";
import {
  type EndpointObservation,
  type EndpointTarget,
  type ExistingEndpoint,
  sameBand,
} from "../domain/index.js";

/**
 * What a served entity is, in a few words: its Unity Catalog model, or for other teams' endpoints the outside model
 * (`openai model gpt-4o`) or pay-per-token foundation model they serve.
 */
function entityLabel(e: ServedEntity): string {
  if (e.entity_name !== undefined) return e.entity_name;
  if (e.external_model !== undefined) {
    const model = e.external_model.name ?? e.name ?? "(unnamed)";
    return e.external_model.provider === undefined
      ? `external model ${model}`
      : `${e.external_model.provider} model ${model}`;
  }
  if (e.foundation_model !== undefined)
    return `pay-per-token ${e.foundation_model.name ?? e.name ?? "model"}`;
  return e.name ?? "(unnamed)";
}

/** The entities the endpoint serves, or is about to: a pending config is the newest intent. */
function currentEntities(endpoint: ServingEndpoint): readonly ServedEntity[] {
  return endpoint.config?.served_entities ?? endpoint.pending_config?.served_entities ?? [];
}

export function toExistingEndpoint(endpoint: ServingEndpoint): ExistingEndpoint {
  return {
    name: endpoint.name,
    busy: endpoint.state.config_update === "IN_PROGRESS",
    ...(endpoint.state.ready === "READY" ? {} : { notReady: true }),
    servedEntities: currentEntities(endpoint).map((e) => ({
      entityName: entityLabel(e),
      ...(e.entity_version === undefined ? {} : { entityVersion: e.entity_version }),
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

/**
 * Whether `entities` are exactly the one served entity `target` asks for: the model (Unity Catalog names compare
 * case-insensitively), the version, and the band (min, max and scale to zero, or the model units). `unknown` when
 * the entities carry no sizes (a list entry's summary config), so only the details can tell.
 */
export function servesTarget(
  entities: readonly ServedEntity[],
  target: EndpointTarget,
): "yes" | "no" | "unknown" {
  const [entity, ...others] = entities;
  if (entity === undefined || others.length > 0) return "no";
  if (entity.entity_name?.toLowerCase() !== target.model.toLowerCase()) return "no";
  if (entity.entity_version !== String(target.version)) return "no";
  const band = servedBand(entity, target.band.kind);
  if (band === undefined) return "unknown";
  return sameBand(band, target.band) ? "yes" : "no";
}

/** What `entities` serve, in plain words for a reason message: `ml.x.y v2 at 1960–2940 tokens/s, scale to zero off`. */
export function describeEntities(entities: readonly ServedEntity[]): string {
  if (entities.length === 0) return "nothing";
  return entities
    .map((e) => {
      const what = e.entity_version === undefined ? entityLabel(e) : `${entityLabel(e)} v${e.entity_version}`;
      if (e.provisioned_model_units !== undefined)
        return `${what} at ${e.provisioned_model_units} model units`;
      if (e.min_provisioned_throughput === undefined || e.max_provisioned_throughput === undefined)
        return what;
      const scale = e.scale_to_zero_enabled === true ? "on" : "off";
      return `${what} at ${e.min_provisioned_throughput}–${e.max_provisioned_throughput} tokens/s, scale to zero ${scale}`;
    })
    .join("; ");
}

/** The config an endpoint is heading for: the pending one while an update runs, else the one it serves. */
export function newestEntities(endpoint: ServingEndpoint): readonly ServedEntity[] {
  return endpoint.pending_config?.served_entities ?? endpoint.config?.served_entities ?? [];
}

/**
 * What a list entry alone proves about the request's config when the endpoint is READY and NOT_UPDATING: `ready`
 * when it shows exactly this model, version and band; `other` when it shows another model or version (someone
 * changed it); undefined for anything else (still going, a failure, an entry without sizes): read the details.
 */
export function readyFromSummary(
  summary: EndpointSummary,
  target: EndpointTarget,
  observedAt: number,
):
  | { readonly kind: "ready"; readonly endpoint: EndpointObservation }
  | { readonly kind: "other" }
  | undefined {
  if (summary.state.ready !== "READY" || toConfigUpdate(summary.state.config_update) !== "NOT_UPDATING") {
    return undefined;
  }
  const entities = summary.config?.served_entities ?? [];
  if (entities.length === 0) return undefined;
  switch (servesTarget(entities, target)) {
    case "yes":
      return { kind: "ready", endpoint: { ready: "READY", configUpdate: "NOT_UPDATING", observedAt } };
    case "no":
      return { kind: "other" };
    case "unknown":
      return undefined;
  }
}

/** Whether a list entry shows the same coarse state as the last observation (nothing a person would be told). */
export function summaryMatches(summary: EndpointSummary, last: EndpointObservation | undefined): boolean {
  return (
    last !== undefined &&
    summary.state.ready === last.ready &&
    toConfigUpdate(summary.state.config_update) === last.configUpdate
  );
}

/** A cheap fingerprint of an endpoint's state from the list call: when it changes, read the details. */
export function summaryFingerprint(summary: EndpointSummary): string {
  return `${summary.state.ready ?? ""}|${summary.state.config_update ?? ""}|${summary.last_updated_timestamp ?? ""}`;
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
