/**
 * Requests in every state, built by driving the real domain (so fixtures can never drift from what `transition`
 * produces). Shared by the domain and store tests.
 */

import type { DeployMode } from "../../src/domain/create-or-update.js";
import type { DeployEvent } from "../../src/domain/events.js";
import type { ModelInfo } from "../../src/domain/model.js";
import { openRequest } from "../../src/domain/open-request.js";
import type { Actor, ApprovalPolicy } from "../../src/domain/policy.js";
import { approvalPolicy } from "../../src/domain/policy.js";
import type { DeployRequest, DeployState, EndpointObservation } from "../../src/domain/request.js";
import { transition } from "../../src/domain/transition.js";

/** 2025-01-01T12:00:00Z */
export const T0 = Date.UTC(2025, 0, 1, 12);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const policy: ApprovalPolicy = approvalPolicy({
  approverUsers: ["U_APPROVER", "U_APPROVER2"],
  approverGroups: ["S_ML"],
});

export const llama: ModelInfo = {
  fullName: "ml.llm-catalog.llama-13b",
  version: 3,
  modelType: "llama",
  unit: "tokens_per_second",
  chunkSize: 980,
  dbus: 24,
};

export const unitsModel: ModelInfo = {
  fullName: "system.ai.big_model",
  version: 2,
  modelType: "llama",
  unit: "model_units",
  chunkSize: 50,
};

export const requester = { id: "U_REQ", name: "Ada" };
export const approver: Actor = { id: "U_APPROVER", groups: [] };
export const approver2: Actor = { id: "U_APPROVER2", groups: [] };
export const groupMember: Actor = { id: "U_GROUPIE", groups: ["S_OTHER", "S_ML"] };
export const stranger: Actor = { id: "U_STRANGER", groups: ["S_OTHER"] };

export function observation(overrides: Partial<EndpointObservation> = {}): EndpointObservation {
  return {
    ready: "NOT_READY",
    configUpdate: "IN_PROGRESS",
    configVersion: 1,
    deploymentState: "DEPLOYMENT_CREATING",
    observedAt: T0,
    ...overrides,
  };
}

export interface FixtureOptions {
  readonly id?: string;
  readonly now?: number;
  readonly policy?: ApprovalPolicy;
  readonly model?: ModelInfo;
  readonly endpointName?: string;
  readonly mode?: DeployMode;
  readonly channelId?: string;
}

/** A freshly opened request (state `resolving`, version 1) at `now`. */
export function opened(options: FixtureOptions = {}): DeployRequest {
  const result = openRequest(
    {
      id: options.id ?? "req-1",
      ask: { model: (options.model ?? llama).fullName, version: "latest" },
      requester,
      channelId: options.channelId ?? "C_DEPLOYS",
    },
    { now: options.now ?? T0, policy: options.policy ?? policy },
  );
  if (!result.ok) throw new Error(`fixture: ${result.rejection.message}`);
  return result.request;
}

/** Applies `event`, failing the test on a rejection. */
export function apply(
  request: DeployRequest,
  event: DeployEvent,
  now: number,
  usePolicy: ApprovalPolicy = policy,
): DeployRequest {
  const result = transition(request, event, { now, policy: usePolicy });
  if (!result.ok) throw new Error(`fixture: ${event.type} rejected: ${result.rejection.message}`);
  return result.request;
}

/** The `resolved` event for `model` with the default 2×/3× plan. */
export function resolvedEvent(options: FixtureOptions = {}): DeployEvent {
  const model = options.model ?? llama;
  return {
    type: "resolved",
    model,
    plan: { minMultiple: 2, maxMultiple: 3, scaleToZero: false },
    endpointName: options.endpointName ?? "llama-13b-3",
    mode: options.mode ?? { kind: "create" },
  };
}

/** A request in `state`, reached by real transitions one second apart from `now` (default {@link T0}). */
export function requestIn(state: DeployState, options: FixtureOptions = {}): DeployRequest {
  const start = options.now ?? T0;
  let clock = start;
  const tick = () => {
    clock += 1000;
    return clock;
  };
  const usePolicy = options.policy ?? policy;
  let r = opened({ ...options, now: start });
  if (state === "resolving") return r;
  if (state === "unresolvable") {
    return apply(r, { type: "resolution_failed", code: "model_not_found", message: "no such model" }, tick());
  }
  if (state === "cancelled") return apply(r, { type: "cancelled", by: requester }, tick(), usePolicy);
  // Only a delete request reaches these: its approval leads to deleting, then deleted.
  const deleting = state === "deleting" || state === "deleted";
  if (deleting) r = { ...r, kind: "delete" };
  r = apply(r, resolvedEvent(options), tick(), usePolicy);
  switch (state) {
    case "awaiting_approval":
      return r;
    case "rejected":
      return apply(r, { type: "rejected", by: approver2, note: "too big" }, tick(), usePolicy);
    case "expired":
      return apply(r, { type: "expired" }, r.expiresAt, usePolicy);
    default:
      break;
  }
  const confirmed = deleting ? { confirmedName: r.endpointName ?? "" } : {};
  r = apply(r, { type: "approved", by: approver, revision: 1, ...confirmed }, tick(), usePolicy);
  if (state === "approved") return r;
  r = apply(r, { type: "create_started" }, tick(), usePolicy);
  if (state === "creating" || state === "deleting") return r;
  if (state === "deleted") return apply(r, { type: "deleted" }, tick(), usePolicy);
  r = apply(r, { type: "create_accepted", endpoint: observation({ observedAt: clock }) }, tick(), usePolicy);
  if (state === "provisioning") return r;
  if (state === "ready") {
    const done = observation({
      ready: "READY",
      configUpdate: "NOT_UPDATING",
      deploymentState: "DEPLOYMENT_READY",
    });
    return apply(r, { type: "provisioning_succeeded", endpoint: done }, tick(), usePolicy);
  }
  if (state === "failed") {
    const failed = observation({
      configUpdate: "UPDATE_FAILED",
      deploymentState: "DEPLOYMENT_FAILED",
      deploymentMessage: "not enough GPU capacity",
      buildLogTail: "error: out of capacity",
    });
    return apply(r, { type: "provisioning_failed", endpoint: failed }, tick(), usePolicy);
  }
  throw new Error(`fixture: unhandled state ${state}`);
}
