/**
 * What the workflow must do after it saved a transition, as data, in the order to perform them. The Databricks work
 * is not an effect: it follows from the saved state (approved → create or update, creating → reconcile), which the
 * tracker reads from the store.
 */
import type { ExpiryAction } from "./lifetime.js";
import type { Reason } from "./request.js";
import type { SmokeResult } from "./smoke-test.js";

export type Effect =
  /** Tell the request's audience what happened (the outbox delivers it). */
  { readonly type: "notify"; readonly notice: Notice };

/**
 * A Slack-agnostic description of what happened to a request; the Notifier turns it into a card update or a thread
 * message. `card_changed` always means "re-render the card from the saved request".
 */
export type Notice =
  | { readonly type: "card_changed" }
  /** Resolved: approvers are needed (the Notifier may mention them). */
  | { readonly type: "approval_needed" }
  /** One approval counted; more are needed. */
  | {
      readonly type: "approval_recorded";
      readonly by: string;
      readonly given: number;
      readonly required: number;
    }
  /** The quorum is met; `by` lists every approver. */
  | { readonly type: "approved"; readonly by: readonly string[] }
  /** Settings changed; approvals given before, if any, were cleared. */
  | { readonly type: "adjusted"; readonly by: string; readonly approvalsCleared: number }
  | { readonly type: "rejected"; readonly by: string; readonly note?: string }
  | { readonly type: "cancelled"; readonly by: string }
  | { readonly type: "expired" }
  | { readonly type: "unresolvable"; readonly reason: Reason }
  | { readonly type: "creating" }
  /** A delete's DELETE call is under way. */
  | { readonly type: "deleting" }
  /** The endpoint was deleted. */
  | { readonly type: "deleted" }
  /** Databricks refused the update because another one is in progress: ptbot waits for it to end, then sends it. */
  | { readonly type: "update_waiting" }
  | { readonly type: "provisioning" }
  | { readonly type: "ready" }
  | { readonly type: "failed"; readonly reason: Reason }
  /** Databricks has not taken the create (or update) for `forMs`; ptbot keeps trying. */
  | { readonly type: "create_slow"; readonly forMs: number }
  /** Provisioning for `forMs` already; still followed. */
  | { readonly type: "stuck"; readonly forMs: number }
  /** The request's workspace has not answered for `forMs` (`code`: why, e.g. `databricks_unauthorized`). */
  | {
      readonly type: "workspace_unreachable";
      readonly workspace: string;
      readonly forMs: number;
      readonly code: string;
    }
  /**
   * The endpoint is READY: send it its smoke test. Work rather than words: the core hands it to the smoke tester
   * instead of the Notifier, so it rides the outbox (durable, one deliverer at a time, after the READY notice).
   */
  | { readonly type: "smoke_test" }
  /** How the smoke test went. */
  | { readonly type: "smoke_tested"; readonly result: SmokeResult }
  /** The card of a break-glass change was posted: its reason goes in the thread too. */
  | { readonly type: "break_glass" }
  /** The request still waits: remind its approvers, or (`escalation`) mention the escalation group. */
  | {
      readonly type: "reminder";
      readonly kind: "reminder" | "escalation";
      readonly escalationGroup?: string;
    }
  /**
   * The endpoint goes away at `expiresAt`: the requester is asked to keep it, scale it to zero or delete it, and told
   * what happens otherwise (`onExpiry`).
   */
  | { readonly type: "expiry_notice"; readonly expiresAt: number; readonly onExpiry: ExpiryAction }
  /** The moment came with no answer, and the policy's `action` is taken (with `notify`: one more notice). */
  | { readonly type: "endpoint_expired"; readonly action: ExpiryAction }
  /** Someone kept the endpoint: it now goes away at `expiresAt`. */
  | { readonly type: "lifetime_kept"; readonly by: string; readonly expiresAt: number }
  /** Work, not words: write the endpoint's `ptbot_expires_at` tag (at READY, after a keep). */
  | { readonly type: "lifetime_tag" }
  /** Work, not words: open the policy's scale-to-zero or delete request of the endpoint (see `byPolicy`). */
  | { readonly type: "expiry_action"; readonly action: "scale-to-zero" | "delete" };
