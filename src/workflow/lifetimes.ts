/**
 * Endpoint lifetimes (issue 13), the worker's side: finds the ready deploys whose lifetime is due (the store's
 * `listLifetimesDue`), and applies what is due to each, once: the notice before the moment, then the policy's action
 * at the moment. Each step is one compare-and-set write of the request with its notices in the outbox, so of two
 * replicas sweeping at once one writes and the other finds it done. What needs Databricks or a new request (the
 * `ptbot_expires_at` tag, the policy's scale-to-zero or delete) is work in the outbox behind the step's notice:
 * {@link withLifetimes} hands it here, one deliverer at a time, and retries it until it is done.
 */
import {
  type DeployRequest,
  type ExpiryAction,
  expiresAtTag,
  type LifetimePolicy,
  lifetimeProgress,
  lifetimeStep,
  POLICY_ACTOR,
  requestKind,
} from "../domain/index.js";
import type { Logger } from "../logger.js";
import type { RequestStore } from "../store/request-store.js";
import { type Applied, applyAndSignal, type SignalDeps } from "./apply-event.js";
import type { DatabricksApi, NoticeDelivery, Notifier } from "./ports.js";

/** The tag that says when ptbot will act on the endpoint's lifetime (UTC, ISO 8601). */
export const EXPIRES_AT_TAG = "ptbot_expires_at";

export interface LifetimesDeps extends SignalDeps {
  readonly store: Pick<RequestStore, "get" | "save" | "listLifetimesDue" | "findByEndpointName">;
  readonly databricks: Pick<DatabricksApi, "patchServingEndpointTags">;
  /** The client of the request's workspace (issue 14); default {@link databricks} for every workspace. */
  readonly clientOf?: (workspace: string) => Pick<DatabricksApi, "patchServingEndpointTags">;
  readonly lifetimeOf: (workspace: string) => LifetimePolicy;
  readonly logger: Logger;
  /** Opens the policy's own scale-to-zero or delete request of `holder`'s endpoint (the workflow's `expireByPolicy`). */
  readonly expireByPolicy: (holder: DeployRequest, action: "scale-to-zero" | "delete") => Promise<Applied>;
}

/** Lifetimes handled per sweep, soonest first; the rest wait for the next round. */
const BATCH = 100;
/** Enough of an endpoint's history to find what ended a lifetime (a newer deploy, a delete). */
const HISTORY = 50;

export class Lifetimes {
  readonly #d: LifetimesDeps;

  constructor(deps: LifetimesDeps) {
    this.#d = deps;
  }

  /** Applies every lifetime step due now (up to 100); returns how many were written. */
  async sweep(): Promise<number> {
    const { store, clock } = this.#d;
    const due = await store.listLifetimesDue(clock.now(), { limit: BATCH });
    let written = 0;
    for (const request of due) {
      if (await this.#step(request)) written++;
    }
    return written;
  }

  async #step(request: DeployRequest): Promise<boolean> {
    const lifetime = request.lifetime;
    if (lifetime === undefined) return false;
    const ender = await this.#endedBy(request);
    if (ender !== undefined) {
      const applied = await applyAndSignal(this.#d, request.id, { type: "lifetime_ended", by: ender.id });
      return applied.ok;
    }
    const policy = this.#d.lifetimeOf(request.workspace);
    const step = lifetimeStep(lifetimeProgress(lifetime), this.#d.clock.now(), {
      ...policy,
      noticeMs: lifetime.noticeMs,
    });
    const log = this.#d.logger.child({ requestId: request.id, endpoint: request.endpointName });
    if (step.due === "notice") {
      const applied = await applyAndSignal(this.#d, request.id, {
        type: "lifetime_notice",
        onExpiry: policy.onExpiry,
      });
      if (applied.ok) log.info({ expiresAt: lifetime.expiresAt }, "endpoint expiry notice queued");
      return applied.ok;
    }
    if (step.due === "expire") {
      const applied = await applyAndSignal(this.#d, request.id, {
        type: "lifetime_expired",
        action: step.action,
        by: { id: POLICY_ACTOR },
      });
      if (applied.ok) log.info({ action: step.action }, "endpoint expired; policy action queued");
      return applied.ok;
    }
    return false;
  }

  /** A newer deploy of the endpoint that became READY, or a delete of it that went through: the lifetime is over. */
  async #endedBy(request: DeployRequest): Promise<DeployRequest | undefined> {
    const name = request.endpointName;
    if (name === undefined) return undefined;
    const history = await this.#d.store.findByEndpointName(request.workspace, name, { limit: HISTORY });
    for (const other of history) {
      if (other.id === request.id) return undefined; // Newest first: what follows is older.
      const kind = requestKind(other);
      if (
        (kind === "deploy" && other.state === "ready") ||
        (kind === "delete" && other.state === "deleted")
      ) {
        return other;
      }
    }
    return undefined;
  }

  /** The `lifetime_tag` work: writes `ptbot_expires_at` as the request saved with it says. Repeating it is harmless. */
  async tag(request: DeployRequest): Promise<void> {
    const name = request.endpointName;
    const lifetime = request.lifetime;
    if (name === undefined || lifetime === undefined) return;
    const databricks = this.#d.clientOf?.(request.workspace) ?? this.#d.databricks;
    await databricks.patchServingEndpointTags(name, {
      add_tags: [{ key: EXPIRES_AT_TAG, value: expiresAtTag(lifetime.expiresAt) }],
    });
    this.#d.logger.info({ requestId: request.id, endpoint: name }, "endpoint expiry tag written");
  }

  /** The `expiry_action` work: the policy's own request, opened once (a retry finds the one opened before). */
  async act(request: DeployRequest, action: Exclude<ExpiryAction, "notify">): Promise<void> {
    const applied = await this.#d.expireByPolicy(request, action);
    this.#d.logger.info(
      { requestId: request.id, action, opened: applied.ok ? applied.request.id : undefined },
      "policy request opened at endpoint expiry",
    );
  }
}

/**
 * The Notifier the dispatcher delivers to: `lifetime_tag` and `expiry_action` notices are work for {@link Lifetimes},
 * every other notice goes to `inner`. A failure throws, so the outbox retries it like any notice.
 */
export function withLifetimes(inner: Notifier, lifetimes: Lifetimes): Notifier {
  return {
    deliver(request: DeployRequest, notice, delivery?: NoticeDelivery) {
      if (notice.type === "lifetime_tag") return lifetimes.tag(request);
      if (notice.type === "expiry_action") return lifetimes.act(request, notice.action);
      return inner.deliver(request, notice, delivery);
    },
  };
}
