/**
 * The fleet (issue 13): the endpoints ptbot manages and what they cost. An endpoint is up on the band of the newest
 * request that finished on it: READY (a deploy, scale or rollback that reached READY) counts it, a delete that ended
 * `deleted` takes it out. Later requests still in flight, or that failed, leave it as it was. Pure: the caller reads
 * the requests and each workspace's cost rules.
 */
import { type BandCost, bandCost, type CostPolicy } from "./cost.js";
import type { DeployState, ResolvedDeployRequest } from "./request.js";
import { type DeployRequest, isResolved } from "./request.js";

/** The states that settle what an endpoint runs: what a fleet query reads from the store. */
export const FLEET_STATES: readonly DeployState[] = ["ready", "deleted"];

export interface FleetEntry {
  readonly workspace: string;
  readonly endpointName: string;
  /** The request whose config the endpoint runs (its model, band and requester). */
  readonly request: ResolvedDeployRequest;
  readonly cost: BandCost;
}

export interface FleetCost {
  /** Most expensive first (by DBU/h at max); entries of unknown cost last, by name. */
  readonly entries: readonly FleetEntry[];
  /** Sum of the known entries' DBU/h at max. */
  readonly totalDbuPerHour: number;
  /** How many entries have no known cost (not in the total). */
  readonly unknownCount: number;
  /** Sum of the known entries' price per hour at max, when every one has a price in one currency. */
  readonly totalPrice:
    | { readonly currency: string; readonly perHour: number; readonly per30Days: number }
    | undefined;
}

/** The endpoints `requests` leave up: per workspace and endpoint name, the newest settled request, when READY. */
export function managedEndpoints(requests: readonly DeployRequest[]): ResolvedDeployRequest[] {
  const newest = new Map<string, DeployRequest>();
  for (const r of requests) {
    if (!FLEET_STATES.includes(r.state) || r.endpointName === undefined) continue;
    const key = `${r.workspace}\u0000${r.endpointName}`;
    const seen = newest.get(key);
    if (seen === undefined || r.updatedAt > seen.updatedAt) newest.set(key, r);
  }
  return [...newest.values()].filter((r): r is ResolvedDeployRequest => r.state === "ready" && isResolved(r));
}

/** What the fleet costs, each endpoint at its workspace's rates. */
export function fleetCost(
  endpoints: readonly ResolvedDeployRequest[],
  costOf: (workspace: string) => CostPolicy,
): FleetCost {
  const entries = endpoints.map((request) => ({
    workspace: request.workspace,
    endpointName: request.endpointName,
    request,
    cost: bandCost(request.model, request.plan, costOf(request.workspace)),
  }));
  const at = (e: FleetEntry) => (e.cost.known ? e.cost.maxDbuPerHour : -1);
  entries.sort((a, b) => at(b) - at(a) || a.endpointName.localeCompare(b.endpointName));
  const known = entries.flatMap((e) => (e.cost.known ? [e.cost] : []));
  const totalDbuPerHour = round(known.reduce((sum, c) => sum + c.maxDbuPerHour, 0));
  const prices = known.map((c) => c.price);
  const currencies = new Set(prices.map((p) => p?.currency));
  const totalPrice =
    known.length > 0 && currencies.size === 1 && prices.every((p) => p !== undefined)
      ? {
          currency: prices[0]?.currency ?? "",
          perHour: round(prices.reduce((sum, p) => sum + (p?.perHourAtMax ?? 0), 0)),
          per30Days: round(prices.reduce((sum, p) => sum + (p?.per30DaysAtMax ?? 0), 0)),
        }
      : undefined;
  return { entries, totalDbuPerHour, unknownCount: entries.length - known.length, totalPrice };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
