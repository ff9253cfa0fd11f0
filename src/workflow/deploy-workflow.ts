import {
  ACTIVE_STATES,
  type Actor,
  type ApprovalPolicy,
  type ApproverDirectory,
  anyTierApprovers,
  askWithLifetime,
  breakGlassQuorum,
  breakGlassReason,
  type CostPolicy,
  canApprove,
  DEFAULT_BREAK_GLASS_QUORUM,
  type DeployAsk,
  type DeployEvent,
  type DeployRequest,
  decideCreateOrUpdate,
  freezeAllowsApproval,
  freezeAllowsRequest,
  freezeAt,
  holderOf,
  type LifetimePolicy,
  type MessageRef,
  type Notice,
  nameConflict,
  nameRefused,
  needsGroupLookup,
  openRequest,
  type Plan,
  POLICY_ACTOR,
  type PolicyOf,
  type Rejection,
  type Requester,
  type RequestKind,
  requestKind,
  requestRevision,
  transition,
} from "../domain/index.js";
import type { Logger } from "../logger.js";
import { EndpointNameHeldError, RequestExistsError, type RequestStore } from "../store/request-store.js";
import {
  type Applied,
  applyAndSignal,
  approvalFor,
  type EventFor,
  noticesOf,
  type WorkSignal,
} from "./apply-event.js";
import { toExistingEndpoint } from "./endpoint-views.js";
import { checksumOf } from "./policy-checksum.js";
import type { Clock } from "./ports.js";
import { resolveChange } from "./resolve-change.js";
import { readEndpoint, resolveDeploy } from "./resolve-deploy.js";
import type { Workspaces } from "./workspaces.js";

export interface DeployWorkflowDeps {
  readonly store: RequestStore;
  /** Each workspace's Databricks client and rules: a request reads its own workspace's (issue 14). */
  readonly workspaces: Workspaces;
  readonly directory: ApproverDirectory;
  readonly clock: Clock;
  /** The default approval rules (the `ApprovalPolicy` a caller without workspaces passed). */
  readonly policy: ApprovalPolicy;
  /** The cost rules of a request's workspace (cap, high-cost tier), by its `workspace`; default none. */
  readonly costOf?: (workspace: string) => CostPolicy;
  /** Each workspace's approval rules (the core passes `policyOf(w).approval`); default {@link policy}. */
  readonly approvalOf?: (workspace: string) => ApprovalPolicy;
  readonly newId: () => string;
  readonly logger: Logger;
  /** Called after a write that left work: a create for the tracker to start, or notices to deliver. */
  readonly onWork?: (work: WorkSignal) => void;
  /** Each workspace's rules (freezes, the break-glass quorum), by the request's `workspace`. Default: no freezes. */
  readonly policyOf?: PolicyOf;
  /** The policy's checksum, recorded with each audit row (`config.policyChecksum`). */
  readonly policyChecksum?: string;
  /** Each workspace's lifetime rules: a deploy's TTL default and notice lead. Default: none (no lifetimes). */
  readonly lifetimeOf?: (workspace: string) => LifetimePolicy;
}

export interface DeployInput {
  readonly ask: DeployAsk;
  readonly requester: Requester;
  readonly channelId: string;
  /** Which workspace the request is for (`--in`, or the channel's); default: the first workspace. */
  readonly workspace?: string;
  /** Default `deploy`. A scale, rollback or delete names its endpoint (`ask.endpointName`) and no model. */
  readonly kind?: RequestKind;
  /** The request's id; default a new one. ptbot's own requests at expiry have one per lifetime, so a retry finds it. */
  readonly id?: string;
  /** ptbot's own request at an endpoint's expiry (see `DeployRequest.byPolicy`). */
  readonly byPolicy?: DeployRequest["byPolicy"];
}

export interface Adjustment {
  readonly plan: Plan;
  readonly endpointName: string;
}

/** Supersede-and-retry rounds before a name conflict is answered as "in use" (each round, someone else won). */
const MAX_HOLD_ATTEMPTS = 3;

/** An adjustment refused because another request holds the new name: an error under the name field. */
function nameInUse(name: string, holder: DeployRequest, request: DeployRequest | undefined): Applied {
  const who = holder.requester.name ?? holder.requester.id;
  const message = `endpoint ${name} is held by another request from ${who} (${holder.state.replace("_", " ")})`;
  return {
    ok: false,
    rejection: {
      code: "invalid_plan",
      message,
      violations: [{ field: "name", code: "name_in_use", message }],
    },
    ...(request === undefined ? {} : { request }),
  };
}

/**
 * The deploy use cases. Each loads the request, applies one domain transition, saves it with compare-and-set (the
 * notices go into the outbox in the same write), and signals `onWork`. Slack-agnostic: actors are plain ids.
 * Databricks calls that change something (create, update) are the tracker's, under a lease, never made here; expiring
 * undecided requests is the expiry's (`src/core/expiry.ts`). Built by `createCore`.
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
   * `unresolvable` with a reason (also when another request holds the endpoint name: `endpoint_in_use`, or
   * `duplicate_request` for the same command twice), or a rejection (channel not allowed, invalid name) when nothing
   * was stored. The endpoint name is held from the write that sets it (the insert, with `--name`; else `resolved`):
   * of two requests racing for one name, the store lets exactly one hold it.
   */
  async request(input: DeployInput): Promise<Applied> {
    const { clock, logger } = this.#deps;
    const now = clock.now();
    const workspace = input.workspace ?? this.#deps.workspaces.names[0] ?? "default";
    const deps = this.#in(workspace);
    const first = this.#withLifetime(
      openRequest({ ...input, id: input.id ?? this.#deps.newId(), workspace }, { now, policy: deps.policy }),
    );
    if (!first.ok) return first;
    // The policy's own expiry action was settled when the endpoint's lifetime was approved: a freeze does not hold
    // it back (see the README).
    const opened = first.request.byPolicy === undefined ? this.#freezeGate(first.request, now) : first;
    if (!opened.ok) {
      logger.info({ workspace: first.request.workspace }, "request refused: workspace frozen");
      return opened;
    }
    const log = logger.child({ requestId: opened.request.id });
    const refused = await this.#insert(opened.request, noticesOf(opened.effects));
    if (refused !== undefined) {
      log.info({ reason: refused.request.reason?.code }, "deploy refused: endpoint name held");
      return refused;
    }
    const kind = requestKind(opened.request);
    log.info(
      { kind, model: input.ask.model, version: input.ask.version, endpoint: input.ask.endpointName },
      "deploy requested",
    );
    const event =
      kind === "deploy"
        ? await resolveDeploy(deps, opened.request)
        : await resolveChange(deps, opened.request);
    const applied = await this.#holding(opened.request.id, event);
    if (applied.ok) {
      log.info({ state: applied.request.state, reason: applied.request.reason?.code }, "deploy resolved");
    }
    return applied;
  }

  /**
   * A new request for a frozen workspace is refused (nothing stored, no card) unless it carries a break-glass
   * reason; one that does is marked as a break-glass change with the workspace's quorum, frozen or not.
   */
  #freezeGate(
    request: DeployRequest,
    now: number,
  ): { ok: true; request: DeployRequest; effects: [] } | { ok: false; rejection: Rejection } {
    const rules = this.#deps.policyOf?.(request.workspace);
    const reason = breakGlassReason(request.ask.breakGlass);
    if (rules !== undefined) {
      const refused = freezeAllowsRequest(
        freezeAt(now, rules.freezes),
        { workspace: request.workspace, timeZone: rules.freezes.timeZone },
        reason,
      );
      if (refused !== undefined) return { ok: false, rejection: refused };
    }
    if (reason === undefined) return { ok: true, request, effects: [] };
    const quorum = breakGlassQuorum(
      this.#deps.policy.requiredApprovals,
      rules?.breakGlassQuorum ?? DEFAULT_BREAK_GLASS_QUORUM,
    );
    return { ok: true, request: { ...request, breakGlass: { reason, quorum } }, effects: [] };
  }

  /**
   * Inserts the new request; when the name it holds (`--name`) is taken, supersedes the holder if it is the
   * requester's own abandoned request and tries again, or stores the request already refused and returns it.
   */
  async #insert(
    request: DeployRequest,
    notices: readonly Notice[],
  ): Promise<Extract<Applied, { ok: true }> | undefined> {
    const { store, clock } = this.#deps;
    const policy = approvalFor(this.#deps, request);
    const actor = request.byPolicy === undefined ? request.requester.id : POLICY_ACTOR;
    const audit = { actor, action: "opened", at: request.createdAt, ...checksumOf(this.#deps) };
    for (let attempt = 1; ; attempt++) {
      try {
        await store.insert(request, audit, notices);
        return undefined;
      } catch (error) {
        if (!(error instanceof EndpointNameHeldError)) throw error;
        const event = await this.#nameHeld(error, request, attempt);
        if (event === undefined) continue;
        const ended = transition(request, event, { now: clock.now(), policy });
        if (!ended.ok) throw error;
        await store.insert(ended.request, { ...audit, action: event.type }, []);
        return { ok: true, request: ended.request, effects: ended.effects };
      }
    }
  }

  /**
   * Applies `event` (the `resolved` one, or an adjustment) to a request that will then hold an endpoint name. When
   * the store says another request holds it: an abandoned card-less request of the same requester is superseded and
   * the event applied again; otherwise the request ends refused with the holder named.
   */
  async #holding(id: string, event: DeployEvent): Promise<Applied> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#apply(id, event);
      } catch (error) {
        if (!(error instanceof EndpointNameHeldError)) throw error;
        const request = await this.#deps.store.get(id);
        if (request === undefined) throw error;
        const refusal = await this.#nameHeld(error, request, attempt);
        if (refusal !== undefined) return this.#apply(id, refusal);
      }
    }
  }

  /**
   * What to do when the store says another request holds the name `request` wants: supersede the holder (an
   * abandoned card-less request of the same requester) and answer undefined, to try again; or, once that is not it
   * or has been tried enough, the refusal to apply, naming the holder.
   */
  async #nameHeld(
    error: EndpointNameHeldError,
    request: DeployRequest,
    attempt: number,
  ): Promise<DeployEvent | undefined> {
    const conflict = nameConflict(request, error.holder, this.#deps.clock.now());
    if (conflict === "supersede" && attempt < MAX_HOLD_ATTEMPTS) {
      await this.#supersede(error.holder.id, request);
      return undefined;
    }
    return nameRefused(conflict === "supersede" ? "in_use" : conflict, error.endpointName, error.holder);
  }

  /** The requester's earlier request never got a card (its process died): `newer` replaces it. */
  async #supersede(oldId: string, newer: DeployRequest): Promise<void> {
    const done = await this.#apply(oldId, { type: "superseded", newer: holderOf(newer) });
    this.#deps.logger.info(
      { requestId: newer.id, superseded: oldId, ok: done.ok },
      "card-less request superseded",
    );
  }

  /** Records where the request's card was posted. */
  attachCard(id: string, message: MessageRef): Promise<Applied> {
    return this.#apply(id, { type: "message_posted", message });
  }

  /**
   * Records that Slack will never accept a change of the request's card (`code`: its answer, e.g. `is_inactive`).
   * Logged once, when first recorded; later reports change nothing. The request carries on without card updates.
   */
  async cardUnreachable(id: string, code: string): Promise<void> {
    const applied = await this.#apply(id, { type: "card_unreachable", code });
    if (applied.ok) {
      this.#deps.logger.warn({ requestId: id, slackError: code }, "card unreachable; card updates stopped");
    }
  }

  /**
   * Records `message` as the card of a request that has none recorded (Slack stored the card, ptbot was stopped
   * before recording it; a click on it tells where it is). `true` when adopted; a request with a card keeps it.
   */
  async adoptCard(id: string, message: MessageRef): Promise<boolean> {
    const request = await this.#deps.store.get(id);
    if (request === undefined || request.message !== undefined) return false;
    const applied = await this.#apply(id, { type: "message_posted", message });
    return applied.ok;
  }

  /**
   * One approval, for `revision`: the request's revision the approver was shown (a card click always says which).
   * Without it, the approval is for the request as it stands (callers that show nothing, such as the bench). A
   * delete also needs `confirmedName`, the endpoint name the approver typed.
   */
  async approve(id: string, userId: string, revision?: number, confirmedName?: string): Promise<Applied> {
    const by = await this.#actor(userId, (await this.#deps.store.get(id))?.workspace);
    const frozen = await this.#approvalFrozen(id, by);
    if (frozen !== undefined) return frozen;
    return this.#apply(id, (current) => ({
      type: "approved",
      by,
      revision: revision ?? requestRevision(current),
      ...(confirmedName === undefined ? {} : { confirmedName }),
    }));
  }

  /**
   * Why `userId` could not approve request `id` now, judged as Approve judges it (who may approve, the freeze), without
   * approving; undefined when they could, or when the request is not awaiting approval (Approve says why then). The
   * Delete button asks before it opens its form, so that nobody types an endpoint's name only to hear no.
   */
  async approvalRefusal(id: string, userId: string): Promise<Rejection | undefined> {
    const current = await this.#deps.store.get(id);
    if (current === undefined || current.state !== "awaiting_approval") return undefined;
    const by = await this.#actor(userId, current.workspace);
    const decision = canApprove(current, by, approvalFor(this.#deps, current));
    if (!decision.ok) return decision.rejection;
    const frozen = await this.#approvalFrozen(id, by);
    return frozen !== undefined && !frozen.ok ? frozen.rejection : undefined;
  }

  /**
   * An approval during a freeze is refused unless the request is a break-glass change (its card may have been posted
   * before the freeze began): see `freezeAllowsApproval`. Judged on the request as loaded, with the clock's now.
   */
  async #approvalFrozen(id: string, by: Actor): Promise<Applied | undefined> {
    const { policyOf, store, clock, policy } = this.#deps;
    if (policyOf === undefined) return undefined;
    const current = await store.get(id);
    if (current === undefined || current.state !== "awaiting_approval") return undefined;
    // Whoever may not approve anyway hears why from the transition (not an approver, their own request).
    if (!canApprove(current, by, policy).ok) return undefined;
    const { freezes } = policyOf(current.workspace);
    const refused = freezeAllowsApproval(current, freezeAt(clock.now(), freezes), freezes.timeZone);
    return refused === undefined ? undefined : { ok: false, rejection: refused, request: current };
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
      const holder = await this.#deps.store.findHolder(current.workspace, adjustment.endpointName);
      if (holder !== undefined && holder.id !== id)
        return nameInUse(adjustment.endpointName, holder, current);
      const existing = await readEndpoint(
        this.#deps.workspaces.clientOf(current.workspace),
        adjustment.endpointName,
      );
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
    try {
      return await this.#apply(id, {
        type: "adjusted",
        by,
        plan: adjustment.plan,
        endpointName: adjustment.endpointName,
        mode: endpointMode,
      });
    } catch (error) {
      // Another request took the name between the check above and this write.
      if (!(error instanceof EndpointNameHeldError)) throw error;
      return nameInUse(adjustment.endpointName, error.holder, await this.#deps.store.get(id));
    }
  }

  get(id: string): Promise<DeployRequest | undefined> {
    return this.#deps.store.get(id);
  }

  /** A new deploy's ask with its workspace's lifetime filled in (`askWithLifetime`). */
  #withLifetime(opened: ReturnType<typeof openRequest>): ReturnType<typeof openRequest> {
    const { lifetimeOf } = this.#deps;
    if (!opened.ok || lifetimeOf === undefined) return opened;
    const { request } = opened;
    const ask = askWithLifetime(request.ask, requestKind(request), lifetimeOf(request.workspace));
    return { ...opened, request: { ...request, ask } };
  }

  /** `Keep 7 more days` on an expiry notice: by the requester or an approver, audited with who (and re-tagged). */
  async keep(id: string, userId: string): Promise<Applied> {
    const current = await this.#deps.store.get(id);
    const by =
      current?.requester.id === userId
        ? { id: userId, groups: [] }
        : await this.#actor(userId, current?.workspace);
    return this.#apply(id, { type: "lifetime_kept", by });
  }

  /**
   * ptbot's own scale-to-zero or delete of the endpoint whose lifetime `holder` kept, at its expiry: a request of
   * that kind through the usual path, approved by the policy (audited as `policy`), its notices in `holder`'s
   * thread. One per lifetime moment (its id says which), so a retried delivery finds it instead of opening another.
   */
  async expireByPolicy(holder: DeployRequest, action: "scale-to-zero" | "delete"): Promise<Applied> {
    const expiresAt = holder.lifetime?.expiresAt ?? 0;
    const id = `${holder.id}.expiry.${expiresAt}`;
    const existing = await this.#deps.store.get(id);
    if (existing !== undefined) {
      if (existing.state !== "resolving") return { ok: true, request: existing, effects: [] };
      // Opened by a delivery that stopped before resolving it: the outbox hands this work to one deliverer at a time,
      // so nobody else is resolving it now.
      return this.#holding(id, await resolveChange(this.#in(existing.workspace), existing));
    }
    const endpointName = holder.endpointName ?? holder.ask.endpointName ?? "";
    try {
      return await this.request({
        id,
        kind: action === "delete" ? "delete" : "scale",
        ask: {
          model: "",
          version: "latest",
          endpointName,
          ...(action === "delete" ? {} : { scaleToZero: true }),
        },
        requester: holder.requester,
        channelId: holder.channelId,
        workspace: holder.workspace,
        byPolicy: {
          lifetimeOf: holder.id,
          ...(holder.message === undefined ? {} : { thread: holder.message }),
        },
      });
    } catch (error) {
      if (!(error instanceof RequestExistsError)) throw error;
      const stored = await this.#deps.store.get(id);
      if (stored === undefined) throw error;
      return { ok: true, request: stored, effects: [] };
    }
  }

  /**
   * The person as the domain judges them: their id and the approver groups they belong to (looked up, cached); with
   * `workspace`, also the groups of its high-cost approvers.
   */
  actor(userId: string, workspace?: string): Promise<Actor> {
    return this.#actor(userId, workspace);
  }

  async #actor(userId: string, workspace?: string): Promise<Actor> {
    const { directory } = this.#deps;
    // A high-cost request's approvers may be other people and groups: look the person up in those too.
    const everywhere = this.#approversEverywhere();
    const cost = workspace === undefined ? undefined : this.#deps.costOf?.(workspace);
    const policy = cost === undefined ? everywhere : anyTierApprovers(everywhere, cost);
    return {
      id: userId,
      groups: needsGroupLookup(userId, policy) ? await directory.groupsOf(userId, policy.approverGroups) : [],
    };
  }

  /**
   * The approvers of every workspace together: an actor is looked up before anyone knows which workspace's request
   * they will act on, so their groups are checked against all of them (each decision then reads its own workspace's).
   */
  #approversEverywhere(): ApprovalPolicy {
    const { workspaces } = this.#deps;
    const all = workspaces.names.map((w) => approvalFor(this.#deps, { workspace: w }));
    const [only] = all;
    if (only !== undefined && all.length === 1) return only;
    // A user named in one workspace may be a group member in another: with several, the groups are always read.
    return {
      ...this.#deps.policy,
      approverUsers: [],
      approverGroups: [...new Set(all.flatMap((p) => p.approverGroups))],
    };
  }

  /** The deps a request of `workspace` is resolved with: its workspace's client and approval rules. */
  #in(workspace: string) {
    return {
      ...this.#deps,
      databricks: this.#deps.workspaces.clientOf(workspace),
      policy: approvalFor(this.#deps, { workspace }),
    };
  }

  #apply(id: string, event: EventFor): Promise<Applied> {
    return applyAndSignal(this.#deps, id, event);
  }
}
