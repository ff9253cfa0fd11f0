/**
 * Why the domain refused an event or a new request. Nothing was changed; `code` is stable for callers and tests,
 * `message` says why in words a log reader understands ("already approved by U123").
 */
import type { FreezeInfo } from "./break-glass.js";
import type { PlanViolation } from "./violation.js";

export type RejectionCode =
  /** The request was approved already (it may be creating, provisioning, or done). */
  | "already_approved"
  /** The request was rejected or cancelled. */
  | "already_decided"
  /** The requester's newer request replaced this card-less one (reason `superseded`). */
  | "superseded"
  /** The change would leave the endpoint serving exactly what it serves now. */
  | "already_serving"
  /** The request expired, or its time ran out and it is about to be expired. */
  | "expired"
  /** An `expired` event arrived before the request's time ran out. */
  | "not_expired"
  | "not_an_approver"
  | "self_approval_forbidden"
  | "not_requester"
  /** Only the requester or an approver may adjust a request. */
  | "not_requester_or_approver"
  | "duplicate_approval"
  /** A delete approved without the endpoint's name typed to confirm it (or with another name). */
  | "name_not_confirmed"
  /** The approval was given for an earlier revision of the request (its settings changed since). */
  | "request_changed"
  | "channel_not_allowed"
  /** The plan or endpoint name breaks a rule; `violations` lists every one. */
  | "invalid_plan"
  /** An adjustment that changes nothing (it would only clear approvals). */
  | "nothing_changed"
  /** The request has not been provisioning long enough to be called stuck. */
  | "not_stuck"
  /** The request was reported stuck already (it is reported once), or its smoke test was claimed already. */
  | "already_reported"
  /** The workspace is in a change freeze: the request (or approval) needs `--break-glass "reason"`. */
  | "frozen"
  /** The reminder (or escalation) was sent already: each point is sent once. */
  | "already_reminded"
  /** Any other event that does not apply in the request's state. */
  | "invalid_transition";

export interface Rejection {
  readonly code: RejectionCode;
  readonly message: string;
  readonly violations?: readonly PlanViolation[];
  /** For `frozen`: the freeze, for the answer's window and end. */
  readonly freeze?: FreezeInfo;
}
