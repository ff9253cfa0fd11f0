/**
 * The cost words of a card, `/pt cost` and the Home tab (issue 13): the domain gives the numbers (`bandCost`,
 * `costChange`, `costTier`), this file alone turns them into "48–72 DBU/h · $86.40/h at max". Prices are list prices
 * times the configured DBU price: never the account's contract price, and never a guess when no rate is known.
 */
import {
  type BandCost,
  bandCost,
  type CostChange,
  type CostPolicy,
  type CostTier,
  costChange,
  type DeployRequest,
  isResolved,
  requestCostTier,
  requestKind,
} from "../../domain/index.js";
import { approversText } from "../messages.js";
import { formatNumber } from "../mrkdwn.js";

/** "$1,296.00" (or "1,296.00 EUR" for a code Intl does not know). */
export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);
  } catch {
    return `${formatNumber(Math.round(amount * 100) / 100)} ${currency}`;
  }
}

/** "48–72 DBU/h" (one figure when min and max agree), or "cost unknown". */
export function dbuRange(cost: BandCost): string {
  if (!cost.known) return "cost unknown";
  return cost.minDbuPerHour === cost.maxDbuPerHour
    ? `${formatNumber(cost.maxDbuPerHour)} DBU/h`
    : `${formatNumber(cost.minDbuPerHour)}–${formatNumber(cost.maxDbuPerHour)} DBU/h`;
}

/** "$1.80/h, $1,296.00 per 30 days at max": empty without a DBU price. */
export function priceText(cost: BandCost): string {
  if (!cost.known || cost.price === undefined) return "";
  const { currency, perHourAtMax, per30DaysAtMax } = cost.price;
  return `${money(perHourAtMax, currency)}/h, ${money(per30DaysAtMax, currency)} per 30 days at max`;
}

/** "+48 DBU/h", "−24 DBU/h", "no change". */
export function signedDbu(n: number): string {
  if (n === 0) return "no change";
  return `${n > 0 ? "+" : "−"}${formatNumber(Math.abs(n))} DBU/h`;
}

/** The card's cost line: the band's DBU/h at min and at max, the price when set, the change for an update. */
export function costLine(request: DeployRequest, cost: CostPolicy): string | undefined {
  if (!isResolved(request) || requestKind(request) === "delete") return undefined;
  const band = bandCost(request.model, request.plan, cost);
  if (!band.known) {
    return "💰 *Cost*: cost unknown (Databricks gives no DBU rate for this model, and none is configured)";
  }
  const at =
    band.minDbuPerHour === band.maxDbuPerHour
      ? `${formatNumber(band.maxDbuPerHour)} DBU/h`
      : `${formatNumber(band.minDbuPerHour)} DBU/h at min, ${formatNumber(band.maxDbuPerHour)} DBU/h at max`;
  const source = band.source === "configured_rate" ? " (configured rate per model unit)" : "";
  const price = band.price === undefined ? "" : ` · ${priceText(band)} (list price)`;
  const change =
    request.mode.kind === "update"
      ? changeText(costChange(bandCost(request.model, request.mode.current.plan, cost), band), cost.currency)
      : "";
  return `💰 *Cost*: ${at}${source}${price}${change}`;
}

function changeText(change: CostChange, currency: string): string {
  if (!change.known) return "";
  const price =
    change.pricePerHourAtMax === undefined || change.pricePerHourAtMax === 0
      ? ""
      : ` (${change.pricePerHourAtMax > 0 ? "+" : "−"}${money(Math.abs(change.pricePerHourAtMax), currency)}/h)`;
  return ` · change at max: ${signedDbu(change.maxDbuPerHour)}${price}`;
}

/** The card's tier line, when a high-cost tier is configured: which tier applies and why. */
export function tierLine(request: DeployRequest, cost: CostPolicy): string | undefined {
  const high = cost.highCost;
  if (high === undefined || !isResolved(request) || requestKind(request) === "delete") return undefined;
  return tierText(requestCostTier(request, cost), high.dbuPerHour);
}

function tierText(tier: CostTier, thresholdDbuPerHour: number): string {
  const threshold = `${formatNumber(thresholdDbuPerHour)} DBU/h`;
  if (tier.tier === "standard") {
    return `🏷️ *Standard tier*: at most ${threshold} at max, so the usual approvers decide.`;
  }
  const who = approversText(tier);
  const needs = `${tier.requiredApprovals} ${tier.requiredApprovals === 1 ? "approval" : "approvals"} from ${who}`;
  const why =
    tier.because === "above_threshold"
      ? `${formatNumber(tier.maxDbuPerHour ?? 0)} DBU/h at max is above ${threshold}`
      : `its cost is unknown, so it cannot be shown to be below ${threshold}`;
  return `🔐 *High-cost tier*: ${why}, so it needs ${needs}.`;
}
