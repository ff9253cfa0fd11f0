/**
 * What a band costs (issue 13), from Databricks' own figure: the optimization info's `dbus`, DBUs per hour per chunk,
 * times the multiples. A model-unit model with no `dbus` uses the configured rate per unit. With no rate the cost is
 * unknown, and stays unknown: never a guess. Caps and tiers are decided here, on those figures.
 */
import type { ModelInfo } from "./model.js";
import type { Plan } from "./plan.js";

/** Hours in the 30 days a monthly figure is given for. */
export const HOURS_PER_30_DAYS = 30 * 24;

export interface HighCostTier {
  /** Above this max-band DBU/h (`PTBOT_HIGH_COST_DBU_PER_HOUR`) a request is high-cost. */
  readonly dbuPerHour: number;
  /** Approvals a high-cost request needs (`PTBOT_HIGH_COST_REQUIRED_APPROVALS`). */
  readonly requiredApprovals: number;
  /** Who may approve it (`PTBOT_HIGH_COST_APPROVERS`): user ids and user-group ids. */
  readonly approverUsers: readonly string[];
  readonly approverGroups: readonly string[];
}

export interface CostPolicy {
  /** DBUs per hour per model unit, for model-unit models Databricks gives no `dbus` for (`PTBOT_DBU_PER_MODEL_UNIT`). */
  readonly dbuPerModelUnit: number | undefined;
  /** Price of one DBU in {@link currency} (`PTBOT_DBU_PRICE`); undefined: DBUs only. */
  readonly dbuPrice: number | undefined;
  /** ISO 4217 code (`PTBOT_CURRENCY`, default USD). */
  readonly currency: string;
  /** A request whose max band costs more DBU/h is refused (`PTBOT_MAX_DBU_PER_HOUR`). */
  readonly maxDbuPerHour: number | undefined;
  /** The high-cost tier, when configured. */
  readonly highCost: HighCostTier | undefined;
}

export const DEFAULT_COST_POLICY: CostPolicy = {
  dbuPerModelUnit: undefined,
  dbuPrice: undefined,
  currency: "USD",
  maxDbuPerHour: undefined,
  highCost: undefined,
};

export interface Price {
  readonly currency: string;
  readonly perHourAtMax: number;
  readonly per30DaysAtMax: number;
}

/** A band's cost: DBU/h at min and at max (equal for model units), and the price when a DBU price is set. */
export type BandCost =
  | { readonly known: false }
  | {
      readonly known: true;
      readonly minDbuPerHour: number;
      readonly maxDbuPerHour: number;
      /** Where the rate came from: Databricks' `dbus`, or the configured rate per model unit. */
      readonly source: "databricks" | "configured_rate";
      readonly price: Price | undefined;
    };

/** DBUs per hour of one chunk of `model`, or undefined when neither Databricks nor the configuration says. */
export function dbuPerChunk(model: ModelInfo, policy: CostPolicy): number | undefined {
  if (model.dbus !== undefined) return model.dbus;
  if (model.unit === "model_units" && policy.dbuPerModelUnit !== undefined) {
    return model.chunkSize * policy.dbuPerModelUnit;
  }
  return undefined;
}

/**
 * The cost of serving `plan` of `model`. A tokens-per-second band costs its min multiple (0 with scale to zero and a
 * min of 0) to its max; a model-unit model runs at one size, its max.
 */
export function bandCost(model: ModelInfo, plan: Plan, policy: CostPolicy): BandCost {
  const rate = dbuPerChunk(model, policy);
  if (rate === undefined) return { known: false };
  const maxDbuPerHour = round(plan.maxMultiple * rate);
  const minDbuPerHour = model.unit === "model_units" ? maxDbuPerHour : round(plan.minMultiple * rate);
  return {
    known: true,
    minDbuPerHour,
    maxDbuPerHour,
    source: model.dbus !== undefined ? "databricks" : "configured_rate",
    price: priceAt(maxDbuPerHour, policy),
  };
}

/** The price of `dbuPerHour` per hour and per 30 days, when a DBU price is configured. */
export function priceAt(dbuPerHour: number, policy: CostPolicy): Price | undefined {
  if (policy.dbuPrice === undefined) return undefined;
  const perHour = dbuPerHour * policy.dbuPrice;
  return {
    currency: policy.currency,
    perHourAtMax: round(perHour),
    per30DaysAtMax: round(perHour * HOURS_PER_30_DAYS),
  };
}

/** The change from one band's cost to another's (an update card's "+48 DBU/h"); unknown when either is. */
export type CostChange =
  | { readonly known: false }
  | {
      readonly known: true;
      readonly minDbuPerHour: number;
      readonly maxDbuPerHour: number;
      /** Change of the price per hour at max, when a DBU price is set. */
      readonly pricePerHourAtMax: number | undefined;
    };

export function costChange(before: BandCost, after: BandCost): CostChange {
  if (!before.known || !after.known) return { known: false };
  const price =
    before.price !== undefined && after.price !== undefined
      ? round(after.price.perHourAtMax - before.price.perHourAtMax)
      : undefined;
  return {
    known: true,
    minDbuPerHour: round(after.minDbuPerHour - before.minDbuPerHour),
    maxDbuPerHour: round(after.maxDbuPerHour - before.maxDbuPerHour),
    pricePerHourAtMax: price,
  };
}

/**
 * Whether a band is within `PTBOT_MAX_DBU_PER_HOUR`, with the figures for the refusal. A cap with a cost that cannot
 * be told refuses (`cost_unknown`): a guardrail that cannot check must not let the request through.
 */
export type CapDecision =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: "over_dbu_cap";
      readonly maxDbuPerHour: number;
      readonly capDbuPerHour: number;
    }
  | { readonly ok: false; readonly code: "cost_unknown"; readonly capDbuPerHour: number };

export function checkDbuCap(cost: BandCost, policy: CostPolicy): CapDecision {
  const cap = policy.maxDbuPerHour;
  if (cap === undefined) return { ok: true };
  if (!cost.known) return { ok: false, code: "cost_unknown", capDbuPerHour: cap };
  if (cost.maxDbuPerHour > cap) {
    return { ok: false, code: "over_dbu_cap", maxDbuPerHour: cost.maxDbuPerHour, capDbuPerHour: cap };
  }
  return { ok: true };
}

/**
 * Which approval tier a band falls in, and why: `high` above the tier's DBU/h (its approvals and approvers apply),
 * also when a tier is configured and the cost is unknown (it cannot be shown to be below); otherwise `standard`.
 */
export type CostTier =
  | { readonly tier: "standard" }
  | {
      readonly tier: "high";
      readonly because: "above_threshold" | "cost_unknown";
      readonly thresholdDbuPerHour: number;
      /** The band's max DBU/h, when known. */
      readonly maxDbuPerHour: number | undefined;
      readonly requiredApprovals: number;
      readonly approverUsers: readonly string[];
      readonly approverGroups: readonly string[];
    };

export function costTier(cost: BandCost, policy: CostPolicy): CostTier {
  const tier = policy.highCost;
  if (tier === undefined) return { tier: "standard" };
  const high = (because: "above_threshold" | "cost_unknown", max: number | undefined): CostTier => ({
    tier: "high",
    because,
    thresholdDbuPerHour: tier.dbuPerHour,
    maxDbuPerHour: max,
    requiredApprovals: tier.requiredApprovals,
    approverUsers: tier.approverUsers,
    approverGroups: tier.approverGroups,
  });
  if (!cost.known) return high("cost_unknown", undefined);
  return cost.maxDbuPerHour > tier.dbuPerHour
    ? high("above_threshold", cost.maxDbuPerHour)
    : { tier: "standard" };
}

/** Two decimals at most: prices and fractional rates without floating-point dust (0.1 × 3 = 0.3, not 0.30000000000000004). */
function round(n: number): number {
  return Math.round(n * 100) / 100;
}
