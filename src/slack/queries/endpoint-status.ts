/**
 * What `/pt status <endpoint>` shows, gathered from the workspace (the endpoint as it is, managed by ptbot or not),
 * the store (the requests ptbot holds for that name) and the audit log (the last changes ptbot made to it). The
 * workflow has no such query; this reads its ports directly.
 */
import { isNotFound, type ServingEndpoint } from "../../databricks/index.js";
import { type DeployRequest, lifetimeInForce } from "../../domain/index.js";
import { PtbotError } from "../../errors.js";
import type { AuditEntry, AuditLog } from "../../store/audit-log.js";
import type { RequestStore } from "../../store/request-store.js";
import type { DatabricksApi } from "../../workflow/ports.js";

export interface EndpointStatus {
  readonly name: string;
  /** The endpoint as Databricks serves it; undefined when none has that name (or the lookup failed). */
  readonly endpoint?: ServingEndpoint;
  /** ptbot's requests for this name, newest first. */
  readonly requests: readonly DeployRequest[];
  /** The workspace UI page of the endpoint. */
  readonly url: string;
  /** Set when Databricks could not be asked: the error's stable code. */
  readonly lookupError?: string;
  /** The last changes ptbot made (or tried to make) to it, newest first, from the audit log. */
  readonly changes?: readonly AuditEntry[];
  /** When the endpoint should go away, by the lifetime in force (`--ttl`, the workspace's default); if it has one. */
  readonly expiresAt?: number;
}

export interface StatusQueryDeps {
  readonly databricks: Pick<DatabricksApi, "getServingEndpoint" | "endpointUrl">;
  readonly store: Pick<RequestStore, "findByEndpointName"> & Pick<AuditLog, "endpointChanges">;
}

/** The requests ptbot keeps per endpoint for the answer; older ones are not shown. */
const RECENT_REQUESTS = 5;
/** How far back the lifetime in force is looked for: the deploy that set it may be behind many scales. */
const LIFETIME_HISTORY = 100;
/** The changes shown under "Last changes by ptbot". */
const RECENT_CHANGES = 3;

export async function loadEndpointStatus(
  deps: StatusQueryDeps,
  name: string,
  workspace = "default",
): Promise<EndpointStatus> {
  const [endpoint, history, changes] = await Promise.all([
    readEndpoint(deps.databricks, name),
    deps.store.findByEndpointName(workspace, name, { limit: LIFETIME_HISTORY }),
    deps.store.endpointChanges(workspace, name, { limit: RECENT_CHANGES }),
  ]);
  const requests = history.slice(0, RECENT_REQUESTS);
  const expiresAt = lifetimeInForce(history)?.lifetime.expiresAt;
  const base = {
    name,
    requests,
    changes,
    url: deps.databricks.endpointUrl(name),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
  if (endpoint.ok) return endpoint.value === undefined ? base : { ...base, endpoint: endpoint.value };
  return { ...base, lookupError: endpoint.code };
}

async function readEndpoint(
  databricks: StatusQueryDeps["databricks"],
  name: string,
): Promise<{ ok: true; value: ServingEndpoint | undefined } | { ok: false; code: string }> {
  try {
    return { ok: true, value: await databricks.getServingEndpoint(name) };
  } catch (error) {
    if (isNotFound(error)) return { ok: true, value: undefined };
    if (error instanceof PtbotError) return { ok: false, code: error.code };
    throw error;
  }
}
