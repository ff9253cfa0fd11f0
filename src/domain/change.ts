/**
 * What a scale or a rollback proposes for an endpoint ptbot reads as it is: the rules behind `/pt scale` and
 * `/pt rollback`, pure. The workflow reads the endpoint and the requests done on it, and passes them here.
 */
import type { CurrentServing } from "./create-or-update.js";
import {
  type EndpointTarget,
  endpointTarget,
  type Plan,
  type PlanAsk,
  sameBand,
  type TargetBand,
} from "./plan.js";
import { type DeployRequest, isResolved, type ResolvedDeployRequest, requestKind } from "./request.js";

/**
 * The plan a scale proposes: the endpoint's current plan (in multiples of its model's chunk), with each part the
 * command gave replacing the current one; parts left out keep their current value. Not validated: the `resolved`
 * transition checks it as it checks a deploy's (policy maximum, min 0 only with scale to zero, nothing to change).
 */
export function scalePlan(current: CurrentServing, ask: PlanAsk): Plan {
  return {
    minMultiple: ask.min ?? current.plan.minMultiple,
    maxMultiple: ask.max ?? current.plan.maxMultiple,
    scaleToZero: ask.scaleToZero ?? current.plan.scaleToZero,
  };
}

/** What the endpoint serves now, as a target: its version and its band as Databricks reports them. */
export function currentTarget(endpointName: string, current: CurrentServing): EndpointTarget {
  const band: TargetBand =
    current.modelUnits !== undefined
      ? { kind: "model_units", units: current.modelUnits }
      : {
          kind: "tokens",
          minTokensPerSecond: current.minThroughput ?? 0,
          maxTokensPerSecond: current.maxThroughput ?? 0,
          scaleToZero: current.plan.scaleToZero,
        };
  return { endpointName, model: current.entityName, version: current.entityVersion, band };
}

/**
 * The config ptbot applied before the one the endpoint serves now: of the requests that ended done on it (a deploy,
 * scale or rollback that reached READY), newest first, the first whose target differs from what the endpoint
 * serves. Undefined when there is none ("no earlier config on record"). `done` may hold requests of any state and
 * order; only done ones count, by when they ended.
 */
export function earlierConfig(
  done: readonly DeployRequest[],
  current: EndpointTarget,
): ResolvedDeployRequest | undefined {
  const applied = done
    .filter((r): r is ResolvedDeployRequest => r.state === "ready" && isResolved(r))
    .sort((a, b) => b.updatedAt - a.updatedAt);
  return applied.find((r) => {
    const target = endpointTarget(r);
    return target !== undefined && !sameTarget(target, current);
  });
}

/**
 * What a request changes on its endpoint, in the domain's terms: the config before (what the endpoint served when
 * the request was resolved; none for a create) and after (none for a delete). Every request the audit log records
 * carries both (each entry's `after` snapshot), so the log tells, for every kind, what a change replaced with what.
 */
export interface ConfigChange {
  readonly before?: EndpointTarget;
  readonly after?: EndpointTarget;
}

/** The {@link ConfigChange} of a resolved request; undefined before it is resolved. */
export function configChange(request: DeployRequest): ConfigChange | undefined {
  if (!isResolved(request)) return undefined;
  const before =
    request.mode.kind === "update" ? currentTarget(request.endpointName, request.mode.current) : undefined;
  const after = requestKind(request) === "delete" ? undefined : endpointTarget(request);
  return { ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) };
}

function sameTarget(a: EndpointTarget, b: EndpointTarget): boolean {
  return (
    a.model.toLowerCase() === b.model.toLowerCase() && a.version === b.version && sameBand(a.band, b.band)
  );
}
