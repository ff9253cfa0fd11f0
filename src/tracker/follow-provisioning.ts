import type { EndpointSummary } from "../databricks/index.js";
import { type DeployRequest, isStuck } from "../domain/index.js";
import { applyEvent } from "../workflow/apply-event.js";
import {
  followedEntity,
  readyFromSummary,
  sameObservation,
  summaryFingerprint,
  summaryMatches,
  toObservation,
} from "../workflow/endpoint-views.js";
import { readEndpoint } from "../workflow/resolve-deploy.js";
import type { CreateDeps } from "./start-create.js";

export interface FollowDeps extends CreateDeps {
  readonly provisioningLimitMs: number;
  /** Last list fingerprint seen per request: details are read only when it changes. In memory by design. */
  readonly fingerprints: Map<string, string>;
}

const LOG_TAIL_LINES = 15;
const LOG_TAIL_CHARS = 1500;

/** The end of a build log, short enough for a Slack message. */
export function logTail(logs: string): string {
  const lines = logs.trimEnd().split("\n").slice(-LOG_TAIL_LINES).join("\n");
  return lines.length <= LOG_TAIL_CHARS ? lines : lines.slice(-LOG_TAIL_CHARS);
}

/**
 * One look at one provisioning request, given the workspace's endpoint list from this tick. The list alone answers
 * the common cases: unchanged since the last look (or, on a first look, in the state last recorded), or READY on
 * this model version. The endpoint's details are read only for anything else (progress, failure, a surprise), then
 * it applies what it sees: still going (progress, or stuck past the limit, reported once), ready, or failed with the
 * deployment message and the build-log tail. With a thousand endpoints provisioning, this keeps a tick at one call.
 */
export async function followProvisioning(
  deps: FollowDeps,
  request: DeployRequest,
  summaries: ReadonlyMap<string, EndpointSummary>,
): Promise<void> {
  const name = request.endpointName;
  if (name === undefined) return;
  const summary = summaries.get(name);
  const fingerprint = summary === undefined ? "absent" : summaryFingerprint(summary);
  const seen = deps.fingerprints.get(request.id);
  if (
    seen === fingerprint ||
    (seen === undefined && summary !== undefined && summaryMatches(summary, request.endpoint))
  ) {
    deps.fingerprints.set(request.id, fingerprint);
    await reportIfStuck(deps, request);
    return;
  }
  const ready =
    summary === undefined || request.model === undefined
      ? undefined
      : readyFromSummary(summary, request.model, deps.clock.now());
  if (ready !== undefined) {
    await applyEvent(deps, request.id, { type: "provisioning_succeeded", endpoint: ready });
    deps.fingerprints.delete(request.id);
    return;
  }
  const endpoint = summary === undefined ? undefined : await readEndpoint(deps.databricks, name);
  if (endpoint === undefined) {
    await applyEvent(deps, request.id, {
      type: "provisioning_failed",
      endpoint: {
        ...(request.endpoint ?? { ready: "NOT_READY", configUpdate: "NOT_UPDATING" }),
        observedAt: deps.clock.now(),
      },
      code: "endpoint_deleted",
      message: `endpoint ${name} was deleted while it was provisioning`,
    });
    deps.fingerprints.delete(request.id);
    return;
  }
  const observation = toObservation(endpoint, deps.clock.now());
  if (observation.configUpdate === "UPDATE_FAILED" || observation.configUpdate === "UPDATE_CANCELED") {
    const entity = followedEntity(endpoint);
    const tail = entity?.name === undefined ? undefined : await buildLogTail(deps, name, entity.name);
    await applyEvent(deps, request.id, {
      type: "provisioning_failed",
      endpoint: tail === undefined ? observation : { ...observation, buildLogTail: tail },
    });
  } else if (observation.ready === "READY" && observation.configUpdate === "NOT_UPDATING") {
    await applyEvent(deps, request.id, { type: "provisioning_succeeded", endpoint: observation });
  } else if (!sameObservation(request.endpoint, observation)) {
    await applyEvent(deps, request.id, { type: "provisioning_progress", endpoint: observation });
    await reportIfStuck(deps, request);
  } else {
    await reportIfStuck(deps, request);
  }
  deps.fingerprints.set(request.id, fingerprint);
}

async function reportIfStuck(deps: FollowDeps, request: DeployRequest): Promise<void> {
  if (!isStuck(request, deps.clock.now(), deps.provisioningLimitMs)) return;
  await applyEvent(deps, request.id, { type: "provisioning_stuck", limitMs: deps.provisioningLimitMs });
}

async function buildLogTail(deps: FollowDeps, endpoint: string, entity: string): Promise<string | undefined> {
  try {
    return logTail(await deps.databricks.getBuildLogs(endpoint, entity));
  } catch (error) {
    deps.logger.warn({ err: error, endpoint }, "build logs unavailable");
    return undefined;
  }
}
