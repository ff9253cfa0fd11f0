import type { EndpointSummary, ServedEntity } from "../databricks/index.js";
import {
  type DeployRequest,
  type EndpointObservation,
  endpointTarget,
  isElapsedDue,
  isStuck,
} from "../domain/index.js";
import { applyEvent } from "../workflow/apply-event.js";
import {
  describeEntities,
  followedEntity,
  newestEntities,
  readyFromSummary,
  sameObservation,
  servesTarget,
  summaryFingerprint,
  summaryMatches,
  toObservation,
} from "../workflow/endpoint-views.js";
import { readEndpoint } from "../workflow/resolve-deploy.js";
import type { CreateDeps } from "./start-create.js";

export interface FollowDeps extends CreateDeps {
  readonly provisioningLimitMs: number;
  /** Past this the card shows how long provisioning has run, refreshed at most every `elapsedEveryMs`. */
  readonly elapsedAfterMs: number;
  readonly elapsedEveryMs: number;
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
 * the common cases: still in progress and unchanged since the last look (or, on a first look, in the in-progress
 * state last recorded), READY on exactly this request's config, or READY on another model or version. The
 * endpoint's details are read for anything else (progress, failure, a READY entry that does not show the band, a
 * surprise), then it applies what it sees: still going (progress, or stuck past the limit, reported once), READY
 * on this request's model, version and band, someone else's config (failed, saying what it serves now), or failed
 * with the deployment message and the build-log tail. With a thousand endpoints provisioning, this keeps a tick at
 * one list call, and a details read per endpoint when its state changes.
 */
export async function followProvisioning(
  deps: FollowDeps,
  request: DeployRequest,
  summaries: ReadonlyMap<string, EndpointSummary>,
): Promise<void> {
  const target = endpointTarget(request);
  if (target === undefined) return;
  const name = target.endpointName;
  const summary = summaries.get(name);
  const fingerprint = summary === undefined ? "absent" : summaryFingerprint(summary);
  const seen = deps.fingerprints.get(request.id);
  // Unchanged since the last look; or a first look at an update still in progress as last recorded. A first look
  // at a settled endpoint is concluded now (a restart that finds it READY already must say so).
  if (
    summary !== undefined &&
    (seen === fingerprint ||
      (seen === undefined &&
        summary.state.config_update === "IN_PROGRESS" &&
        summaryMatches(summary, request.endpoint)))
  ) {
    deps.fingerprints.set(request.id, fingerprint);
    await reportIfStuck(deps, request);
    return;
  }
  const fromList = summary === undefined ? undefined : readyFromSummary(summary, target, deps.clock.now());
  if (fromList?.kind === "ready") {
    await applyEvent(deps, request.id, { type: "provisioning_succeeded", endpoint: fromList.endpoint });
    deps.fingerprints.delete(request.id);
    return;
  }
  if (fromList?.kind === "other" && summary !== undefined) {
    await changedElsewhere(deps, request, summary.config?.served_entities ?? [], {
      ready: "READY",
      configUpdate: "NOT_UPDATING",
      observedAt: deps.clock.now(),
    });
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
  const observation = toObservation(endpoint, deps.clock.now(), target);
  if (observation.configUpdate === "UPDATE_FAILED" || observation.configUpdate === "UPDATE_CANCELED") {
    const entity = followedEntity(endpoint, target);
    const tail = entity?.name === undefined ? undefined : await buildLogTail(deps, name, entity.name);
    await applyEvent(deps, request.id, {
      type: "provisioning_failed",
      endpoint: tail === undefined ? observation : { ...observation, buildLogTail: tail },
    });
  } else if (servesTarget(newestEntities(endpoint), target) === "no") {
    await changedElsewhere(deps, request, newestEntities(endpoint), observation);
    return;
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

/** The endpoint serves (or is deploying) a config that is not this request's: end it, saying what is there now. */
async function changedElsewhere(
  deps: FollowDeps,
  request: DeployRequest,
  entities: readonly ServedEntity[],
  observation: EndpointObservation,
): Promise<void> {
  await applyEvent(deps, request.id, {
    type: "provisioning_failed",
    endpoint: observation,
    code: "endpoint_changed_elsewhere",
    message: `endpoint ${request.endpointName ?? "?"} now serves ${describeEntities(entities)}`,
  });
  deps.fingerprints.delete(request.id);
}

async function reportIfStuck(deps: FollowDeps, request: DeployRequest): Promise<void> {
  const now = deps.clock.now();
  // The card shows the elapsed time (a card edit, no message), before the one "stuck" message if that is due too.
  if (isElapsedDue(request, now, deps.elapsedAfterMs, deps.elapsedEveryMs)) {
    await applyEvent(deps, request.id, {
      type: "provisioning_elapsed",
      typicalMs: deps.elapsedAfterMs,
      everyMs: deps.elapsedEveryMs,
    });
  }
  if (!isStuck(request, now, deps.provisioningLimitMs)) return;
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
