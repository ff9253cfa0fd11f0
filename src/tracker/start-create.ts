import {
  isConflict,
  isDatabricksApiError,
  isInvalidRequest,
  isNotFound,
  isTransient,
  type ServingEndpoint,
  toConfigUpdateInput,
  toEndpointConfigInput,
} from "../databricks/index.js";
import {
  createRetriesExhausted,
  type DeployRequest,
  type EndpointTarget,
  endpointTarget,
  type ReasonCode,
  requestKind,
} from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { Logger } from "../logger.js";
import { type ApplyDeps, applyEvent } from "../workflow/apply-event.js";
import { describeEntities, newestEntities, servesTarget, toObservation } from "../workflow/endpoint-views.js";
import type { DatabricksApi } from "../workflow/ports.js";
import { readEndpoint } from "../workflow/resolve-deploy.js";

export interface CreateDeps extends ApplyDeps {
  readonly databricks: DatabricksApi;
  readonly logger: Logger;
  /** A create not taken for this long (failing transiently, or unanswered) is reported in its thread, once. */
  readonly createNoticeAfterMs: number;
  /** A create not taken for this long fails with the last error, once a read-back shows nothing landed. */
  readonly createFailAfterMs: number;
}

/** The tag that ties an endpoint to the request that created it: how a restart recognises its own create. */
export const REQUEST_ID_TAG = "ptbot_request_id";

function tagsFor(request: DeployRequest) {
  return [
    { key: REQUEST_ID_TAG, value: request.id },
    { key: "ptbot_requester", value: request.requester.id },
    { key: "ptbot_approver", value: request.approvals.map((a) => a.by).join(",") },
  ];
}

/** The Databricks work a request in `approved` or `creating` stands for: which call, and the endpoint it targets. */
interface EndpointWork {
  readonly kind: "create" | "update" | "delete";
  readonly target: EndpointTarget;
}

/** Follows from the saved request alone, so starting and resuming always aim at the same endpoint. */
function workOf(request: DeployRequest): EndpointWork | undefined {
  const target = endpointTarget(request);
  if (target === undefined) return undefined;
  if (requestKind(request) === "delete") return { kind: "delete", target };
  return { kind: request.mode?.kind === "update" ? "update" : "create", target };
}

/**
 * Approved → creating, then the one Databricks call. Runs under the tracker's lease, after the compare-and-set
 * write that claimed the create: a second replica, a double click or a Slack retry can never get here twice.
 */
export async function startCreate(deps: CreateDeps, request: DeployRequest): Promise<void> {
  const started = await applyEvent(deps, request.id, { type: "create_started" });
  if (!started.ok) return;
  const work = workOf(started.request);
  if (work === undefined) return;
  if (work.kind === "delete") await sendDelete(deps, started.request, work.target.endpointName);
  else await send(deps, started.request, work);
}

/**
 * A request found in `creating` (the process died mid-call, or the call failed transiently): read the endpoint back
 * and decide, never re-send blindly. Ours (a create: tagged with this request; an update: the config it is heading
 * for is exactly ours, model, version and band) → accepted; absent → send the create again; an update whose
 * read-back shows another config and nothing in progress (the PUT never arrived) → send it again; someone else's
 * change → failed, saying what the endpoint serves.
 */
export async function resumeCreate(deps: CreateDeps, request: DeployRequest): Promise<void> {
  const work = workOf(request);
  if (work === undefined) return;
  const { kind, target } = work;
  let endpoint: ServingEndpoint | undefined;
  try {
    endpoint = await readEndpoint(deps.databricks, target.endpointName);
  } catch (error) {
    if (isTransient(error)) return; // Try again at the next check.
    throw error;
  }
  if (kind === "delete") {
    await resumeDelete(deps, request, target.endpointName, endpoint);
    return;
  }
  const waiting = request.createRetry?.waitingForUpdateSince !== undefined;
  if (
    kind === "update" &&
    waiting &&
    endpoint !== undefined &&
    endpoint.state.config_update === "IN_PROGRESS" &&
    !isOurs(endpoint, request, work)
  ) {
    await waitForOtherUpdate(deps, request, target.endpointName, endpoint);
    return;
  }
  if (endpoint !== undefined && isOurs(endpoint, request, work)) {
    await accepted(deps, request, endpoint);
    return;
  }
  const resend =
    (endpoint === undefined && kind === "create") ||
    (endpoint !== undefined && kind === "update" && endpoint.state.config_update !== "IN_PROGRESS");
  if (resend && createRetriesExhausted(request, deps.clock.now(), deps.createFailAfterMs)) {
    // Read back just now: nothing of ours landed, so saying "nothing was changed" is true.
    await applyEvent(deps, request.id, {
      type: "create_failed",
      code: "databricks_unreachable",
      message:
        `Databricks did not take the ${kind} of endpoint ${target.endpointName} within ` +
        `${Math.round(deps.createFailAfterMs / 60_000)} min; last error: ${request.createRetry?.lastError ?? "none"}`,
    });
    return;
  }
  if (resend) {
    await send(deps, request, work);
    return;
  }
  await applyEvent(deps, request.id, {
    type: "create_failed",
    code: "endpoint_taken",
    message:
      endpoint === undefined
        ? `endpoint ${target.endpointName} disappeared before its config could be updated`
        : `endpoint ${target.endpointName} was changed by someone else while ptbot was working on it: it is ` +
          `deploying ${describeEntities(newestEntities(endpoint))}`,
  });
}

/**
 * Databricks refused our update because another one was in progress, and it still is: wait for it to end (the next
 * check reads back again), within the bound on a call not taken; past it, fail saying what is in progress.
 */
async function waitForOtherUpdate(
  deps: CreateDeps,
  request: DeployRequest,
  name: string,
  endpoint: ServingEndpoint,
): Promise<void> {
  const other = describeEntities(newestEntities(endpoint));
  if (createRetriesExhausted(request, deps.clock.now(), deps.createFailAfterMs)) {
    await applyEvent(deps, request.id, {
      type: "create_failed",
      code: "endpoint_busy",
      message:
        `another config update of endpoint ${name} (deploying ${other}) was still in progress after ` +
        `${Math.round(deps.createFailAfterMs / 60_000)} min, so ptbot did not send this one; nothing was changed`,
    });
    return;
  }
  await retryLater(
    deps,
    request,
    deps.clock.now(),
    `another config update is in progress (deploying ${other})`,
    {
      busy: true,
    },
  );
}

/** A delete found in `deleting`: gone already → deleted; still there → send the DELETE again (within the bound). */
async function resumeDelete(
  deps: CreateDeps,
  request: DeployRequest,
  name: string,
  endpoint: ServingEndpoint | undefined,
): Promise<void> {
  if (endpoint === undefined) {
    await applyEvent(deps, request.id, { type: "deleted" });
    return;
  }
  if (createRetriesExhausted(request, deps.clock.now(), deps.createFailAfterMs)) {
    await applyEvent(deps, request.id, {
      type: "create_failed",
      code: "databricks_unreachable",
      message:
        `Databricks did not take the delete of endpoint ${name} within ` +
        `${Math.round(deps.createFailAfterMs / 60_000)} min; last error: ${request.createRetry?.lastError ?? "none"}`,
    });
    return;
  }
  await sendDelete(deps, request, name);
}

/** The one DELETE call; an endpoint already gone (a retried delete whose first attempt landed) counts as deleted. */
async function sendDelete(deps: CreateDeps, request: DeployRequest, name: string): Promise<void> {
  const log = deps.logger.child({ requestId: request.id, endpoint: name });
  const since = deps.clock.now();
  try {
    await deps.databricks.deleteServingEndpoint(name);
  } catch (error) {
    if (isNotFound(error)) {
      log.info({}, "endpoint already gone");
    } else if (isTransient(error)) {
      log.warn({ err: error }, "endpoint delete failed transiently");
      await retryLater(deps, request, since, error.message);
      return;
    } else if (error instanceof PtbotError) {
      if (isDatabricksApiError(error)) log.warn({ err: error, code: error.code }, "endpoint delete refused");
      else log.error({ err: error, code: error.code }, "endpoint delete failed in ptbot");
      await applyEvent(deps, request.id, {
        type: "create_failed",
        code: createFailureCode(error),
        message: error.message,
      });
      return;
    } else {
      throw error;
    }
  }
  log.info({}, "endpoint deleted");
  await applyEvent(deps, request.id, { type: "deleted" });
}

/**
 * Leaves the request where it is (`create_retrying`), to be sent again or read back at its next check; its thread
 * hears it once the trouble has lasted `createNoticeAfterMs` (at once for the first `busy` answer).
 */
async function retryLater(
  deps: CreateDeps,
  request: DeployRequest,
  since: number,
  message: string,
  options: { readonly busy?: true } = {},
): Promise<void> {
  await applyEvent(deps, request.id, {
    type: "create_retrying",
    since,
    message,
    noticeAfterMs: deps.createNoticeAfterMs,
    ...options,
  });
}

/** Databricks' answer to an update while another is in progress (the exact status is not public: both are seen). */
function isBusy(error: unknown): boolean {
  return isConflict(error) || (isInvalidRequest(error) && error.errorCode === "INVALID_STATE");
}

function isOurs(endpoint: ServingEndpoint, request: DeployRequest, work: EndpointWork): boolean {
  if (work.kind === "create") {
    return endpoint.tags.some((t) => t.key === REQUEST_ID_TAG && t.value === request.id);
  }
  return servesTarget(newestEntities(endpoint), work.target) === "yes";
}

async function send(deps: CreateDeps, request: DeployRequest, work: EndpointWork): Promise<void> {
  const { kind, target } = work;
  const name = target.endpointName;
  const log = deps.logger.child({ requestId: request.id, endpoint: name });
  const since = deps.clock.now();
  let endpoint: ServingEndpoint;
  try {
    if (kind === "create") {
      endpoint = await deps.databricks.createServingEndpoint({
        name,
        config: toEndpointConfigInput(target),
        tags: tagsFor(request),
      });
    } else {
      // A PUT replaces the whole config: start from the endpoint as it is, so only the target's parts change.
      const current = await deps.databricks.getServingEndpoint(name);
      endpoint = await deps.databricks.updateServingEndpointConfig(
        name,
        toConfigUpdateInput(current, target),
      );
      await deps.databricks
        .patchServingEndpointTags(name, { add_tags: tagsFor(request) })
        .catch((error: unknown) => log.warn({ err: error }, "endpoint tags not updated"));
    }
  } catch (error) {
    if (isTransient(error)) {
      // The workspace did not say no: leave the request in `creating`; the next check reads back and decides.
      log.warn({ err: error }, "endpoint call failed transiently");
      await retryLater(deps, request, since, error.message);
      return;
    }
    if (kind === "update" && isBusy(error)) {
      // Another config update is in progress: wait for it to end, then send ours (the next check reads back).
      log.info({}, "endpoint busy with another update");
      await retryLater(deps, request, since, "another config update is in progress", { busy: true });
      return;
    }
    if (!(error instanceof PtbotError)) throw error;
    // Either fails the request; the log tells Databricks saying no from ptbot failing on its side of the call (its
    // credentials setup, say), which is ours to fix, not the workspace's answer.
    if (isDatabricksApiError(error)) log.warn({ err: error, code: error.code }, "endpoint call refused");
    else log.error({ err: error, code: error.code }, "endpoint call failed in ptbot");
    await applyEvent(deps, request.id, {
      type: "create_failed",
      code: createFailureCode(error),
      message: error.message,
    });
    return;
  }
  log.info({ kind }, "endpoint config accepted");
  // Outside the catch above, which judges Databricks' answer: a database out of reach here is no refusal (the
  // endpoint exists). It propagates as an outage; the request stays `creating`, and the next check reads the endpoint
  // back and records it accepted.
  await accepted(deps, request, endpoint);
}

/**
 * The domain's reason for a create or update call that was refused: Databricks' error code (or ptbot's own) is
 * mapped here, at the edge, so the request stores a code the Slack layer has words for.
 */
function createFailureCode(error: PtbotError): ReasonCode {
  if (!isDatabricksApiError(error)) return "internal_error";
  switch (error.code) {
    case "databricks_unauthorized":
    case "databricks_permission_denied":
    case "databricks_conflict":
    case "databricks_invalid":
      return error.code;
    case "databricks_not_found":
      return "databricks_refused";
    case "databricks_server_error":
    case "databricks_bad_response":
      return "databricks_unexpected_answer";
    case "databricks_rate_limited":
    case "databricks_unavailable":
    case "databricks_timeout":
    case "databricks_network":
      // Transient: retried above, so not seen here; should one be, nothing was taken.
      return "databricks_unreachable";
  }
}

async function accepted(deps: CreateDeps, request: DeployRequest, endpoint: ServingEndpoint): Promise<void> {
  await applyEvent(deps, request.id, {
    type: "create_accepted",
    endpoint: toObservation(endpoint, deps.clock.now(), endpointTarget(request)),
  });
}
