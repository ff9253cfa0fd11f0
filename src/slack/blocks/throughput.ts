/**
 * Throughput in words, for cards, notices, `/pt status` and `/pt list`: the plan's band in tokens/second (or model
 * units) with its multiples of the chunk, what an existing endpoint serves now, and a served entity as Databricks
 * reports it.
 */
import type { CurrentServing, ModelInfo, Plan } from "../../domain/index.js";
import { describePlan } from "../../domain/index.js";
import { formatNumber } from "../mrkdwn.js";

/** "1,960–2,940 tokens/s (2×–3× of 980)", or "100 model units (2× of 50)". */
export function planBand(model: ModelInfo, plan: Plan): string {
  const d = describePlan(model, plan);
  const chunk = formatNumber(model.chunkSize);
  if (d.route === "model_units") {
    return `${formatNumber(d.units.value)} model units (${formatNumber(d.units.multiple)}× of ${chunk})`;
  }
  const values =
    d.min.value === d.max.value
      ? formatNumber(d.max.value)
      : `${formatNumber(d.min.value)}–${formatNumber(d.max.value)}`;
  const multiples =
    d.min.multiple === d.max.multiple
      ? `${formatNumber(d.max.multiple)}×`
      : `${formatNumber(d.min.multiple)}×–${formatNumber(d.max.multiple)}×`;
  return `${values} tokens/s (${multiples} of ${chunk})`;
}

/** "1,960–2,940 tokens/s" or "100 model units", without multiples: what a person reads first. */
export function planValues(model: ModelInfo, plan: Plan): string {
  const d = describePlan(model, plan);
  if (d.route === "model_units") return `${formatNumber(d.units.value)} model units`;
  return d.min.value === d.max.value
    ? `${formatNumber(d.max.value)} tokens/s`
    : `${formatNumber(d.min.value)}–${formatNumber(d.max.value)} tokens/s`;
}

/** What an existing endpoint serves today, from the raw numbers Databricks reported: "v2 at 980–1,960 tokens/s". */
export function currentBand(current: CurrentServing): string {
  const entity = `v${current.entityVersion}`;
  if (current.modelUnits !== undefined) return `${entity} at ${formatNumber(current.modelUnits)} model units`;
  const band = rawBand(current.minThroughput, current.maxThroughput);
  const scale = current.plan.scaleToZero ? ", scale to zero on" : "";
  return band === undefined ? entity : `${entity} at ${band}${scale}`;
}

/** A served entity's throughput as Databricks reports it, or undefined when it reports none. */
export function entityBand(entity: {
  readonly min_provisioned_throughput?: number | undefined;
  readonly max_provisioned_throughput?: number | undefined;
  readonly provisioned_model_units?: number | undefined;
  readonly scale_to_zero_enabled?: boolean | undefined;
}): string | undefined {
  if (entity.provisioned_model_units !== undefined) {
    return `${formatNumber(entity.provisioned_model_units)} model units`;
  }
  const band = rawBand(entity.min_provisioned_throughput, entity.max_provisioned_throughput);
  if (band === undefined) return undefined;
  return entity.scale_to_zero_enabled === true ? `${band}, scale to zero on` : band;
}

function rawBand(min: number | undefined, max: number | undefined): string | undefined {
  if (max === undefined) return undefined;
  if (min === undefined || min === max) return `${formatNumber(max)} tokens/s`;
  return `${formatNumber(min)}–${formatNumber(max)} tokens/s`;
}
