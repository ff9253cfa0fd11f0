import type { Deployment, EndpointRecord } from "./endpoint-store.js";
import { DatabricksEmulatorError } from "./errors.js";

export type DeploymentPhase = "IN_PROGRESS" | "SUCCEEDED" | "FAILED";
export type EntityDeploymentState = "DEPLOYMENT_CREATING" | "DEPLOYMENT_READY" | "DEPLOYMENT_FAILED";

/** An endpoint as of one instant: the facts `GET /serving-endpoints/{name}` is rendered from. */
export interface EndpointStatus {
  readonly ready: "READY" | "NOT_READY";
  readonly configUpdate: "NOT_UPDATING" | "IN_PROGRESS" | "UPDATE_FAILED";
  /** Shown as `config`: the serving config, or, before any success, the config that failed. */
  readonly current: { readonly deployment: Deployment; readonly state: EntityDeploymentState } | undefined;
  /**
   * Shown as `pending_config`: the config being deployed while an update is in progress, and after a failed update
   * the config that failed (its entities DEPLOYMENT_FAILED with the reason), as Databricks keeps it there beside the
   * old config that still serves. A new update replaces it.
   */
  readonly pending: Deployment | undefined;
  /** The config that answers invocations (undefined while the endpoint is not READY). */
  readonly serving: Deployment | undefined;
  /** When `ready`/`config_update` took their present values. */
  readonly stateSince: number;
  /** `last_updated_timestamp`: moves with every state change and every user change. */
  readonly lastUpdated: number;
}

export function deploymentEnd(d: Deployment): number {
  return d.startTime + d.durationMs;
}

/** Done once its provisioning time has elapsed; the clock alone decides. */
export function phaseOf(d: Deployment, now: number): DeploymentPhase {
  if (now < deploymentEnd(d)) return "IN_PROGRESS";
  return d.failure === undefined ? "SUCCEEDED" : "FAILED";
}

/**
 * Computes an endpoint's state at `now`, lazily, from its deployments:
 * - latest in progress: `config` stays on the last success (READY) or is absent/failed (NOT_READY), the new
 *   config is `pending_config`, `config_update` IN_PROGRESS;
 * - latest succeeded: READY / NOT_UPDATING on it;
 * - latest failed: on a create, NOT_READY / UPDATE_FAILED with its entities DEPLOYMENT_FAILED; on an update,
 *   READY / UPDATE_FAILED still serving the previous config, the failed one left in `pending_config` with its
 *   entities DEPLOYMENT_FAILED and the reason in `deployment_state_message` (where the real service reports it).
 * `justStarted` renders the latest deployment as in progress whatever the clock says, as create and update
 * answers always are (even with a provisioning time of 0).
 */
export function endpointStatus(record: EndpointRecord, now: number, justStarted = false): EndpointStatus {
  const latest = record.deployments.at(-1);
  if (latest === undefined) {
    // The store creates every endpoint with its first deployment; reaching this is an emulator bug.
    throw new DatabricksEmulatorError("emulator_internal", `endpoint ${record.name} has no deployment`);
  }
  const earlier = record.deployments.slice(0, -1);
  const lastSuccess = earlier.findLast((d) => d.failure === undefined);
  const phase = justStarted ? "IN_PROGRESS" : phaseOf(latest, now);
  const lastUpdated = (since: number) => Math.max(record.creationTimestamp, record.tagsChangedAt, since);

  if (phase === "IN_PROGRESS") {
    const previous = earlier.at(-1);
    const current =
      lastSuccess !== undefined
        ? { deployment: lastSuccess, state: "DEPLOYMENT_READY" as const }
        : previous !== undefined
          ? { deployment: previous, state: "DEPLOYMENT_FAILED" as const }
          : undefined;
    return {
      ready: lastSuccess === undefined ? "NOT_READY" : "READY",
      configUpdate: "IN_PROGRESS",
      current,
      pending: latest,
      serving: lastSuccess,
      stateSince: latest.startTime,
      lastUpdated: lastUpdated(latest.startTime),
    };
  }
  const end = deploymentEnd(latest);
  if (phase === "SUCCEEDED") {
    return {
      ready: "READY",
      configUpdate: "NOT_UPDATING",
      current: { deployment: latest, state: "DEPLOYMENT_READY" },
      pending: undefined,
      serving: latest,
      stateSince: end,
      lastUpdated: lastUpdated(end),
    };
  }
  return {
    ready: lastSuccess === undefined ? "NOT_READY" : "READY",
    configUpdate: "UPDATE_FAILED",
    current:
      lastSuccess === undefined
        ? { deployment: latest, state: "DEPLOYMENT_FAILED" }
        : { deployment: lastSuccess, state: "DEPLOYMENT_READY" },
    pending: lastSuccess === undefined ? undefined : latest,
    serving: lastSuccess,
    stateSince: end,
    lastUpdated: lastUpdated(end),
  };
}
