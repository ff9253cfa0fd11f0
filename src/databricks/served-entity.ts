/**
 * The one mapping between the domain's endpoint target and Databricks' served-entity wire shape, both ways: the
 * payload a create or update sends, and the band a served entity (as Databricks reports it) provisions.
 */
import type { EndpointTarget, TargetBand } from "../domain/index.js";
import type { EndpointConfigInput, ServedEntityInput } from "./endpoint-writes.js";
import type { ServedEntity } from "./schemas.js";

/**
 * The served entity for `target`, in Databricks' field names: tokens/second on `POST /api/2.0/serving-endpoints`
 * (or its `PUT …/config`), model units on `/pt`. The version goes as a string, as the API requires.
 */
export function toServedEntityInput(target: EndpointTarget): ServedEntityInput {
  const entity = { entity_name: target.model, entity_version: String(target.version) };
  const band = target.band;
  if (band.kind === "model_units") return { ...entity, provisioned_model_units: band.units };
  return {
    ...entity,
    min_provisioned_throughput: band.minTokensPerSecond,
    max_provisioned_throughput: band.maxTokensPerSecond,
    scale_to_zero_enabled: band.scaleToZero,
  };
}

/** The config a create of `target` sends: its one served entity (an update starts from the endpoint: `config-update.ts`). */
export function toEndpointConfigInput(target: EndpointTarget): EndpointConfigInput {
  return { served_entities: [toServedEntityInput(target)] };
}

/**
 * The band of `kind` that `entity` provisions, in the domain's terms; undefined when the entity carries no sizes of
 * that kind (a list entry's summary config shows only the model and version).
 */
export function servedBand(entity: ServedEntity, kind: TargetBand["kind"]): TargetBand | undefined {
  if (kind === "model_units") {
    return entity.provisioned_model_units === undefined
      ? undefined
      : { kind, units: entity.provisioned_model_units };
  }
  if (entity.min_provisioned_throughput === undefined || entity.max_provisioned_throughput === undefined) {
    return undefined;
  }
  return {
    kind,
    minTokensPerSecond: entity.min_provisioned_throughput,
    maxTokensPerSecond: entity.max_provisioned_throughput,
    scaleToZero: entity.scale_to_zero_enabled ?? false,
  };
}
