/**
 * Whether a deploy creates a new endpoint or updates an existing one, decided from what the endpoint serves now.
 * The workflow reads the endpoint through the Databricks client and passes it here as plain data.
 */
import type { ModelInfo } from "./model.js";
import type { Plan } from "./plan.js";

/** An existing serving endpoint, as the workflow saw it (served entities from `config`, else `pending_config`). */
export interface ExistingEndpoint {
  readonly name: string;
  readonly servedEntities: readonly ExistingServedEntity[];
  /** A configuration update is in progress (`config_update: IN_PROGRESS`): Databricks refuses another one. */
  readonly busy: boolean;
  /**
   * The endpoint is not READY: its config never came up (a create that failed), so deploying that same config again
   * is a change, not a no-op.
   */
  readonly notReady?: true;
}

export interface ExistingServedEntity {
  readonly entityName: string;
  /**
   * Databricks sends the version as a string; numbers are accepted too. Absent for what has no version (another
   * team's external model or pay-per-token foundation model).
   */
  readonly entityVersion?: string | number | undefined;
  /** tokens/second (`min_provisioned_throughput`). */
  readonly minThroughput?: number;
  /** tokens/second (`max_provisioned_throughput`). */
  readonly maxThroughput?: number;
  /** `provisioned_model_units`. */
  readonly modelUnits?: number;
  readonly scaleToZero?: boolean;
  /** Its share of the endpoint's traffic (`traffic_config.routes`), when the endpoint reports routes. */
  readonly trafficPercentage?: number;
}

/**
 * What the endpoint serves today, kept on an update request so the card can show the change ("2× → 4×").
 * `plan` is expressed in the *new* model version's chunk size; when the old numbers are not whole multiples of it,
 * the multiples are fractional (the raw numbers are kept beside it for an exact display).
 */
export interface CurrentServing {
  readonly entityName: string;
  readonly entityVersion: number;
  readonly plan: Plan;
  readonly minThroughput?: number;
  readonly maxThroughput?: number;
  readonly modelUnits?: number;
  /** The endpoint was not READY on it (see `ExistingEndpoint.notReady`). */
  readonly notReady?: true;
}

/** How the deploy reaches Databricks: a new endpoint, or a new config for an endpoint serving the same model. */
export type DeployMode =
  | { readonly kind: "create" }
  | { readonly kind: "update"; readonly current: CurrentServing };

/** Why ptbot will not touch an existing endpoint. */
export interface EndpointRefusal {
  readonly code:
    | "endpoint_serves_other_model"
    | "endpoint_serves_several_models"
    | "endpoint_busy"
    | "endpoint_serves_nothing";
  readonly message: string;
}

export type EndpointDecision = DeployMode | { readonly kind: "refused"; readonly reason: EndpointRefusal };

/**
 * No endpoint → create. An endpoint serving exactly this registered model (any version) → update, with the current
 * plan. Anything else is refused with a message that says what is there: another model (checked first, as the most
 * useful thing to know), an update in progress (try again when it finishes), several served entities (ptbot only
 * manages single-model endpoints, and an update would drop the others), or no served entity at all.
 */
export function decideCreateOrUpdate(
  model: ModelInfo,
  existing: ExistingEndpoint | undefined,
): EndpointDecision {
  if (existing === undefined) return { kind: "create" };
  const { name, servedEntities } = existing;
  const others = servedEntities.filter((e) => !sameModel(e.entityName, model.fullName));
  if (others.length > 0) {
    const what = others
      .map((e) => (e.entityVersion === undefined ? e.entityName : `${e.entityName} v${e.entityVersion}`))
      .join(", ");
    return refuse("endpoint_serves_other_model", `endpoint ${name} already serves ${what}`);
  }
  if (existing.busy) {
    return refuse(
      "endpoint_busy",
      `endpoint ${name} is being updated; try again when the update in progress finishes`,
    );
  }
  const [entity, ...more] = servedEntities;
  if (entity === undefined) {
    return refuse("endpoint_serves_nothing", `endpoint ${name} exists but serves no model`);
  }
  if (more.length > 0) {
    return refuse(
      "endpoint_serves_several_models",
      `endpoint ${name} serves ${servedEntities.length} versions of ${model.fullName}; ptbot only updates endpoints serving one`,
    );
  }
  const current = currentServing(model, entity);
  return { kind: "update", current: existing.notReady === true ? { ...current, notReady: true } : current };
}

/** Unity Catalog names are case-insensitive. */
function sameModel(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function refuse(code: EndpointRefusal["code"], message: string): EndpointDecision {
  return { kind: "refused", reason: { code, message } };
}

function currentServing(model: ModelInfo, entity: ExistingServedEntity): CurrentServing {
  const chunk = model.chunkSize;
  const scaleToZero = entity.scaleToZero ?? false;
  let plan: Plan;
  if (model.unit === "model_units") {
    const units = (entity.modelUnits ?? entity.maxThroughput ?? 0) / chunk;
    plan = { minMultiple: units, maxMultiple: units, scaleToZero };
  } else {
    plan = {
      minMultiple: (entity.minThroughput ?? 0) / chunk,
      maxMultiple: (entity.maxThroughput ?? entity.modelUnits ?? 0) / chunk,
      scaleToZero,
    };
  }
  return {
    entityName: entity.entityName,
    entityVersion: Number(entity.entityVersion),
    plan,
    ...(entity.minThroughput === undefined ? {} : { minThroughput: entity.minThroughput }),
    ...(entity.maxThroughput === undefined ? {} : { maxThroughput: entity.maxThroughput }),
    ...(entity.modelUnits === undefined ? {} : { modelUnits: entity.modelUnits }),
  };
}
