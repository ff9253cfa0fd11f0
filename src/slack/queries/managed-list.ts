/**
 * What `/pt list` shows: the endpoints ptbot manages (those carrying its request-id tag) and the requests still in
 * flight. The workflow has no such query; this reads its ports directly.
 */
import type { EndpointSummary } from "../../databricks/index.js";
import { ACTIVE_STATES, type DeployRequest } from "../../domain/index.js";
import { PtbotError } from "../../errors.js";
import type { RequestStore } from "../../store/request-store.js";
import { REQUEST_ID_TAG } from "../../tracker/start-create.js";
import { EXPIRES_AT_TAG } from "../../workflow/lifetimes.js";
import type { DatabricksApi } from "../../workflow/ports.js";

export interface ManagedList {
  /** Endpoints tagged with `ptbot_request_id`, by name. */
  readonly endpoints: readonly EndpointSummary[];
  /** Requests not yet in a terminal state, oldest first. */
  readonly inFlight: readonly DeployRequest[];
  /** Set when Databricks could not be asked: the error's stable code (the requests are still listed). */
  readonly lookupError?: string;
}

export interface ListQueryDeps {
  readonly databricks: Pick<DatabricksApi, "listServingEndpoints">;
  readonly store: Pick<RequestStore, "listByStates">;
}

/** Enough for any one answer; the message says when there were more. */
const IN_FLIGHT_LIMIT = 100;

/** With `workspace` (several served), only that workspace's requests; its endpoints are `deps.databricks`'s. */
export async function loadManagedList(deps: ListQueryDeps, workspace?: string): Promise<ManagedList> {
  const [endpoints, active] = await Promise.all([
    listManaged(deps.databricks),
    deps.store.listByStates(ACTIVE_STATES, { limit: IN_FLIGHT_LIMIT }),
  ]);
  const inFlight = workspace === undefined ? active : active.filter((r) => r.workspace === workspace);
  return endpoints.ok
    ? { endpoints: endpoints.value, inFlight }
    : { endpoints: [], inFlight, lookupError: endpoints.code };
}

async function listManaged(
  databricks: ListQueryDeps["databricks"],
): Promise<{ ok: true; value: EndpointSummary[] } | { ok: false; code: string }> {
  try {
    const all = await databricks.listServingEndpoints();
    const managed = all.filter((e) => e.tags.some((t) => t.key === REQUEST_ID_TAG));
    return { ok: true, value: managed.sort((a, b) => a.name.localeCompare(b.name)) };
  } catch (error) {
    if (error instanceof PtbotError) return { ok: false, code: error.code };
    throw error;
  }
}

/** When a managed endpoint should go away, from the tag ptbot keeps on it (set at READY, moved by Keep); if any. */
export function expiresAtOf(endpoint: EndpointSummary): number | undefined {
  const value = endpoint.tags.find((t) => t.key === EXPIRES_AT_TAG)?.value;
  const at = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}
