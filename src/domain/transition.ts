/**
 * The deploy request's one state machine. Pure: the same request, event and context always give the same answer,
 * and nothing outside the returned value changes. A success carries the next version of the request (version + 1,
 * `updatedAt` = now) and the effects the workflow performs after saving it; anything else is a rejection that says
 * why, and nothing changed.
 *
 * resolving ─resolved─▶ awaiting_approval ─approved (quorum)─▶ approved ─create_started─▶ creating
 *   ─create_accepted─▶ provisioning ─provisioning_succeeded─▶ ready; with side exits to unresolvable, rejected,
 * cancelled, expired and failed. `cancelled` and `expired` also apply while resolving. `message_posted` applies in
 * any state. People's actions (adjust, approve, reject, cancel) are refused once `expiresAt` has passed, even
 * before the expiry sweep ran.
 */
import { breakGlassApprovals } from "./break-glass.js";
import { type CostPolicy, DEFAULT_COST_POLICY } from "./cost.js";
import { costQuorum, costViolations } from "./cost-quorum.js";
import type { DeployMode } from "./create-or-update.js";
import type { Effect, Notice } from "./effects.js";
import type { DeployEvent } from "./events.js";
import { classifyFailure } from "./failure-kind.js";
import {
  type EndpointLifetime,
  keptExpiresAt,
  lifetimeProgress,
  lifetimeStep,
  startLifetime,
} from "./lifetime.js";
import { changesNothing } from "./no-op.js";
import { askViolations, normalizePlan, samePlan, validateDeploySettings } from "./plan.js";
import {
  type Actor,
  type ApprovalPolicy,
  canApprove,
  isApprover,
  mayCancel,
  type PolicyDecision,
} from "./policy.js";
import type { Rejection, RejectionCode } from "./rejection.js";
import {
  type DeployRequest,
  type DeployState,
  isResolved,
  type Reason,
  requestKind,
  requestRevision,
} from "./request.js";
import { invalidPlan } from "./violation.js";

export interface TransitionContext {
  /** Milliseconds since the epoch. */
  readonly now: number;
  readonly policy: ApprovalPolicy;
  /** The request's workspace cost rules (cap, high-cost tier); default none. */
  readonly cost?: CostPolicy;
}

export type TransitionResult =
  | { readonly ok: true; readonly request: DeployRequest; readonly effects: readonly Effect[] }
  | { readonly ok: false; readonly rejection: Rejection };

export function transition(
  request: DeployRequest,
  event: DeployEvent,
  ctx: TransitionContext,
): TransitionResult {
  const { now, policy } = ctx;
  const cost = ctx.cost ?? DEFAULT_COST_POLICY;
  switch (event.type) {
    case "resolved": {
      if (request.state !== "resolving") return wrongState(request, event.type, ["resolving"]);
      const plan = normalizePlan(event.model, event.plan);
      const resolved = {
        model: event.model,
        plan,
        endpointName: event.endpointName,
        mode: event.mode,
        ...(event.adopted === true ? { adopted: true } : {}),
      };
      const kind = requestKind(request);
      // ptbot's own request at an endpoint's expiry needs nobody's approval: the policy decided it.
      const decided = request.byPolicy === undefined ? undefined : { state: "approved" as const };
      const waiting =
        decided === undefined ? notice({ type: "approval_needed" }) : notice({ type: "approved", by: [] });
      // A delete proposes no plan: the band it carries is the endpoint's own, shown on the card, never checked.
      if (kind === "delete") {
        return ok(request, now, { ...resolved, state: "awaiting_approval", ...decided }, [waiting]);
      }
      const violations = [
        ...askViolations(event.model, request.ask),
        ...validateDeploySettings(event.model, plan, event.endpointName, policy),
        ...costViolations(event.model, plan, cost),
      ];
      if (violations.length > 0) {
        const reason: Reason = invalidPlan(violations);
        return ok(request, now, { ...resolved, state: "unresolvable", reason }, [
          notice({ type: "unresolvable", reason }),
        ]);
      }
      if (changesNothing(event.mode, event.model, plan)) {
        const reason: Reason = {
          code: kind === "deploy" ? "already_serving" : "nothing_to_change",
          message: alreadyServing(event.endpointName, event.model.fullName, event.model.version),
          endpointName: event.endpointName,
        };
        return ok(request, now, { ...resolved, state: "unresolvable", reason }, [
          notice({ type: "unresolvable", reason }),
        ]);
      }
      return ok(request, now, { ...resolved, state: "awaiting_approval", ...decided }, [waiting]);
    }

    case "resolution_failed": {
      if (request.state !== "resolving") return wrongState(request, event.type, ["resolving"]);
      const reason: Reason = {
        code: event.code,
        message: event.message,
        ...(event.endpointName === undefined ? {} : { endpointName: event.endpointName }),
        ...(event.holder === undefined ? {} : { holder: event.holder }),
      };
      return ok(request, now, { state: "unresolvable", reason }, [notice({ type: "unresolvable", reason })]);
    }

    case "adjusted": {
      const actor = event.by;
      const allowed = mayAdjust(request, actor, policy, now);
      if (!allowed.ok) return allowed;
      if (!isResolved(request)) return wrongState(request, event.type, ["awaiting_approval"]);
      const plan = normalizePlan(request.model, event.plan);
      const violations = [
        ...validateDeploySettings(request.model, plan, event.endpointName, policy),
        ...costViolations(request.model, plan, cost),
      ];
      if (violations.length > 0) {
        return { ok: false, rejection: invalidPlan(violations) };
      }
      if (
        samePlan(plan, request.plan) &&
        event.endpointName === request.endpointName &&
        sameMode(event.mode, request.mode)
      ) {
        return reject("nothing_changed", "the adjustment changes nothing");
      }
      if (changesNothing(event.mode, request.model, plan)) {
        return reject(
          "already_serving",
          alreadyServing(event.endpointName, request.model.fullName, request.model.version),
        );
      }
      const approvalsCleared = request.approvals.length;
      const revision = requestRevision(request) + 1;
      const changes = { plan, endpointName: event.endpointName, mode: event.mode, approvals: [], revision };
      return ok(request, now, changes, [notice({ type: "adjusted", by: actor.id, approvalsCleared })]);
    }

    case "approved": {
      const blocked = blockedUserAction(request, now, ["awaiting_approval"], "approved");
      if (blocked !== undefined) return blocked;
      // The request's cost tier decides who may approve and how many approvals it takes.
      const quorum = costQuorum(request, policy, cost);
      const decision = canApprove(request, event.by, quorum);
      if (!decision.ok) return { ok: false, rejection: decision.rejection };
      if (event.revision !== requestRevision(request)) {
        return reject(
          "request_changed",
          `approval given for revision ${event.revision}, but the request is at revision ${requestRevision(request)}`,
        );
      }
      if (!deleteConfirmed(request, event.confirmedName)) {
        return reject(
          "name_not_confirmed",
          `a delete is approved by typing the endpoint's name ${request.endpointName ?? ""}; got ${event.confirmedName === undefined ? "none" : `"${event.confirmedName}"`}`,
        );
      }
      const approvals = [...request.approvals, { by: event.by.id, at: now }];
      // The tier's quorum, raised to the break-glass quorum for a change during a freeze.
      const required = breakGlassApprovals(request, quorum);
      if (approvals.length < required) {
        return ok(request, now, { approvals }, [
          notice({ type: "approval_recorded", by: event.by.id, given: approvals.length, required }),
        ]);
      }
      // The tracker creates (or updates) the endpoint because the request is now saved as approved.
      return ok(request, now, { approvals, state: "approved" }, [
        notice({ type: "approved", by: approvals.map((a) => a.by) }),
      ]);
    }

    case "rejected": {
      const blocked = blockedUserAction(request, now, ["awaiting_approval"], "rejected");
      if (blocked !== undefined) return blocked;
      if (!isApprover(event.by, policy)) {
        return reject("not_an_approver", `${event.by.id} is not an approver and cannot reject this request`);
      }
      const note = event.note?.trim();
      const reason: Reason = {
        code: "rejected",
        message: `rejected by ${event.by.id}${note ? `: ${note}` : ""}`,
      };
      return ok(request, now, { state: "rejected", reason, closedBy: { by: event.by.id, at: now } }, [
        notice(note ? { type: "rejected", by: event.by.id, note } : { type: "rejected", by: event.by.id }),
      ]);
    }

    case "cancelled": {
      const blocked = blockedUserAction(request, now, ["resolving", "awaiting_approval"], "cancelled");
      if (blocked !== undefined) return blocked;
      if (!mayCancel(request, { id: event.by.id, groups: event.by.groups ?? [] }, policy)) {
        return reject(
          "not_requester_or_approver",
          `only the requester ${request.requester.id} or an approver can cancel this request, not ${event.by.id}`,
        );
      }
      const reason: Reason = { code: "cancelled", message: `cancelled by ${event.by.id}` };
      return ok(request, now, { state: "cancelled", reason, closedBy: { by: event.by.id, at: now } }, [
        notice({ type: "cancelled", by: event.by.id }),
      ]);
    }

    case "superseded": {
      if (request.state !== "resolving" && request.state !== "awaiting_approval") {
        return closedRejection(request, event.type);
      }
      // Its card was recorded meanwhile: people can see and act on it, so it keeps the name.
      if (request.message !== undefined) {
        return reject("invalid_transition", `request ${request.id} has a card; it is not superseded`);
      }
      const reason: Reason = {
        code: "superseded",
        message: `replaced by request ${event.newer.requestId}`,
        holder: event.newer,
      };
      return ok(request, now, { state: "cancelled", reason }, []);
    }

    case "expired": {
      if (request.state !== "resolving" && request.state !== "awaiting_approval") {
        return closedRejection(request, "expired");
      }
      if (now < request.expiresAt) {
        return reject("not_expired", `request does not expire before ${iso(request.expiresAt)}`);
      }
      const reason: Reason = { code: "expired", message: `no decision before ${iso(request.expiresAt)}` };
      return ok(request, now, { state: "expired", reason }, [notice({ type: "expired" })]);
    }

    case "message_posted": {
      const posted = bump(request, now, { message: event.message });
      // A card adopted from a click (posted, never recorded) may show an older state: re-render it. A card still
      // undecided shows what it was posted with, so it is left alone.
      const stale = request.state !== "resolving" && request.state !== "awaiting_approval";
      // A break-glass change's reason goes in the thread once, when its card is first recorded.
      const breakGlass =
        request.breakGlass !== undefined && request.message === undefined && !stale
          ? [notice({ type: "break_glass" })]
          : [];
      return {
        ok: true,
        request: posted,
        effects: stale ? [notice({ type: "card_changed" })] : breakGlass,
      };
    }

    case "reminder_due": {
      if (request.state !== "awaiting_approval")
        return wrongState(request, event.type, ["awaiting_approval"]);
      if (now >= request.expiresAt) return reject("expired", `request expired at ${iso(request.expiresAt)}`);
      if (request.remindedAt !== undefined && event.at <= request.remindedAt) {
        return reject(
          "already_reminded",
          `the reminder point ${iso(event.at)} was sent already (last: ${iso(request.remindedAt)})`,
        );
      }
      // The card shows nothing of reminders: a thread message only.
      return {
        ok: true,
        request: bump(request, now, { remindedAt: event.at }),
        effects: [
          notice({
            type: "reminder",
            kind: event.kind,
            ...(event.escalationGroup === undefined ? {} : { escalationGroup: event.escalationGroup }),
          }),
        ],
      };
    }

    case "card_unreachable": {
      if (request.cardUnreachable !== undefined) {
        return reject(
          "already_reported",
          `the card was reported unreachable (${request.cardUnreachable.code}) at ${iso(request.cardUnreachable.at)}`,
        );
      }
      return {
        ok: true,
        request: bump(request, now, { cardUnreachable: { code: event.code, at: now } }),
        effects: [],
      };
    }

    case "create_started": {
      if (request.state !== "approved" || !isResolved(request)) {
        return wrongState(request, event.type, ["approved"]);
      }
      // Claims the call: the tracker sends it after this write, to the target `endpointTarget` computes.
      if (requestKind(request) === "delete") {
        return ok(request, now, { state: "deleting" }, [notice({ type: "deleting" })]);
      }
      return ok(request, now, { state: "creating" }, [notice({ type: "creating" })]);
    }

    case "deleted": {
      if (request.state !== "deleting") return wrongState(request, event.type, ["deleting"]);
      return ok(request, now, { state: "deleted" }, [notice({ type: "deleted" })]);
    }

    case "create_accepted": {
      if (request.state !== "creating") return wrongState(request, event.type, ["creating"]);
      return ok(
        request,
        now,
        { state: "provisioning", endpoint: event.endpoint, provisioningStartedAt: now },
        [notice({ type: "provisioning" })],
      );
    }

    case "create_failed": {
      if (!isCalling(request)) return wrongState(request, event.type, ["creating", "deleting"]);
      // A refusal whose words say what kind of problem it is (not enabled here, a quota, a privilege) gets the same
      // advice as a failed deployment of that kind; any other refusal speaks for itself.
      const kind = classifyFailure(event.message, undefined);
      const reason: Reason = {
        code: event.code,
        message: event.message,
        ...(kind === "unknown" ? {} : { failureKind: kind }),
      };
      return ok(request, now, { state: "failed", reason }, [notice({ type: "failed", reason })]);
    }

    case "create_retrying": {
      if (!isCalling(request)) return wrongState(request, event.type, ["creating", "deleting"]);
      const previous = request.createRetry;
      const since = Math.min(previous?.since ?? event.since, event.since);
      // Waiting for another update is said at once, once; it is not "Databricks has not taken the call".
      const busyFirst = event.busy === true && previous?.waitingForUpdateSince === undefined;
      const waitingSince = busyFirst ? now : previous?.waitingForUpdateSince;
      const report =
        !busyFirst &&
        event.busy !== true &&
        previous?.reportedAt === undefined &&
        now - since >= event.noticeAfterMs;
      const createRetry = {
        since,
        attempts: (previous?.attempts ?? 0) + 1,
        lastError: event.message,
        ...(report
          ? { reportedAt: now }
          : previous?.reportedAt === undefined
            ? {}
            : { reportedAt: previous.reportedAt }),
        ...(waitingSince === undefined ? {} : { waitingForUpdateSince: waitingSince }),
      };
      // Bookkeeping only, unless the thread is told: the card does not change.
      const effects = busyFirst
        ? [notice({ type: "update_waiting" })]
        : report
          ? [notice({ type: "create_slow", forMs: now - since })]
          : [];
      return { ok: true, request: bump(request, now, { createRetry }), effects };
    }

    case "provisioning_progress": {
      if (request.state !== "provisioning") return wrongState(request, event.type, ["provisioning"]);
      return ok(request, now, { endpoint: event.endpoint }, []);
    }

    case "provisioning_succeeded": {
      if (request.state !== "provisioning") return wrongState(request, event.type, ["provisioning"]);
      // The smoke test follows the READY notice in the outbox, whatever kind of request became ready.
      // A deploy with a TTL starts its endpoint's lifetime now, and its tag is written after.
      const lifetime = requestKind(request) === "deploy" ? startLifetime(request.ask, now) : undefined;
      return ok(
        request,
        now,
        { state: "ready", endpoint: event.endpoint, ...(lifetime === undefined ? {} : { lifetime }) },
        [
          notice({ type: "ready" }),
          notice({ type: "smoke_test" }),
          ...(lifetime === undefined ? [] : [notice({ type: "lifetime_tag" })]),
        ],
      );
    }

    case "provisioning_failed": {
      if (request.state !== "provisioning") return wrongState(request, event.type, ["provisioning"]);
      const code = event.code ?? "deployment_failed";
      const reason: Reason = {
        code,
        message:
          event.message ??
          event.endpoint.deploymentMessage ??
          `the endpoint update ended ${event.endpoint.configUpdate} without a message`,
        // Databricks' own failure: sorted into a kind ptbot can advise on.
        ...(code === "deployment_failed"
          ? {
              failureKind: classifyFailure(event.endpoint.deploymentMessage, event.endpoint.buildLogTail),
            }
          : {}),
      };
      return ok(request, now, { state: "failed", reason, endpoint: event.endpoint }, [
        notice({ type: "failed", reason }),
      ]);
    }

    case "provisioning_stuck": {
      if (request.state !== "provisioning") return wrongState(request, event.type, ["provisioning"]);
      if (request.stuckReportedAt !== undefined) {
        return reject("already_reported", `request was reported stuck at ${iso(request.stuckReportedAt)}`);
      }
      const forMs = now - provisioningSince(request);
      if (forMs < event.limitMs) {
        return reject(
          "not_stuck",
          `request has been provisioning for ${forMs} ms, less than the ${event.limitMs} ms limit`,
        );
      }
      return ok(request, now, { stuckReportedAt: now }, [notice({ type: "stuck", forMs })]);
    }

    case "workspace_unreachable": {
      if (request.state !== "provisioning") return wrongState(request, event.type, ["provisioning"]);
      if (request.unreachableReportedAt !== undefined) {
        return reject(
          "already_reported",
          `request was reported unreachable at ${iso(request.unreachableReportedAt)}`,
        );
      }
      const forMs = Math.max(0, now - event.since);
      return ok(request, now, { unreachableReportedAt: now }, [
        notice({ type: "workspace_unreachable", workspace: request.workspace, forMs, code: event.code }),
      ]);
    }

    case "provisioning_elapsed": {
      if (request.state !== "provisioning") return wrongState(request, event.type, ["provisioning"]);
      if (!isElapsedDue(request, now, event.typicalMs, event.everyMs)) {
        return reject(
          request.elapsedShownAt === undefined ? "not_stuck" : "already_reported",
          `request has been provisioning for ${now - provisioningSince(request)} ms; the card shows it past ` +
            `${event.typicalMs} ms, at most every ${event.everyMs} ms`,
        );
      }
      // The card only: `ok` re-renders it, and nothing is posted in the thread.
      return ok(request, now, { elapsedShownAt: now }, []);
    }

    case "smoke_test_started": {
      if (request.state !== "ready") return wrongState(request, event.type, ["ready"]);
      if (request.smokeTest !== undefined) {
        return reject(
          "already_reported",
          `the smoke test was claimed at ${iso(request.smokeTest.startedAt)}`,
        );
      }
      // Bookkeeping: the card does not change.
      return { ok: true, request: bump(request, now, { smokeTest: { startedAt: now } }), effects: [] };
    }

    case "smoke_test_finished": {
      if (request.state !== "ready") return wrongState(request, event.type, ["ready"]);
      const step = request.smokeTest;
      if (step === undefined) {
        return reject("invalid_transition", `the smoke test of request ${request.id} was never started`);
      }
      if (step.result !== undefined) {
        return reject("already_reported", `the smoke test ended at ${iso(request.updatedAt)} already`);
      }
      return {
        ok: true,
        request: bump(request, now, { smokeTest: { ...step, result: event.result } }),
        effects: [notice({ type: "smoke_tested", result: event.result })],
      };
    }

    case "lifetime_notice":
    case "lifetime_expired": {
      const lifetime = request.lifetime;
      if (request.state !== "ready" || lifetime === undefined) {
        return reject("invalid_transition", `request ${request.id} has no endpoint lifetime`);
      }
      const step = lifetimeStep(lifetimeProgress(lifetime), now, {
        defaultTtlMs: undefined,
        noticeMs: lifetime.noticeMs,
        onExpiry: event.type === "lifetime_notice" ? event.onExpiry : event.action,
      });
      if (event.type === "lifetime_notice") {
        if (step.due !== "notice") return reject("already_reported", "the expiry notice is not due");
        return {
          ok: true,
          request: bump(request, now, { lifetime: { ...lifetime, noticeSentAt: now } }),
          effects: [
            notice({ type: "expiry_notice", expiresAt: lifetime.expiresAt, onExpiry: event.onExpiry }),
          ],
        };
      }
      if (step.due !== "expire") return reject("already_reported", "the endpoint's expiry is not due");
      const action = event.action;
      return {
        ok: true,
        request: bump(request, now, { lifetime: { ...lifetime, expired: { at: now, action } } }),
        effects: [
          notice({ type: "endpoint_expired", action }),
          ...(action === "notify" ? [] : [notice({ type: "expiry_action", action })]),
        ],
      };
    }

    case "lifetime_kept": {
      const lifetime = request.lifetime;
      if (request.state !== "ready" || lifetime === undefined || lifetime.ended !== undefined) {
        return reject("invalid_transition", `request ${request.id} has no endpoint lifetime to keep`);
      }
      if (lifetime.expired !== undefined && lifetime.expired.action !== "notify") {
        return reject(
          "already_decided",
          `the policy already acted on the endpoint (${lifetime.expired.action})`,
        );
      }
      if (event.by.id !== request.requester.id && !isApprover(event.by, policy)) {
        return reject("not_requester_or_approver", "only the requester or an approver may keep the endpoint");
      }
      const expiresAt = keptExpiresAt(lifetime.expiresAt, now);
      const kept: EndpointLifetime = {
        expiresAt,
        noticeMs: lifetime.noticeMs,
        kept: { by: event.by.id, at: now },
      };
      return ok(request, now, { lifetime: kept }, [
        notice({ type: "lifetime_kept", by: event.by.id, expiresAt }),
        notice({ type: "lifetime_tag" }),
      ]);
    }

    case "lifetime_ended": {
      const lifetime = request.lifetime;
      if (lifetime === undefined || lifetime.ended !== undefined) {
        return reject("already_reported", `request ${request.id} has no running lifetime`);
      }
      // Bookkeeping: the endpoint's newer request has its own card.
      return {
        ok: true,
        request: bump(request, now, { lifetime: { ...lifetime, ended: { at: now, by: event.by } } }),
        effects: [],
      };
    }
  }
}

/**
 * Whether `actor` may adjust `request` now: it awaits approval, its time has not run out, and `actor` is its
 * requester or an approver. The one rule behind both the Adjust button (asked before the form opens) and the
 * `adjusted` event.
 */
export function mayAdjust(
  request: DeployRequest,
  actor: Actor,
  policy: ApprovalPolicy,
  now: number,
): PolicyDecision {
  const blocked = blockedUserAction(request, now, ["awaiting_approval"], "adjusted");
  if (blocked !== undefined && !blocked.ok) return blocked;
  if (requestKind(request) !== "deploy") {
    return {
      ok: false,
      rejection: {
        code: "invalid_transition",
        message: `a ${requestKind(request)} request cannot be adjusted: ask again with the settings you want`,
      },
    };
  }
  if (actor.id !== request.requester.id && !isApprover(actor, policy)) {
    return {
      ok: false,
      rejection: {
        code: "not_requester_or_approver",
        message: `only the requester ${request.requester.id} or an approver can adjust this request, not ${actor.id}`,
      },
    };
  }
  return { ok: true };
}

/**
 * Whether `typed` confirms `request`: anything does for a scale, rollback or deploy; a delete needs its endpoint's
 * exact name. The one rule behind the delete modal's field error and the `approved` event.
 */
export function deleteConfirmed(request: DeployRequest, typed: string | undefined): boolean {
  if (requestKind(request) !== "delete") return true;
  return typed !== undefined && typed === request.endpointName;
}

/**
 * Whether the tracker should report `request` stuck now: still provisioning, not reported yet, and provisioning
 * for at least `limitMs`.
 */
export function isStuck(request: DeployRequest, now: number, limitMs: number): boolean {
  return (
    request.state === "provisioning" &&
    request.stuckReportedAt === undefined &&
    now - provisioningSince(request) >= limitMs
  );
}

/**
 * Whether the card should show (again) how long `request` has been provisioning: still provisioning, for at least
 * `typicalMs`, and not shown in the last `everyMs`.
 */
export function isElapsedDue(
  request: DeployRequest,
  now: number,
  typicalMs: number,
  everyMs: number,
): boolean {
  return (
    request.state === "provisioning" &&
    now - provisioningSince(request) >= typicalMs &&
    (request.elapsedShownAt === undefined || now - request.elapsedShownAt >= everyMs)
  );
}

/** How long the card says `request` had been provisioning when it last showed it, if it did. */
export function shownProvisioningMs(request: DeployRequest): number | undefined {
  if (request.state !== "provisioning" || request.elapsedShownAt === undefined) return undefined;
  return request.elapsedShownAt - provisioningSince(request);
}

/**
 * Whether a create that keeps failing transiently should give up now: still creating, and trying since at least
 * `limitMs` ago. The tracker asks before it sends the call again (after reading back that nothing landed).
 */
export function createRetriesExhausted(request: DeployRequest, now: number, limitMs: number): boolean {
  return (
    isCalling(request) && request.createRetry !== undefined && now - request.createRetry.since >= limitMs
  );
}

/** The request's Databricks call is claimed: `creating` (a create or an update) or `deleting`. */
function isCalling(request: DeployRequest): boolean {
  return request.state === "creating" || request.state === "deleting";
}

function provisioningSince(request: DeployRequest): number {
  return request.provisioningStartedAt ?? request.updatedAt;
}

type Changes = Partial<Omit<DeployRequest, "id" | "version" | "updatedAt">>;

function bump(request: DeployRequest, now: number, changes: Changes): DeployRequest {
  return { ...request, ...changes, updatedAt: now, version: request.version + 1 };
}

/** A success that changed what the card shows: `card_changed` comes before the event's own notices. */
function ok(
  request: DeployRequest,
  now: number,
  changes: Changes,
  effects: readonly Effect[],
): TransitionResult {
  return {
    ok: true,
    request: bump(request, now, changes),
    effects: [notice({ type: "card_changed" }), ...effects],
  };
}

function notice(n: Notice): Effect {
  return { type: "notify", notice: n };
}

function reject(code: RejectionCode, message: string): TransitionResult {
  return { ok: false, rejection: { code, message } };
}

function wrongState(
  request: DeployRequest,
  eventType: DeployEvent["type"],
  expected: readonly DeployState[],
): TransitionResult {
  return reject(
    "invalid_transition",
    `cannot apply ${eventType} to request ${request.id}: it is ${request.state}, not ${expected.join(" or ")}`,
  );
}

/** Why a person's action (or the expiry) does not apply: the request is past `allowed`, or its time ran out. */
function blockedUserAction(
  request: DeployRequest,
  now: number,
  allowed: readonly DeployState[],
  action: DeployEvent["type"],
): TransitionResult | undefined {
  if (!allowed.includes(request.state)) return closedRejection(request, action);
  if (now >= request.expiresAt) {
    return reject("expired", `request expired at ${iso(request.expiresAt)}`);
  }
  return undefined;
}

function closedRejection(request: DeployRequest, action: DeployEvent["type"]): TransitionResult {
  switch (request.state) {
    case "approved":
    case "creating":
    case "provisioning":
    case "ready":
    case "deleting":
    case "deleted":
    case "failed": {
      const by = request.approvals.map((a) => a.by);
      return reject(
        "already_approved",
        by.length > 0 ? `already approved by ${joinAnd(by)}` : "already approved",
      );
    }
    case "rejected":
    case "cancelled":
      if (request.reason?.code === "superseded") {
        return reject("superseded", `request was ${request.reason.message}`);
      }
      return reject(
        "already_decided",
        `request was ${request.state} by ${request.closedBy?.by ?? "someone"}`,
      );
    case "expired":
      return reject("expired", `request expired at ${iso(request.expiresAt)}`);
    case "unresolvable":
      return reject(
        "invalid_transition",
        `cannot apply ${action}: request could not be resolved (${request.reason?.message ?? "no reason recorded"})`,
      );
    case "resolving":
    case "awaiting_approval":
      return reject(
        "invalid_transition",
        `cannot apply ${action} to request ${request.id}: it is still ${request.state}`,
      );
  }
}

function sameMode(a: DeployMode, b: DeployMode): boolean {
  if (a.kind === "create" || b.kind === "create") return a.kind === b.kind;
  return a.current.entityVersion === b.current.entityVersion && samePlan(a.current.plan, b.current.plan);
}

function alreadyServing(endpointName: string, model: string, version: number): string {
  return `endpoint ${endpointName} already serves ${model} version ${version} with these settings`;
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 2 ? items.join(" and ") : `${items.slice(0, -1).join(", ")}, and ${items.at(-1)}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
