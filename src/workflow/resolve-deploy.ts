import {
  isDatabricksApiError,
  isModelVersionNotReady,
  isNotFound,
  isPermissionDenied,
  isUnauthorized,
  type OptimizationInfo,
} from "../databricks/index.js";
import {
  canonicalModelName,
  type DeployEvent,
  type DeployRequest,
  decideCreateOrUpdate,
  defaultEndpointName,
  type ModelInfo,
  nameConflict,
  nameRefused,
  type PlanPolicy,
  proposePlan,
  type ReasonCode,
} from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { RequestStore } from "../store/request-store.js";
import { toExistingEndpoint } from "./endpoint-views.js";
import type { Clock, DatabricksApi } from "./ports.js";

export interface ResolveDeps {
  readonly databricks: DatabricksApi;
  readonly store: Pick<RequestStore, "findHolder">;
  readonly policy: PlanPolicy;
  readonly clock: Clock;
}

/**
 * Looks up everything a `resolving` request needs: the READY model version, its optimization info, and what the
 * endpoint serves today. Never throws for something a person can fix: the answer is a `resolution_failed` event with a
 * stable code (`model_not_found`, `model_version_not_ready`, `model_not_optimizable`, `endpoint_serves_other_model`,
 * `endpoint_in_use`, `duplicate_request`, `already_serving` (decided by the transition), `databricks_unreachable`, ...).
 * A name another request holds is refused here, before any lookup of the endpoint, unless the holder is the
 * requester's own abandoned request: the store's hold is what decides, when the `resolved` event is saved.
 */
export async function resolveDeploy(deps: ResolveDeps, request: DeployRequest): Promise<DeployEvent> {
  try {
    const { ask } = request;
    const version = await deps.databricks.resolveModelVersion(ask.model, ask.version);
    const info = await deps.databricks.getOptimizationInfo(ask.model, version.version);
    const model = toModelInfo(canonicalModelName(ask.model), version.version, info);
    if (model === undefined) {
      return failed(
        "model_not_optimizable",
        `${ask.model} version ${version.version} is not eligible for provisioned throughput`,
      );
    }
    const endpointName = ask.endpointName ?? defaultEndpointName(model.fullName, model.version);
    const holder = await deps.store.findHolder(request.workspace, endpointName);
    if (holder !== undefined && holder.id !== request.id) {
      const conflict = nameConflict(request, holder, deps.clock.now());
      if (conflict !== "supersede") return nameRefused(conflict, endpointName, holder);
    }
    const existing = await readEndpoint(deps.databricks, endpointName);
    const decision = decideCreateOrUpdate(
      model,
      existing === undefined ? undefined : toExistingEndpoint(existing),
    );
    if (decision.kind === "refused") return failed(decision.reason.code, decision.reason.message);
    const plan = proposePlan(model, deps.policy, {
      ...(ask.min === undefined ? {} : { min: ask.min }),
      ...(ask.max === undefined ? {} : { max: ask.max }),
      ...(ask.scaleToZero === undefined ? {} : { scaleToZero: ask.scaleToZero }),
    });
    return { type: "resolved", model, plan, endpointName, mode: decision };
  } catch (error) {
    return resolutionFailure(error);
  }
}

/** The endpoint as Databricks serves it now, or undefined when no endpoint has that name. */
export async function readEndpoint(databricks: DatabricksApi, name: string) {
  try {
    return await databricks.getServingEndpoint(name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function toModelInfo(
  fullName: string,
  version: number,
  info: OptimizationInfo,
): ModelInfo | undefined {
  if (!info.optimizable) return undefined;
  const modelType = info.model_type ?? "unknown";
  const dbus = info.dbus === undefined ? {} : { dbus: info.dbus };
  if (info.model_unit_chunk_size !== undefined && info.model_unit_chunk_size > 0) {
    return {
      fullName,
      version,
      modelType,
      unit: "model_units",
      chunkSize: info.model_unit_chunk_size,
      ...dbus,
    };
  }
  if (info.throughput_chunk_size !== undefined && info.throughput_chunk_size > 0) {
    return {
      fullName,
      version,
      modelType,
      unit: "tokens_per_second",
      chunkSize: info.throughput_chunk_size,
      ...dbus,
    };
  }
  return undefined;
}

function failed(code: ReasonCode, message: string): DeployEvent {
  return { type: "resolution_failed", code, message };
}

export function resolutionFailure(error: unknown): DeployEvent {
  if (isModelVersionNotReady(error)) return failed("model_version_not_ready", error.message);
  if (error instanceof PtbotError && error.code === "model_no_ready_version") {
    return failed("model_no_ready_version", error.message);
  }
  if (isNotFound(error)) return failed("model_not_found", error.message);
  if (isPermissionDenied(error)) return failed("databricks_permission_denied", error.message);
  if (isUnauthorized(error)) return failed("databricks_unauthorized", error.message);
  if (isDatabricksApiError(error)) {
    const code = error.code === "databricks_invalid" ? "databricks_refused" : "databricks_unreachable";
    return failed(code, error.message);
  }
  throw error;
}
