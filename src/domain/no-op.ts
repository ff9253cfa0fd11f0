/**
 * Whether a deploy would leave the endpoint exactly as it is: an update to the version and the band it serves now.
 * Such a request asks nobody for anything and sends Databricks nothing.
 */
import type { DeployMode } from "./create-or-update.js";
import type { ModelInfo } from "./model.js";
import type { Plan } from "./plan.js";

export function changesNothing(mode: DeployMode, model: ModelInfo, plan: Plan): boolean {
  if (mode.kind !== "update") return false;
  const { current } = mode;
  // A config that never came up (a failed create) is worth deploying again.
  if (current.notReady === true) return false;
  if (current.entityVersion !== model.version) return false;
  const chunk = model.chunkSize;
  if (model.unit === "model_units") {
    const units = current.modelUnits ?? current.plan.maxMultiple * chunk;
    return units === plan.maxMultiple * chunk;
  }
  const min = current.minThroughput ?? current.plan.minMultiple * chunk;
  const max = current.maxThroughput ?? current.plan.maxMultiple * chunk;
  return (
    min === plan.minMultiple * chunk &&
    max === plan.maxMultiple * chunk &&
    current.plan.scaleToZero === plan.scaleToZero
  );
}
