/**
 * The fleet as `/pt cost` and the Home tab show it: the endpoints ptbot manages (from the requests that settled what
 * each one runs, see `managedEndpoints`) with their cost at each workspace's rates. Read from the store alone: it
 * answers even while Databricks is out of reach.
 */
import {
  type CostPolicy,
  DEFAULT_COST_POLICY,
  FLEET_STATES,
  type FleetCost,
  fleetCost,
  managedEndpoints,
} from "../../domain/index.js";
import type { RequestStore } from "../../store/request-store.js";

export interface FleetQueryDeps {
  readonly store: Pick<RequestStore, "listByStates">;
  readonly costOf?: (workspace: string) => CostPolicy;
}

/** Enough settled requests for any fleet ptbot runs; newest per endpoint wins. */
const SETTLED_LIMIT = 10_000;

export async function loadFleet(deps: FleetQueryDeps): Promise<FleetCost> {
  const settled = await deps.store.listByStates(FLEET_STATES, { limit: SETTLED_LIMIT });
  return fleetCost(managedEndpoints(settled), deps.costOf ?? (() => DEFAULT_COST_POLICY));
}
