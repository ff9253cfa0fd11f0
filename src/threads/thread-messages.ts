/**
 * What the receiving thread and the core's thread say to each other (structured-cloned over the worker's port).
 * Slack's bodies cross as Bolt parsed them; nothing else of a request does.
 */
import type { AckKind } from "../slack/listeners/deps.js";

/**
 * The receiving thread → the core's thread, posted in batches (`ToCore[]`, in order): a burst of requests crosses
 * in a few messages, not one each, since every message costs the receiving thread a wake-up of the other.
 */
export type ToCore =
  /**
   * A verified, parsed Slack request. `acked`: the receiving thread already answered Slack (commands, clicks,
   * events), so the core's ack is a no-op; otherwise (a modal submission) the core's ack is sent back as `answer`.
   */
  | {
      readonly type: "event";
      readonly id: number;
      readonly body: Record<string, unknown>;
      readonly acked: boolean;
      readonly retryNum?: number;
      readonly retryReason?: string;
      /** How long the receiving thread took to answer it, when it did (one message rather than two). */
      readonly ackedIn?: { readonly kind: AckKind; readonly seconds: number };
    }
  /** How long an ack took on the receiving thread, for the core's metrics. */
  | { readonly type: "ack-time"; readonly kind: AckKind; readonly seconds: number }
  | { readonly type: "stop" };

/** A custom route the core's thread serves on loopback (`/healthz`, `/readyz`, `/metrics`). */
export interface RouteShape {
  readonly path: string;
  readonly method: readonly string[];
}

/** The core's thread → the receiving thread. */
export type FromCore =
  | {
      readonly type: "ready";
      readonly routesPort: number;
      readonly routes: readonly RouteShape[];
      /** The policy the core read (it reads the environment and the policy file again): the same as the receiver's. */
      readonly policyChecksum: string;
    }
  /** The core did not start: the error's code (a `PtbotError`'s) and message, safe to show. */
  | { readonly type: "failed"; readonly code?: string; readonly message: string }
  /** The core's ack of a request the receiving thread did not answer; `failed`: its listener threw first. */
  | { readonly type: "answer"; readonly id: number; readonly response?: unknown; readonly failed?: boolean }
  | { readonly type: "stopped" };
