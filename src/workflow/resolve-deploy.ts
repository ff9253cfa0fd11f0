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
  type PlanPolicy,
  proposePlan,
  supersedes,
} from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { RequestStore } from "../store/request-store.js";
import { toExistingEndpoint } from "./endpoint-views.js";
import type { DatabricksApi } from "./ports.js";

export interface ResolveDeps {
  readonly databricks: DatabricksApi;
  readonly store: RequestStore;
  readonly policy: PlanPolicy;
}

/** What resolution found: the event to apply, and the card-less requests of the same requester it takes over. */
export interface Resolution {
  readonly event: DeployEvent;
  /** Ids to cancel once `event` is applied (see `supersedes`). */
  readonly superseded: readonly string[];
}

/**
 * Looks up everything a `resolving` request needs: the READY model version, its optimization info, and what the
 * endpoint serves today. Never throws for something a person can fix: the answer is a `resolution_failed` event with a
 * stable code (`model_not_found`, `model_version_not_ready`, `model_not_optimizable`, `endpoint_serves_other_model`,
 * `endpoint_in_use`, `databricks_unreachable`, ...).
 */
export async function resolveDeploy(deps: ResolveDeps, request: DeployRequest): Promise<Resolution> {
  try {
    const { ask } = request;
    const version = await deps.databricks.resolveModelVersion(ask.model, ask.version);
    const info = await deps.databricks.getOptimizationInfo(ask.model, version.version);
    const model = toModelInfo(canonicalModelName(ask.model), version.version, info);
    if (model === undefined) {
      return alone(
        failed(
          "model_not_optimizable",
          `${ask.model} version ${version.version} is not eligible for provisioned throughput`,
        ),
      );
    }
    const endpointName = ask.endpointName ?? defaultEndpointName(model.fullName, model.version);
    const others = (await deps.store.findActiveByEndpointName(request.workspace, endpointName)).filter(
      (r) => r.id !== request.id,
    );
    const superseded = others.filter((r) => supersedes(request, r)).map((r) => r.id);
    const other = others.find((r) => !superseded.includes(r.id));
    if (other !== undefined) {
      return alone({
        type: "resolution_failed",
        code: "endpoint_in_use",
        message: `request ${other.id} by ${other.requester.id} is already ${other.state.replace("_", " ")} for endpoint ${endpointName}`,
        endpointName,
        heldBy: other.requester.id,
      });
    }
    const existing = await readEndpoint(deps.databricks, endpointName);
    const decision = decideCreateOrUpdate(
      model,
      existing === undefined ? undefined : toExistingEndpoint(existing),
    );
    if (decision.kind === "refused") return alone(failed(decision.reason.code, decision.reason.message));
    const plan = proposePlan(model, deps.policy, {
      ...(ask.min === undefined ? {} : { min: ask.min }),
      ...(ask.max === undefined ? {} : { max: ask.max }),
      ...(ask.scaleToZero === undefined ? {} : { scaleToZero: ask.scaleToZero }),
    });
    return { event: { type: "resolved", model, plan, endpointName, mode: decision }, superseded };
  } catch (error) {
    return alone(resolutionFailure(error));
  }
}

function alone(event: DeployEvent): Resolution {
  return { event, superseded: [] };
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

function toModelInfo(fullName: string, version: number, info: OptimizationInfo): ModelInfo | undefined {
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

function failed(code: string, message: string): DeployEvent {
  return { type: "resolution_failed", code, message };
}

function resolutionFailure(error: unknown): DeployEvent {
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
