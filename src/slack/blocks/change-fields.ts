/**
 * The card's fields for a change to an existing endpoint, one small function per kind: what a scale, a rollback or
 * a delete is about, instead of a deploy's model type and chunk size. A scale shows the current and the proposed
 * band (tokens/s or model units, with multiples of the chunk); a rollback the config now and the one it goes back
 * to; a delete what the endpoint serves now and that it goes away. Pure.
 */
import type { CurrentServing, ModelInfo, Plan, RequestKind } from "../../domain/index.js";
import { code, formatNumber } from "../mrkdwn.js";
import { currentBand, planBand } from "./throughput.js";

/** What a resolved change request shows of itself: its endpoint, its model, its plan and what is served now. */
export interface ChangeView {
  readonly endpointName: string;
  readonly model: ModelInfo;
  readonly plan: Plan;
  readonly current: CurrentServing;
}

/** The kind-specific fields of a scale, rollback or delete card (a deploy has its own). */
export function changeFields(kind: Exclude<RequestKind, "deploy">, view: ChangeView): string[] {
  switch (kind) {
    case "scale":
      return scaleFields(view);
    case "rollback":
      return rollbackFields(view);
    case "delete":
      return deleteFields(view);
  }
}

/** Scale: the model stays; the band goes from current to proposed, in tokens/s (or model units) and multiples. */
function scaleFields({ endpointName, model, plan, current }: ChangeView): string[] {
  return [
    `*Endpoint*\n${code(endpointName)} (update)`,
    `*Model*\n${code(current.entityName)} v${current.entityVersion} (unchanged)`,
    `*Throughput now*\n${currentMultiples(current)}`,
    `*Proposed*\n${planBand(model, plan)}`,
    `*Scale to zero*\n${scaleToZeroField(model, current, plan.scaleToZero)}`,
  ];
}

/** Rollback: the config served now and the earlier one ptbot applied, which it goes back to. */
function rollbackFields({ endpointName, model, plan, current }: ChangeView): string[] {
  return [
    `*Endpoint*\n${code(endpointName)} (update)`,
    `*Serves now*\n${code(current.entityName)} ${currentBand(current)}`,
    `*Rolls back to*\n${code(model.fullName)} v${model.version} at ${planBand(model, plan)}`,
    `*Scale to zero*\n${scaleToZeroField(model, current, plan.scaleToZero)}`,
  ];
}

/** Delete: what the endpoint serves now, and that it goes away with it. */
function deleteFields({ endpointName, current }: ChangeView): string[] {
  return [
    `*Endpoint*\n${code(endpointName)} (deleted on approval)`,
    `*Serves now*\n${code(current.entityName)} ${currentBand(current)}`,
    "*After the delete*\nThe endpoint and its config are gone; queries to it fail.",
  ];
}

/** "off", "off → on": scale to zero now and after the change (model-unit models have none). */
function scaleToZeroField(model: ModelInfo, current: CurrentServing, next: boolean): string {
  if (model.unit === "model_units") return "not available (model units)";
  const word = (on: boolean) => (on ? "on" : "off");
  return current.plan.scaleToZero === next
    ? `${word(next)} (unchanged)`
    : `${word(current.plan.scaleToZero)} → ${word(next)}`;
}

/** "v3 at 1,960–2,940 tokens/s (2×–3×)": the current band with its multiples of the chunk. */
export function currentMultiples(current: CurrentServing): string {
  const { minMultiple, maxMultiple } = current.plan;
  const multiples =
    current.modelUnits !== undefined || minMultiple === maxMultiple
      ? `${formatNumber(maxMultiple)}×`
      : `${formatNumber(minMultiple)}×–${formatNumber(maxMultiple)}×`;
  return `${currentBand(current)} (${multiples})`;
}
