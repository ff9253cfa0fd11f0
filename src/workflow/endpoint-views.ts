/**
 * Translations from Databricks' wire shapes to the domain's plain inputs. Kept here so the domain never sees a
 * Databricks type and the client never sees a domain one.
 */
import {
  deployingConfig,
  type EndpointSummary,
  failedConfig,
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

/** Each served entity's share of the traffic, by served-entity name, when the endpoint reports routes. */
function trafficShares(endpoint: ServingEndpoint): ReadonlyMap<string, number> {
  const config = endpoint.config ?? endpoint.pending_config;
  const routes = config?.traffic_config?.routes ?? [];
  return new Map(
    routes.flatMap((r) =>
      r.served_entity_name === undefined || r.traffic_percentage === undefined
        ? []
        : [[r.served_entity_name, r.traffic_percentage] as const],
    ),
  );
}

function trafficField(share: number | undefined): { trafficPercentage?: number } {
  return share === undefined ? {} : { trafficPercentage: share };
}

export function toExistingEndpoint(endpoint: ServingEndpoint): ExistingEndpoint {
  const shares = trafficShares(endpoint);
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
      ...trafficField(e.name === undefined ? undefined : shares.get(e.name)),
    })),
  };
}

/**
 * The served entity whose deployment we follow: the pending one while an update runs, else the live one. On an
 * endpoint with several (an adopted one), the one serving the target's model; without a target, the first.
 */
export function followedEntity(
  endpoint: ServingEndpoint,
  target?: Pick<EndpointTarget, "model">,
): ServedEntity | undefined {
  // After a failed update, the failed config's entity: it carries Databricks' reason and names the build logs.
  const entities =
    (deployingConfig(endpoint) ?? failedConfig(endpoint) ?? endpoint.config)?.served_entities ?? [];
  const model = target?.model.toLowerCase();
  return (
    (model === undefined ? undefined : entities.find((e) => e.entity_name?.toLowerCase() === model)) ??
    entities[0]
  );
}

export function toObservation(
  endpoint: ServingEndpoint,
  observedAt: number,
  target?: Pick<EndpointTarget, "model">,
): EndpointObservation {
  const entity = followedEntity(endpoint, target);
  const configVersion = (deployingConfig(endpoint) ?? failedConfig(endpoint) ?? endpoint.config)
    ?.config_version;
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
 * Whether `entities` serve what `target` asks for: exactly one entity of the target's model (Unity Catalog names
 * compare case-insensitively) at its version and band (min, max and scale to zero, or the model units). Other
 * models' entities beside it are an adopted endpoint's, carried over by the update, and do not count against it.
 * `unknown` when the entity carries no sizes (a list entry's summary config), so only the details can tell.
 */
export function servesTarget(
  entities: readonly ServedEntity[],
  target: EndpointTarget,
): "yes" | "no" | "unknown" {
  const model = target.model.toLowerCase();
  const [entity, ...others] = entities.filter((e) => e.entity_name?.toLowerCase() === model);
  if (entity === undefined || others.length > 0) return "no";
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

/**
 * The config an endpoint is heading for: the pending one while an update runs, else the one it serves (a config a
 * failed update left pending is not where it is heading).
 */
export function newestEntities(endpoint: ServingEndpoint): readonly ServedEntity[] {
  return deployingConfig(endpoint)?.served_entities ?? endpoint.config?.served_entities ?? [];
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
