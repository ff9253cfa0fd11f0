import {
  canonicalModelName,
  changedEntity,
  currentTarget,
  type DeployEvent,
  type DeployRequest,
  decideCreateOrUpdate,
  earlierConfig,
  nameConflict,
  nameRefused,
  narrowedTo,
  type ReasonCode,
  requestKind,
  scalePlan,
} from "../domain/index.js";
import type { RequestStore } from "../store/request-store.js";
import { REQUEST_ID_TAG } from "../tracker/start-create.js";
import { describeEntities, newestEntities, toExistingEndpoint } from "./endpoint-views.js";
import type { Clock, DatabricksApi } from "./ports.js";
import { readEndpoint, resolutionFailure, toModelInfo } from "./resolve-deploy.js";

export interface ResolveChangeDeps {
  readonly databricks: DatabricksApi;
  readonly store: Pick<RequestStore, "findHolder" | "findByEndpointName">;
  readonly clock: Clock;
}

/** Enough history for any endpoint's rollback: the requests done on it, newest first. */
const HISTORY_LIMIT = 200;

/**
 * Looks up what a scale, rollback or delete needs, from the endpoint as it is: what it serves (one served entity of
 * a Unity Catalog model version), that ptbot created it (its `ptbot_request_id` tag) unless `--adopt` was given,
 * that no update is in progress (named), the served model's optimization info, and for a rollback the config ptbot
 * applied before the current one (from the requests done on the endpoint). The answer is the `resolved` event with
 * the update the request proposes (the transition refuses one that changes nothing, or breaks the policy), or a
 * `resolution_failed` with a stable code; never throws for something a person can fix.
 */
export async function resolveChange(deps: ResolveChangeDeps, request: DeployRequest): Promise<DeployEvent> {
  const name = request.ask.endpointName ?? "";
  const kind = requestKind(request);
  try {
    const holder = await deps.store.findHolder(request.workspace, name);
    if (holder !== undefined && holder.id !== request.id) {
      const conflict = nameConflict(request, holder, deps.clock.now());
      if (conflict !== "supersede") return nameRefused(conflict, name, holder);
    }
    const endpoint = await readEndpoint(deps.databricks, name);
    if (endpoint === undefined) return failed("endpoint_not_found", `no endpoint ${name} in the workspace`);
    const managed = endpoint.tags.some((t) => t.key === REQUEST_ID_TAG);
    if (!managed && request.ask.adopt !== true) {
      return failed(
        "endpoint_not_managed",
        `endpoint ${name} was not created by ptbot (no ${REQUEST_ID_TAG} tag)`,
      );
    }
    const existing = toExistingEndpoint(endpoint);
    if (existing.busy) {
      return failed(
        "endpoint_busy",
        `endpoint ${name} is being updated: it is deploying ${describeEntities(newestEntities(endpoint))}`,
      );
    }
    // An adopted endpoint may serve several entities: the change is to one of them, the others are carried over.
    const changed = changedEntity(existing);
    if (changed.kind === "none") return failed("endpoint_serves_nothing", `endpoint ${name} serves no model`);
    if (changed.kind === "ambiguous") {
      return failed(
        "endpoint_serves_several_models",
        `endpoint ${name} serves ${changed.count} models and none takes most of the traffic; which one to change cannot be told`,
      );
    }
    const entity = changed.entity;
    const served = narrowedTo(existing, entity);
    const version = Number(entity.entityVersion);
    if (!Number.isInteger(version) || version < 1) {
      return failed(
        "endpoint_serves_other_model",
        `endpoint ${name} serves ${entity.entityName}, not a Unity Catalog model version`,
      );
    }
    const info = await deps.databricks.getOptimizationInfo(entity.entityName, version);
    const model = toModelInfo(canonicalModelName(entity.entityName), version, info);
    if (model === undefined) {
      return failed(
        "model_not_optimizable",
        `${entity.entityName} version ${version} is not eligible for provisioned throughput`,
      );
    }
    const decision = decideCreateOrUpdate(model, served);
    if (decision.kind !== "update") {
      return decision.kind === "refused"
        ? failed(decision.reason.code, decision.reason.message)
        : failed("endpoint_not_found", `no endpoint ${name} in the workspace`);
    }
    const adopted = managed ? {} : { adopted: true };
    const base = { type: "resolved" as const, endpointName: name, ...adopted };
    switch (kind) {
      case "rollback": {
        const history = await deps.store.findByEndpointName(request.workspace, name, {
          limit: HISTORY_LIMIT,
        });
        const earlier = earlierConfig(history, currentTarget(name, decision.current));
        if (earlier === undefined) {
          return failed(
            "no_earlier_config",
            `no config ptbot applied to endpoint ${name} before the current one`,
          );
        }
        // The current band in multiples of the earlier version's chunk, for the card's "before".
        const mode = decideCreateOrUpdate(earlier.model, served);
        if (mode.kind !== "update") return failed("endpoint_serves_other_model", `endpoint ${name} changed`);
        return { ...base, model: earlier.model, plan: earlier.plan, mode };
      }
      case "scale":
        return { ...base, model, plan: scalePlan(decision.current, request.ask), mode: decision };
      default:
        return { ...base, model, plan: decision.current.plan, mode: decision };
    }
  } catch (error) {
    return resolutionFailure(error);
  }
}

function failed(code: ReasonCode, message: string): DeployEvent {
  return { type: "resolution_failed", code, message };
}
