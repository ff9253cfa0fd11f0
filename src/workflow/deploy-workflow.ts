import {
  ACTIVE_STATES,
  type Actor,
  type ApprovalPolicy,
  type ApproverDirectory,
  type DeployAsk,
  type DeployRequest,
  decideCreateOrUpdate,
  type MessageRef,
  openRequest,
  type Plan,
  type Requester,
  requestRevision,
} from "../domain/index.js";
import type { Logger } from "../logger.js";
import type { RequestStore } from "../store/request-store.js";
import { type Applied, applyEvent, noticesOf } from "./apply-event.js";
import { toExistingEndpoint } from "./endpoint-views.js";
import type { Clock, DatabricksApi } from "./ports.js";
import { readEndpoint, resolveDeploy } from "./resolve-deploy.js";

export interface DeployWorkflowDeps {
  readonly store: RequestStore;
  readonly databricks: DatabricksApi;
  readonly directory: ApproverDirectory;
  readonly clock: Clock;
  readonly policy: ApprovalPolicy;
  readonly newId: () => string;
  readonly logger: Logger;
  /** Called after a write that left work: a create for the tracker to start, or notices to deliver. */
  readonly onWork?: (work: WorkSignal) => void;
}

/** What a write left to do, so that only the worker concerned is woken. */
export interface WorkSignal {
  readonly create: boolean;
  readonly notices: boolean;
}

export interface DeployInput {
  readonly ask: DeployAsk;
  readonly requester: Requester;
  readonly channelId: string;
}

export interface Adjustment {
  readonly plan: Plan;
  readonly endpointName: string;
}

/**
 * The deploy use cases. Each loads the request, applies one domain transition, saves it with compare-and-set (the
 * notices go into the outbox in the same write), and signals `onWork`. Slack-agnostic: actors are plain ids.
 * Databricks calls that change something (create, update) are the tracker's, under a lease, never made here.
 */
export class DeployWorkflow {
  readonly #deps: DeployWorkflowDeps;

  constructor(deps: DeployWorkflowDeps) {
    this.#deps = deps;
  }

  get policy(): ApprovalPolicy {
    return this.#deps.policy;
  }

  /**
   * Opens a request and resolves it at once: the answer is the request `awaiting_approval` (post its card), or
   * `unresolvable` with a reason, or a rejection (channel not allowed, invalid name) when nothing was stored.
   */
  async request(input: DeployInput): Promise<Applied> {
    const { store, clock, policy, logger } = this.#deps;
    const now = clock.now();
    const opened = openRequest({ id: this.#deps.newId(), ...input }, { now, policy });
    if (!opened.ok) return opened;
    await store.insert(opened.request, { actor: input.requester.id, action: "opened", at: now }, []);
    const log = logger.child({ requestId: opened.request.id });
    log.info({ model: input.ask.model, version: input.ask.version }, "deploy requested");
    const { event, superseded } = await resolveDeploy(this.#deps, opened.request);
    const applied = await this.#apply(opened.request.id, event);
    if (applied.ok) {
      log.info({ state: applied.request.state, reason: applied.request.reason?.code }, "deploy resolved");
      // The requester's earlier request never got a card (its process died): this one replaces it.
      for (const old of superseded) {
        const cancelled = await this.#apply(old, { type: "cancelled", by: { id: input.requester.id } });
        log.info({ superseded: old, ok: cancelled.ok }, "card-less request superseded");
      }
    }
    return applied;
  }

  /** Records where the request's card was posted. */
  attachCard(id: string, message: MessageRef): Promise<Applied> {
    return this.#apply(id, { type: "message_posted", message });
  }

  /**
   * One approval, for `revision`: the request's revision the approver was shown (a card click always says which).
   * Without it, the approval is for the request as it stands (callers that show nothing, such as the bench).
   */
  async approve(id: string, userId: string, revision?: number): Promise<Applied> {
    const by = await this.#actor(userId);
    return this.#apply(id, (current) => ({
      type: "approved",
      by,
      revision: revision ?? requestRevision(current),
    }));
  }

  async reject(id: string, userId: string, note?: string): Promise<Applied> {
    const by = await this.#actor(userId);
    return this.#apply(id, note === undefined ? { type: "rejected", by } : { type: "rejected", by, note });
  }

  /** Cancels a request not applied yet, for its requester or an approver (audited with who). */
  async cancel(id: string, userId: string): Promise<Applied> {
    // The requester needs no group lookup (nor a Slack call that could fail).
    const current = await this.#deps.store.get(id);
    const by = current?.requester.id === userId ? { id: userId } : await this.#actor(userId);
    return this.#apply(id, { type: "cancelled", by });
  }

  /**
   * The requests `/pt cancel <target>` may mean: the one with that id, else those still in progress (not in a
   * final state) that hold `target` as their endpoint name, or asked for it while resolving. Empty when nothing
   * matches.
   */
  async findCancellable(target: string): Promise<DeployRequest[]> {
    const byId = await this.#deps.store.get(target);
    if (byId !== undefined) return [byId];
    const active = await this.#deps.store.listByStates(ACTIVE_STATES, { limit: 1000 });
    return active.filter((r) => (r.endpointName ?? r.ask.endpointName) === target);
  }

  /**
   * New settings. A changed endpoint name is looked up again (it may now be an update, or refused), so the
   * adjustment carries the mode that fits the new name.
   */
  async adjust(id: string, userId: string, adjustment: Adjustment): Promise<Applied> {
    const by = await this.#actor(userId);
    const current = await this.#deps.store.get(id);
    let mode = current?.mode;
    if (current?.model !== undefined && adjustment.endpointName !== current.endpointName) {
      const existing = await readEndpoint(this.#deps.databricks, adjustment.endpointName);
      const decision = decideCreateOrUpdate(
        current.model,
        existing === undefined ? undefined : toExistingEndpoint(existing),
      );
      if (decision.kind === "refused") {
        return {
          ok: false,
          rejection: {
            code: "invalid_plan",
            message: decision.reason.message,
            violations: [{ field: "name", code: "name_bad_characters", message: decision.reason.message }],
          },
          request: current,
        };
      }
      mode = decision;
    }
    const endpointMode = mode ?? { kind: "create" as const };
    return this.#apply(id, {
      type: "adjusted",
      by,
      plan: adjustment.plan,
      endpointName: adjustment.endpointName,
      mode: endpointMode,
    });
  }

  /** Expires undecided requests past their time (up to 100 a call, soonest first); returns how many. */
  async expireDue(): Promise<number> {
    const now = this.#deps.clock.now();
    const due = await this.#deps.store.listExpired(now, { limit: 100 });
    let expired = 0;
    for (const request of due) {
      const applied = await this.#apply(request.id, { type: "expired" });
      if (applied.ok) expired++;
    }
    return expired;
  }

  get(id: string): Promise<DeployRequest | undefined> {
    return this.#deps.store.get(id);
  }

  /** The person as the domain judges them: their id and the approver groups they belong to (looked up, cached). */
  actor(userId: string): Promise<Actor> {
    return this.#actor(userId);
  }

  async #actor(userId: string): Promise<Actor> {
    const groups = this.#deps.policy.approverGroups;
    return {
      id: userId,
      groups: groups.length === 0 ? [] : await this.#deps.directory.groupsOf(userId, groups),
    };
  }

  async #apply(id: string, event: Parameters<typeof applyEvent>[2]): Promise<Applied> {
    const applied = await applyEvent(this.#deps, id, event);
    if (applied.ok) {
      this.#deps.logger.info(
        { requestId: id, state: applied.request.state, version: applied.request.version },
        "request transitioned",
      );
      const work: WorkSignal = {
        create: applied.effects.some((e) => e.type === "start_create"),
        notices: noticesOf(applied.effects).length > 0,
      };
      if (work.create || work.notices) this.#deps.onWork?.(work);
    }
    return applied;
  }
}
