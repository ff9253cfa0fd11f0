/**
 * The deploy request: one person's ask to serve one model version on one endpoint, from the slash command to a
 * ready endpoint (or a refusal). Plain, JSON-safe data: the store keeps it as JSON and the Slack layer renders it.
 * Only {@link transition} (and {@link openRequest}) produce new versions of it.
 */
import type { BreakGlass } from "./break-glass.js";
import type { DeployMode } from "./create-or-update.js";
import type { FailureKind } from "./failure-kind.js";
import type { EndpointLifetime } from "./lifetime.js";
import type { ModelInfo } from "./model.js";
import type { Plan } from "./plan.js";
import type { SmokeTestStep } from "./smoke-test.js";
import type { PlanViolation } from "./violation.js";

export type DeployState =
  /** The model, its chunk size and the endpoint are being looked up. */
  | "resolving"
  | "awaiting_approval"
  /** The quorum is met; the create has not been claimed yet. */
  | "approved"
  /** The create (or update) call is claimed and under way. */
  | "creating"
  /** Databricks accepted the config; the tracker follows it. */
  | "provisioning"
  | "ready"
  | "failed"
  | "unresolvable"
  | "rejected"
  | "cancelled"
  | "expired"
  /** A delete's DELETE call is claimed and under way (the delete's `creating`). */
  | "deleting"
  /** The endpoint was deleted: a delete request's done. */
  | "deleted";

export const DEPLOY_STATES: readonly DeployState[] = [
  "resolving",
  "awaiting_approval",
  "approved",
  "creating",
  "provisioning",
  "ready",
  "failed",
  "unresolvable",
  "rejected",
  "cancelled",
  "expired",
  "deleting",
  "deleted",
];

/** States a request never leaves. */
export const TERMINAL_STATES: readonly DeployState[] = [
  "ready",
  "deleted",
  "failed",
  "unresolvable",
  "rejected",
  "cancelled",
  "expired",
];

/** States a request can still leave: the ones that hold an endpoint name against a second request. */
export const ACTIVE_STATES: readonly DeployState[] = DEPLOY_STATES.filter(
  (s) => !TERMINAL_STATES.includes(s),
);

export function isTerminal(state: DeployState): boolean {
  return TERMINAL_STATES.includes(state);
}

/**
 * The endpoint name `request` holds against every other request of its workspace: its name once resolved (or the one
 * typed with `--name`, from the start), for as long as it is not terminal. The store refuses a second holder in the
 * same write that would make it one, so two requests racing for a name can never both go ahead.
 */
export function heldEndpointName(request: DeployRequest): string | undefined {
  if (isTerminal(request.state)) return undefined;
  return request.endpointName ?? request.ask.endpointName;
}

/**
 * What a request changes. `deploy` (the default: requests stored before kinds existed have none) serves a model
 * version on an endpoint; `scale` changes the band of the version an endpoint serves; `rollback` puts back the config
 * ptbot applied before the current one; `delete` deletes the endpoint. Scale and rollback reach Databricks as a
 * config update, through the same states as a deploy's update; a delete goes approved → deleting → deleted.
 */
export type RequestKind = "deploy" | "scale" | "rollback" | "delete";

export const REQUEST_KINDS: readonly RequestKind[] = ["deploy", "scale", "rollback", "delete"];

/** The request's kind; `deploy` for a request stored without one. */
export function requestKind(request: Pick<DeployRequest, "kind">): RequestKind {
  return request.kind ?? "deploy";
}

/** Which model version to deploy, as asked: a number, the highest READY one, or the one an alias points to. */
export type VersionAsk = number | "latest" | `@${string}`;

/** What the requester typed, kept so resolution can run (or re-run after a restart) and the card can echo it. */
export interface DeployAsk {
  /**
   * `catalog.schema.model`. Empty for scale, rollback and delete, which name an endpoint (`endpointName`): their
   * model is read from the endpoint, and set on the request once resolved.
   */
  readonly model: string;
  readonly version: VersionAsk;
  readonly endpointName?: string;
  readonly min?: number;
  readonly max?: number;
  readonly scaleToZero?: boolean;
  /** `--adopt`: scale, roll back or delete an endpoint ptbot did not create (it is managed from then on). */
  readonly adopt?: boolean;
  /** `--break-glass "reason"`: the reason for a change during a freeze (as typed, trimmed). */
  readonly breakGlass?: string;
  /**
   * A deploy's lifetime (`--ttl`, else the workspace's default, filled in when the request is opened): the endpoint
   * should go away this long after it is READY. Absent: it lives until removed.
   */
  readonly ttlMs?: number;
  /** How long before that moment the thread hears of it: the workspace's `PTBOT_EXPIRY_NOTICE_MS` when asked. */
  readonly expiryNoticeMs?: number;
}

/** Who asked; Slack-agnostic (the id is a Slack user id in practice). */
export interface Requester {
  readonly id: string;
  readonly name?: string;
}

/** Where the request's card lives. Opaque to the domain: an anchor for the Slack layer and for lookups. */
export interface MessageRef {
  readonly channelId: string;
  readonly ts: string;
}

export interface Approval {
  readonly by: string;
  readonly at: number;
}

/**
 * Why a request ended without a ready endpoint: failed, refused, unresolvable, rejected, cancelled or expired.
 * `code` is stable (e.g. `model_not_found`, `invalid_plan`, `deployment_failed`, `rejected`); `message` is plain
 * words for logs and cards. `violations` is set when the plan or name was invalid.
 */
/**
 * Why a request ended without an endpoint: every code ptbot writes. A closed union, so each has its words in
 * `src/slack/messages.ts` and a new one cannot fall through to a default sentence. Databricks' own error codes are
 * mapped to these where they enter the workflow (`resolve-deploy.ts`, `start-create.ts`), never stored as they came.
 * A request stored by another version of ptbot may still hold a code outside this union: {@link isReasonCode} tells
 * them apart, and the Slack layer words such a stored code with one explicit fallback.
 */
export type ReasonCode =
  // Resolution: the model, or the endpoint as it is now.
  | "model_not_found"
  | "model_version_not_ready"
  | "model_no_ready_version"
  | "model_not_optimizable"
  | "endpoint_serves_other_model"
  | "endpoint_serves_several_models"
  | "endpoint_serves_nothing"
  | "endpoint_busy"
  /** Another request holds the endpoint name. */
  | "endpoint_in_use"
  /** The requester's same request is being prepared already. */
  | "duplicate_request"
  | "already_serving"
  | "invalid_plan"
  // Scale, rollback and delete: the endpoint named.
  /** No endpoint has that name. */
  | "endpoint_not_found"
  /** ptbot did not create the endpoint, and the command did not say `--adopt`. */
  | "endpoint_not_managed"
  /** The scale or rollback would leave the endpoint as it is. */
  | "nothing_to_change"
  /** A rollback found no config ptbot applied before the current one. */
  | "no_earlier_config"
  // Databricks said no, or could not be asked (resolution and the create call).
  | "databricks_unreachable"
  | "databricks_unauthorized"
  | "databricks_permission_denied"
  /** Databricks refused the call as invalid (resolution), or found nothing to act on. */
  | "databricks_refused"
  /** Databricks refused the create or update call as invalid. */
  | "databricks_invalid"
  | "databricks_conflict"
  /** Databricks answered the create or update with a server error or an answer ptbot could not read. */
  | "databricks_unexpected_answer"
  /** The create or update call failed on ptbot's side. */
  | "internal_error"
  // The create, then provisioning.
  | "endpoint_taken"
  | "endpoint_deleted"
  | "endpoint_changed_elsewhere"
  | "deployment_failed"
  // Decisions and time.
  | "rejected"
  | "cancelled"
  | "superseded"
  | "expired";

// A record, so the compiler checks that the list names every code exactly once.
const REASON_CODE_SET: Record<ReasonCode, true> = {
  model_not_found: true,
  model_version_not_ready: true,
  model_no_ready_version: true,
  model_not_optimizable: true,
  endpoint_serves_other_model: true,
  endpoint_serves_several_models: true,
  endpoint_serves_nothing: true,
  endpoint_busy: true,
  endpoint_in_use: true,
  duplicate_request: true,
  already_serving: true,
  invalid_plan: true,
  endpoint_not_found: true,
  endpoint_not_managed: true,
  nothing_to_change: true,
  no_earlier_config: true,
  databricks_unreachable: true,
  databricks_unauthorized: true,
  databricks_permission_denied: true,
  databricks_refused: true,
  databricks_invalid: true,
  databricks_conflict: true,
  databricks_unexpected_answer: true,
  internal_error: true,
  endpoint_taken: true,
  endpoint_deleted: true,
  endpoint_changed_elsewhere: true,
  deployment_failed: true,
  rejected: true,
  cancelled: true,
  superseded: true,
  expired: true,
};

/** Every reason code, for tables and tests. */
export const REASON_CODES = Object.keys(REASON_CODE_SET) as readonly ReasonCode[];

/** True for a code this version of ptbot knows; false only for one read from storage that another version wrote. */
export function isReasonCode(code: string): code is ReasonCode {
  return Object.hasOwn(REASON_CODE_SET, code);
}

export interface Reason {
  readonly code: ReasonCode;
  readonly message: string;
  readonly violations?: readonly PlanViolation[];
  /** The endpoint the reason is about, when the request itself may not carry it (e.g. `endpoint_in_use`). */
  readonly endpointName?: string;
  /** The other request that holds the endpoint name (`endpoint_in_use`, `duplicate_request`, `superseded`). */
  readonly holder?: NameHolder;
  /** For `deployment_failed`: what kind of failure the message and build log show (see `classifyFailure`). */
  readonly failureKind?: FailureKind;
}

/** The request that holds an endpoint name, as a refusal names it. */
export interface NameHolder {
  readonly requestId: string;
  readonly requester: Requester;
  readonly state: DeployState;
}

/** What the tracker (or the create call) last saw of the endpoint. */
export interface EndpointObservation {
  readonly ready: "READY" | "NOT_READY";
  readonly configUpdate: "NOT_UPDATING" | "IN_PROGRESS" | "UPDATE_FAILED" | "UPDATE_CANCELED";
  readonly configVersion?: number;
  /** The served entity's `state.deployment` (e.g. `DEPLOYMENT_CREATING`), as Databricks spelled it. */
  readonly deploymentState?: string;
  readonly deploymentMessage?: string;
  /** The end of the build log, when the tracker fetched it (on failure). */
  readonly buildLogTail?: string;
  readonly observedAt: number;
}

/** A create (or update) call Databricks has not taken yet: kept on the request, so it survives restarts. */
export interface CreateRetry {
  /** When ptbot first tried the call. */
  readonly since: number;
  /** Transient failures and slow answers seen so far. */
  readonly attempts: number;
  readonly lastError: string;
  /** Set once the thread was told the call is taking long, so it is told once. */
  readonly reportedAt?: number;
  /**
   * Set when Databricks refused the update because another config update is in progress: ptbot waits for that one
   * to end and sends its own again. When the thread was told so (once).
   */
  readonly waitingForUpdateSince?: number;
}

/**
 * A deploy request. `model`, `plan`, `endpointName` and `mode` are unset while `resolving` (and when resolution
 * failed, or the request was cancelled or expired before it finished); every other state has them: use
 * {@link isResolved} to narrow.
 */
export interface DeployRequest {
  readonly id: string;
  /** What the request changes; absent (requests stored before kinds existed) means `deploy`: see {@link requestKind}. */
  readonly kind?: RequestKind;
  /** Set on a scale, rollback or delete of an endpoint ptbot did not create, asked with `--adopt`. */
  readonly adopted?: boolean;
  /** Which Databricks workspace; `"default"` until several are configured. */
  readonly workspace: string;
  readonly ask: DeployAsk;
  readonly model?: ModelInfo;
  readonly plan?: Plan;
  readonly endpointName?: string;
  readonly mode?: DeployMode;
  readonly requester: Requester;
  /** Where the request was made. */
  readonly channelId: string;
  readonly message?: MessageRef;
  /** Approvals given since the plan last changed (an adjustment clears them). */
  readonly approvals: readonly Approval[];
  readonly state: DeployState;
  readonly reason?: Reason;
  /** Who rejected or cancelled the request, and when. */
  readonly closedBy?: Approval;
  readonly endpoint?: EndpointObservation;
  /** When Databricks accepted the config; the tracker measures "stuck" from here. */
  readonly provisioningStartedAt?: number;
  /** While the create (or update) call has not been taken: since when, how often it failed, and the notice. */
  readonly createRetry?: CreateRetry;
  /** Set once the request was reported stuck, so it is reported only once. */
  readonly stuckReportedAt?: number;
  /** Set once the thread heard that the request's workspace cannot be reached, so it hears it only once. */
  readonly unreachableReportedAt?: number;
  /**
   * Set once Slack answered that the card can never be changed again (its channel archived, read-only, the bot
   * removed: `code` is Slack's answer): the request carries on without card updates, and this is said once.
   */
  readonly cardUnreachable?: { readonly code: string; readonly at: number };
  /**
   * When the card last showed how long provisioning has run ("provisioning for 34 min"), past the typical time: the
   * card shows the time from `provisioningStartedAt` to here, and is refreshed at most every few minutes.
   */
  readonly elapsedShownAt?: number;
  /** Set on a break-glass change (`--break-glass "reason"`): its reason and the approvals it needs. */
  readonly breakGlass?: BreakGlass;
  /**
   * The instant of the last reminder point sent (a reminder or the escalation, see `reminderSchedule`): each point is
   * sent once, by the write that sets this. Absent: none sent yet.
   */
  readonly remindedAt?: number;
  /** The query sent once the endpoint is READY (absent until it is claimed, and when smoke tests are off). */
  readonly smokeTest?: SmokeTestStep;
  /**
   * A ready deploy's endpoint lifetime (set at READY from `ask.ttlMs`): when it should go away, what was sent. The
   * lifetime of an endpoint lives on the deploy that made it READY; a later scale or rollback keeps it there, and a
   * newer deploy or a delete of the endpoint ends it.
   */
  readonly lifetime?: EndpointLifetime;
  /** Opened by ptbot itself at an endpoint's expiry (`PTBOT_ON_ENDPOINT_EXPIRY`): approved by the policy, by no one. */
  readonly byPolicy?: {
    /** The ready deploy whose lifetime ran out. */
    readonly lifetimeOf: string;
    /** That deploy's card: this request has no card of its own, and its thread notices go to that thread. */
    readonly thread?: MessageRef;
  };
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Undecided requests expire here. */
  readonly expiresAt: number;
  /** Starts at 1 and grows by one on every transition; the store's compare-and-set key. */
  readonly version: number;
  /**
   * What an approver is shown: starts at 1 and grows by one only when the settings change (`adjusted`), so an
   * approval can name the revision it was given for. Absent (requests stored before it existed) means 1.
   */
  readonly revision?: number;
}

/** A request whose model, plan, endpoint name and mode are known. */
export type ResolvedDeployRequest = DeployRequest & {
  readonly model: ModelInfo;
  readonly plan: Plan;
  readonly endpointName: string;
  readonly mode: DeployMode;
};

/** The request's {@link DeployRequest.revision}, 1 when it was stored without one. */
export function requestRevision(request: DeployRequest): number {
  return request.revision ?? 1;
}

export function isResolved(request: DeployRequest): request is ResolvedDeployRequest {
  return (
    request.model !== undefined &&
    request.plan !== undefined &&
    request.endpointName !== undefined &&
    request.mode !== undefined
  );
}
