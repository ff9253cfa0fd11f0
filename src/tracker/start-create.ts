import { isDatabricksApiError, isTransient, type ServingEndpoint } from "../databricks/index.js";
import {
  createRetriesExhausted,
  type DeployRequest,
  type EndpointSpec,
  type ReasonCode,
  toServedEntity,
} from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { Logger } from "../logger.js";
import { type ApplyDeps, applyEvent } from "../workflow/apply-event.js";
import { describeEntities, newestEntities, servesSpec, toObservation } from "../workflow/endpoint-views.js";
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

function entityInput(spec: EndpointSpec) {
  return { served_entities: [spec.servedEntity] };
}

/**
 * Approved → creating, then the one Databricks call. Runs under the tracker's lease, after the compare-and-set
 * write that claimed the create: a second replica, a double click or a Slack retry can never get here twice.
 */
export async function startCreate(deps: CreateDeps, request: DeployRequest): Promise<void> {
  const started = await applyEvent(deps, request.id, { type: "create_started" });
  if (!started.ok) return;
  const call = started.effects.find((e) => e.type === "create_endpoint" || e.type === "update_endpoint");
  if (call === undefined || (call.type !== "create_endpoint" && call.type !== "update_endpoint")) return;
  await send(deps, started.request, call.type === "create_endpoint" ? "create" : "update", call.spec);
}

/**
 * A request found in `creating` (the process died mid-call, or the call failed transiently): read the endpoint back
 * and decide, never re-send blindly. Ours (a create: tagged with this request; an update: the config it is heading
 * for is exactly ours, model, version and band) → accepted; absent → send the create again; an update whose
 * read-back shows another config and nothing in progress (the PUT never arrived) → send it again; someone else's
 * change → failed, saying what the endpoint serves.
 */
export async function resumeCreate(deps: CreateDeps, request: DeployRequest): Promise<void> {
  if (request.model === undefined || request.plan === undefined || request.endpointName === undefined) return;
  const spec = toServedEntity(request.model, request.plan, request.endpointName);
  const kind = request.mode?.kind === "update" ? "update" : "create";
  let endpoint: ServingEndpoint | undefined;
  try {
    endpoint = await readEndpoint(deps.databricks, request.endpointName);
  } catch (error) {
    if (isTransient(error)) return; // Try again at the next check.
    throw error;
  }
  if (endpoint !== undefined && isOurs(endpoint, request, kind, spec)) {
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
        `Databricks did not take the ${kind} of endpoint ${request.endpointName} within ` +
        `${Math.round(deps.createFailAfterMs / 60_000)} min; last error: ${request.createRetry?.lastError ?? "none"}`,
    });
    return;
  }
  if (resend) {
    await send(deps, request, kind, spec);
    return;
  }
  await applyEvent(deps, request.id, {
    type: "create_failed",
    code: "endpoint_taken",
    message:
      endpoint === undefined
        ? `endpoint ${request.endpointName} disappeared before its config could be updated`
        : `endpoint ${request.endpointName} was changed by someone else while ptbot was working on it: it is ` +
          `deploying ${describeEntities(newestEntities(endpoint))}`,
  });
}

function isOurs(
  endpoint: ServingEndpoint,
  request: DeployRequest,
  kind: "create" | "update",
  spec: EndpointSpec,
): boolean {
  if (kind === "create") return endpoint.tags.some((t) => t.key === REQUEST_ID_TAG && t.value === request.id);
  return servesSpec(newestEntities(endpoint), spec) === "yes";
}

async function send(
  deps: CreateDeps,
  request: DeployRequest,
  kind: "create" | "update",
  spec: EndpointSpec,
): Promise<void> {
  const log = deps.logger.child({ requestId: request.id, endpoint: spec.endpointName });
  const since = deps.clock.now();
  try {
    let endpoint: ServingEndpoint;
    if (kind === "create") {
      endpoint = await deps.databricks.createServingEndpoint({
        name: spec.endpointName,
        config: entityInput(spec),
        tags: tagsFor(request),
      });
    } else {
      endpoint = await deps.databricks.updateServingEndpointConfig(spec.endpointName, entityInput(spec));
      await deps.databricks
        .patchServingEndpointTags(spec.endpointName, { add_tags: tagsFor(request) })
        .catch((error: unknown) => log.warn({ err: error }, "endpoint tags not updated"));
    }
    log.info({ kind }, "endpoint config accepted");
    await accepted(deps, request, endpoint);
  } catch (error) {
    if (isTransient(error)) {
      // The workspace did not say no: leave the request in `creating`; the next check reads back and decides.
      log.warn({ err: error }, "endpoint call failed transiently");
      await applyEvent(deps, request.id, {
        type: "create_retrying",
        since,
        message: error.message,
        noticeAfterMs: deps.createNoticeAfterMs,
      });
      return;
    }
    if (!(error instanceof PtbotError)) throw error;
    log.warn({ err: error, code: error.code }, "endpoint call refused");
    await applyEvent(deps, request.id, {
      type: "create_failed",
      code: createFailureCode(error),
      message: error.message,
    });
  }
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
    endpoint: toObservation(endpoint, deps.clock.now()),
  });
}
