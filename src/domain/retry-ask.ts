/**
 * "Try again" on a failed request: the ask of a new request with the same settings (model and version as resolved,
 * endpoint name, band, scale to zero, a break-glass reason, a lifetime). The new request goes through resolution and approval like any other. A failed
 * scale or rollback is repeated as a deploy of the config it asked for (the same update); a failed delete has no
 * settings to repeat (`/pt delete` again).
 */
import { type DeployAsk, type DeployRequest, isResolved, requestKind } from "./request.js";

/** The ask that repeats `request`, or undefined when it is not a failed request with settings to repeat. */
export function retryAsk(request: DeployRequest): DeployAsk | undefined {
  if (request.state !== "failed" || !isResolved(request) || requestKind(request) === "delete")
    return undefined;
  const { model, plan } = request;
  return {
    model: model.fullName,
    version: model.version,
    endpointName: request.endpointName,
    // Model-unit models run at one size, set by max alone: a min would be refused.
    ...(model.unit === "model_units" ? {} : { min: plan.minMultiple }),
    max: plan.maxMultiple,
    ...(plan.scaleToZero ? { scaleToZero: true } : {}),
    // The same change: a break-glass one stays one (it needs the break-glass quorum again), a lifetime stays asked.
    ...(request.ask.breakGlass === undefined ? {} : { breakGlass: request.ask.breakGlass }),
    ...(request.ask.ttlMs === undefined ? {} : { ttlMs: request.ask.ttlMs }),
  };
}
