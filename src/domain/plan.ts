/**
 * The deploy plan: how much provisioned throughput to ask for, in multiples of the model's chunk. This file is the
 * one place where chunk arithmetic lives.
 *
 * Tokens-per-second models scale between `minMultiple` and `maxMultiple` chunks (min may be 0 with scale to zero).
 * Model-unit models are provisioned at one fixed size through the `/pt` route: only `maxMultiple` counts
 * (units = maxMultiple × `model_unit_chunk_size`); {@link normalizePlan} sets `minMultiple` to `maxMultiple` so a
 * stored plan never carries a min that means nothing, and scale to zero is refused for them.
 */
import { validateEndpointName } from "./endpoint-name.js";
import type { ModelInfo } from "./model.js";
import type { PlanViolation } from "./violation.js";

export interface Plan {
  readonly minMultiple: number;
  readonly maxMultiple: number;
  readonly scaleToZero: boolean;
}

/** The policy knobs the plan depends on (part of `ApprovalPolicy`). */
export interface PlanPolicy {
  /** Proposed min when the requester names none (Databricks' own example uses 2). */
  readonly defaultMinMultiple: number;
  /** Proposed max when the requester names none (Databricks' own example uses 3). */
  readonly defaultMaxMultiple: number;
  /** The largest max multiple a request may ask for. */
  readonly maxMultipleLimit: number;
}

/** What the requester typed, if anything; each part overrides the policy's default. */
export interface PlanAsk {
  readonly min?: number;
  readonly max?: number;
  readonly scaleToZero?: boolean;
}

/**
 * The plan ptbot proposes from the policy's defaults and what the requester asked. Unstated parts are chosen to fit
 * the stated ones: `--max 1` alone gives min 1 (not the default 2), `--min 5` alone raises max to 5, and scale to
 * zero without a min gives min 0. The result is normalised but not validated: run {@link validatePlan} on it.
 */
export function proposePlan(model: ModelInfo, policy: PlanPolicy, ask: PlanAsk = {}): Plan {
  const scaleToZero = ask.scaleToZero ?? false;
  const max = ask.max ?? Math.max(policy.defaultMaxMultiple, ask.min ?? 0);
  const min = ask.min ?? (scaleToZero ? 0 : Math.min(policy.defaultMinMultiple, max));
  return normalizePlan(model, { minMultiple: min, maxMultiple: max, scaleToZero });
}

/** For model-unit models, min mirrors max (one fixed size); tokens-per-second plans are returned as they are. */
export function normalizePlan(model: ModelInfo, plan: Plan): Plan {
  if (model.unit !== "model_units" || plan.minMultiple === plan.maxMultiple) return plan;
  return { ...plan, minMultiple: plan.maxMultiple };
}

/**
 * Every rule `plan` breaks, each tied to its field (empty when the plan is valid): multiples are whole numbers,
 * max ≥ 1, max ≤ the policy's limit, and for tokens-per-second models min ≥ 0, min ≤ max, min 0 only with scale to
 * zero. For model-unit models min is not checked (see {@link normalizePlan}) and scale to zero is refused.
 */
export function validatePlan(model: ModelInfo, plan: Plan, policy: PlanPolicy): PlanViolation[] {
  const violations: PlanViolation[] = [];
  const max = plan.maxMultiple;
  const maxIsInt = Number.isInteger(max);
  if (!maxIsInt) {
    violations.push({ field: "max", code: "not_integer", message: `max must be a whole number, got ${max}` });
  } else if (max < 1) {
    violations.push({ field: "max", code: "below_one", message: `max must be at least 1×, got ${max}×` });
  } else if (max > policy.maxMultipleLimit) {
    violations.push({
      field: "max",
      code: "above_limit",
      message: `max must be at most ${policy.maxMultipleLimit}×, got ${max}×`,
    });
  }
  if (model.unit === "model_units") {
    if (plan.scaleToZero) {
      violations.push({
        field: "min",
        code: "scale_to_zero_unsupported",
        message:
          "scale to zero is not available for model-unit models: they are provisioned at one fixed size",
      });
    }
    return violations;
  }
  const min = plan.minMultiple;
  if (!Number.isInteger(min)) {
    violations.push({ field: "min", code: "not_integer", message: `min must be a whole number, got ${min}` });
  } else if (min < 0) {
    violations.push({ field: "min", code: "negative", message: `min must not be negative, got ${min}×` });
  } else {
    if (min === 0 && !plan.scaleToZero) {
      violations.push({
        field: "min",
        code: "zero_needs_scale_to_zero",
        message: "min can be 0 only with scale to zero turned on",
      });
    }
    // Against a max that is itself below one, "min above max" would only repeat the max error.
    if (maxIsInt && max >= 1 && min > max) {
      violations.push({
        field: "min",
        code: "min_above_max",
        message: `min (${min}×) must not be greater than max (${max}×)`,
      });
    }
  }
  return violations;
}

/** {@link validatePlan} and {@link validateEndpointName} together: everything wrong with a request's settings. */
export function validateDeploySettings(
  model: ModelInfo,
  plan: Plan,
  endpointName: string,
  policy: PlanPolicy,
): PlanViolation[] {
  return [...validatePlan(model, plan, policy), ...validateEndpointName(endpointName)];
}

/**
 * What the requester asked that means nothing for `model` (known only once the model is resolved): a min for a
 * model-unit model, which runs at one fixed size set by max alone. Refused rather than silently dropped.
 */
export function askViolations(model: ModelInfo, ask: PlanAsk): PlanViolation[] {
  if (model.unit !== "model_units" || ask.min === undefined) return [];
  return [
    {
      field: "min",
      code: "min_not_applicable",
      message: `min (${ask.min}×) does not apply to model-unit models: they run at one fixed size, set by max alone`,
    },
  ];
}

/** A render-ready amount: `multiple` chunks, that is `value` `unit` (and `dbus` DBUs when the model reports them). */
export interface PlanAmount {
  readonly multiple: number;
  readonly value: number;
  readonly unit: "tokens/s" | "model units";
  /** multiple × the model's DBUs per chunk, when Databricks reported `dbus`. */
  readonly dbus?: number;
}

/** What a plan amounts to, for cards: a scaling range for tokens-per-second models, one size for model units. */
export type PlanDescription =
  | {
      readonly route: "tokens";
      readonly min: PlanAmount;
      readonly max: PlanAmount;
      readonly scaleToZero: boolean;
    }
  | { readonly route: "model_units"; readonly units: PlanAmount };

/** e.g. 2× and 3× of a 980 tokens/s chunk → `{ route: "tokens", min: { multiple: 2, value: 1960, ... }, ... }`. */
export function describePlan(model: ModelInfo, plan: Plan): PlanDescription {
  if (model.unit === "model_units") return { route: "model_units", units: amount(model, plan.maxMultiple) };
  return {
    route: "tokens",
    min: amount(model, plan.minMultiple),
    max: amount(model, plan.maxMultiple),
    scaleToZero: plan.scaleToZero,
  };
}

function amount(model: ModelInfo, multiple: number): PlanAmount {
  const unit = model.unit === "model_units" ? "model units" : "tokens/s";
  const value = multiple * model.chunkSize;
  return model.dbus === undefined
    ? { multiple, value, unit }
    : { multiple, value, unit, dbus: multiple * model.dbus };
}

/**
 * What the endpoint must serve once a request's Databricks work is done, in the domain's own terms: the endpoint,
 * the model and version, and the band (a tokens-per-second range with scale to zero, or a fixed number of model
 * units). The Databricks client maps it to its wire payload; the tracker compares what an endpoint serves with it.
 */
export interface EndpointTarget {
  readonly endpointName: string;
  /** Unity Catalog name, as resolved. */
  readonly model: string;
  readonly version: number;
  readonly band: TargetBand;
}

/** How much the endpoint provisions: multiples of the model's chunk, turned into tokens/second or model units. */
export type TargetBand =
  | {
      readonly kind: "tokens";
      readonly minTokensPerSecond: number;
      readonly maxTokensPerSecond: number;
      readonly scaleToZero: boolean;
    }
  | { readonly kind: "model_units"; readonly units: number };

/** The parts of a request the target follows from (all set once it is resolved). */
export interface TargetSource {
  readonly model?: ModelInfo;
  readonly plan?: Plan;
  readonly endpointName?: string;
}

/**
 * The endpoint a resolved request asks for (undefined before it is resolved): the one place where a plan's
 * multiples become tokens/second or units. Creating, updating, resuming and following all use it.
 */
export function endpointTarget(request: TargetSource): EndpointTarget | undefined {
  const { model, plan, endpointName } = request;
  if (model === undefined || plan === undefined || endpointName === undefined) return undefined;
  const band: TargetBand =
    model.unit === "model_units"
      ? { kind: "model_units", units: plan.maxMultiple * model.chunkSize }
      : {
          kind: "tokens",
          minTokensPerSecond: plan.minMultiple * model.chunkSize,
          maxTokensPerSecond: plan.maxMultiple * model.chunkSize,
          scaleToZero: plan.scaleToZero,
        };
  return { endpointName, model: model.fullName, version: model.version, band };
}

/** Whether two bands provision the same thing. */
export function sameBand(a: TargetBand, b: TargetBand): boolean {
  if (a.kind === "model_units" || b.kind === "model_units") {
    return a.kind === "model_units" && b.kind === "model_units" && a.units === b.units;
  }
  return (
    a.minTokensPerSecond === b.minTokensPerSecond &&
    a.maxTokensPerSecond === b.maxTokensPerSecond &&
    a.scaleToZero === b.scaleToZero
  );
}

/** Whether two plans ask for the same thing (for "nothing changed" checks). */
export function samePlan(a: Plan, b: Plan): boolean {
  return (
    a.minMultiple === b.minMultiple && a.maxMultiple === b.maxMultiple && a.scaleToZero === b.scaleToZero
  );
}
