/**
 * Everything that can happen to a deploy request. People cause `adjusted`, `approved`, `rejected` and `cancelled`;
 * the workflow and the tracker cause the rest. {@link transition} decides what each one does.
 */
import type { DeployMode } from "./create-or-update.js";
import type { ExpiryAction } from "./lifetime.js";
import type { ModelInfo } from "./model.js";
import type { Plan } from "./plan.js";
import type { Actor } from "./policy.js";
import type { EndpointObservation, MessageRef, NameHolder, ReasonCode } from "./request.js";
import type { SmokeResult } from "./smoke-test.js";

export type DeployEvent =
  /**
   * The model, its chunk size and the endpoint were looked up (the workflow ran `proposePlan` and
   * `decideCreateOrUpdate`). An invalid plan or name ends the request as unresolvable with every violation.
   */
  | {
      readonly type: "resolved";
      readonly model: ModelInfo;
      readonly plan: Plan;
      readonly endpointName: string;
      readonly mode: DeployMode;
      /** A scale, rollback or delete of an endpoint ptbot did not create, asked with `--adopt`. */
      readonly adopted?: boolean;
    }
  /** The model could not be resolved, or the endpoint is refused (code e.g. `model_not_found`, `endpoint_busy`). */
  | {
      readonly type: "resolution_failed";
      readonly code: ReasonCode;
      readonly message: string;
      /** For a refusal about the endpoint name (`endpoint_in_use`, `duplicate_request`): the name, and who holds it. */
      readonly endpointName?: string;
      readonly holder?: NameHolder;
    }
  /**
   * New settings from the requester or an approver. Carries the whole plan, name and mode: when the name changes the
   * workflow must look the new endpoint up again, so it always passes the mode it just decided.
   */
  | {
      readonly type: "adjusted";
      readonly by: Actor;
      readonly plan: Plan;
      readonly endpointName: string;
      readonly mode: DeployMode;
    }
  /**
   * `revision` is the request's revision the approver was shown (the card's): an approval for any other revision is
   * refused (`request_changed`), so it never counts for settings the approver did not see.
   */
  | {
      readonly type: "approved";
      readonly by: Actor;
      readonly revision: number;
      /** The endpoint name the approver typed to confirm: a delete is approved only with its endpoint's exact name. */
      readonly confirmedName?: string;
    }
  /** `note` is the approver's optional explanation. */
  | { readonly type: "rejected"; readonly by: Actor; readonly note?: string }
  /**
   * By the requester or an approver; `groups` are the approver groups the person belongs to (as on {@link Actor}),
   * absent when none were looked up.
   */
  | {
      readonly type: "cancelled";
      readonly by: { readonly id: string; readonly groups?: readonly string[] };
    }
  /**
   * The requester's newer request takes over the endpoint name of this card-less one (see `supersedes`). Ends it as
   * cancelled with reason `superseded`: nobody cancelled it, and its card (should it exist) says so.
   */
  | { readonly type: "superseded"; readonly newer: NameHolder }
  /**
   * The expiry sweep found the request past `expiresAt` while still undecided: awaiting approval, or stuck in
   * `resolving` (say, the process died mid-lookup), so no request waits forever.
   */
  | { readonly type: "expired" }
  /** The card was posted (or re-posted) here. Allowed in every state; changes nothing else. */
  | { readonly type: "message_posted"; readonly message: MessageRef }
  /**
   * Slack answered that the card can never be changed again (`code`, e.g. `is_inactive` for an archived channel).
   * Allowed in every state; records it once (a second report is `already_reported`) and changes nothing else.
   */
  | { readonly type: "card_unreachable"; readonly code: string }
  /** The workflow claims the create: approved → creating (deleting, for a delete). Its effect is the Databricks call. */
  | { readonly type: "create_started" }
  /** Databricks accepted the create or update; `endpoint` is what it answered. */
  | { readonly type: "create_accepted"; readonly endpoint: EndpointObservation }
  | { readonly type: "create_failed"; readonly code: ReasonCode; readonly message: string }
  /**
   * The create (or update) call has not been taken yet: it failed transiently (`message` says how), or it is still
   * waiting for an answer. `since` is when ptbot first tried; past `noticeAfterMs` the thread is told once.
   */
  | {
      readonly type: "create_retrying";
      readonly since: number;
      readonly message: string;
      readonly noticeAfterMs: number;
      /**
       * Databricks refused the update because another config update is in progress (409 `RESOURCE_CONFLICT` or 400
       * `INVALID_STATE`): ptbot waits for it to end. The first such answer is told in the thread, at once.
       */
      readonly busy?: boolean;
    }
  /** A delete request's DELETE call was taken (or a read-back found the endpoint gone): deleting → deleted. */
  | { readonly type: "deleted" }
  /** The tracker saw the endpoint change but not finish. */
  | { readonly type: "provisioning_progress"; readonly endpoint: EndpointObservation }
  | { readonly type: "provisioning_succeeded"; readonly endpoint: EndpointObservation }
  /** The update failed; the reason is the deployment message unless `code`/`message` say better. */
  | {
      readonly type: "provisioning_failed";
      readonly endpoint: EndpointObservation;
      readonly code?: ReasonCode;
      readonly message?: string;
    }
  /** Still provisioning after `limitMs`: reported once, and still followed. */
  | { readonly type: "provisioning_stuck"; readonly limitMs: number }
  /**
   * The request's workspace has not answered the tracker (down, or refusing ptbot's credentials: `code`) since
   * `since`: told in the thread once per request, and still followed (issue 14).
   */
  | { readonly type: "workspace_unreachable"; readonly since: number; readonly code: string }
  /**
   * Still provisioning past `typicalMs`: the card shows the elapsed time, refreshed at most every `everyMs` (a card
   * edit only, no thread message).
   */
  | { readonly type: "provisioning_elapsed"; readonly typicalMs: number; readonly everyMs: number }
  /** The smoke test of a ready request is claimed, before its query is sent: once per request. */
  | { readonly type: "smoke_test_started" }
  /** The smoke test ended (answered, failed, skipped, or found interrupted). */
  | { readonly type: "smoke_test_finished"; readonly result: SmokeResult }
  /**
   * A reminder point of a pending request is due (`at`: its instant in `reminderSchedule`): remind the approvers, or
   * mention `escalationGroup`. Refused for a point at or before the last one sent, so each is sent once.
   */
  | {
      readonly type: "reminder_due";
      readonly at: number;
      readonly kind: "reminder" | "escalation";
      readonly escalationGroup?: string;
    }
  /** The lifetime worker found the notice before the endpoint's expiry due: sent once per expiry moment. */
  | { readonly type: "lifetime_notice"; readonly onExpiry: ExpiryAction }
  /**
   * The endpoint's expiry came with no answer: the workspace's `PTBOT_ON_ENDPOINT_EXPIRY` is applied, once. The
   * actor is the policy (`by.id` is `policy`), never a person.
   */
  | {
      readonly type: "lifetime_expired";
      readonly action: ExpiryAction;
      readonly by: { readonly id: "policy" };
    }
  /** `Keep 7 more days`, by the requester or an approver. */
  | { readonly type: "lifetime_kept"; readonly by: Actor }
  /** A newer deploy of the endpoint became READY, or a delete of it went through (`by`): this lifetime is over. */
  | { readonly type: "lifetime_ended"; readonly by: string };

export type DeployEventType = DeployEvent["type"];

/** Every event type, for tables and tests. */
export const DEPLOY_EVENT_TYPES: readonly DeployEventType[] = [
  "resolved",
  "resolution_failed",
  "adjusted",
  "approved",
  "rejected",
  "cancelled",
  "superseded",
  "expired",
  "message_posted",
  "card_unreachable",
  "create_started",
  "create_accepted",
  "create_failed",
  "create_retrying",
  "deleted",
  "provisioning_progress",
  "provisioning_succeeded",
  "provisioning_failed",
  "provisioning_stuck",
  "workspace_unreachable",
  "provisioning_elapsed",
  "smoke_test_started",
  "smoke_test_finished",
  "reminder_due",
  "lifetime_notice",
  "lifetime_expired",
  "lifetime_kept",
  "lifetime_ended",
];

/** Who caused the event, for the audit log: the person's id, or `"system"`. */
export function eventActor(event: DeployEvent): string {
  if (event.type === "lifetime_ended") return "system";
  return "by" in event ? event.by.id : "system";
}
