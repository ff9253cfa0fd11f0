import {
  type ApprovalPolicy,
  type CostPolicy,
  type DeployEvent,
  type DeployRequest,
  type Effect,
  eventActor,
  type Notice,
  type Rejection,
  transition,
} from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { RequestStore } from "../store/request-store.js";
import { checksumOf } from "./policy-checksum.js";
import type { Clock } from "./ports.js";

/** The answer to a use case: the saved request and the effects still to perform, or why nothing changed. */
export type Applied =
  | { readonly ok: true; readonly request: DeployRequest; readonly effects: readonly Effect[] }
  | { readonly ok: false; readonly rejection: Rejection; readonly request?: DeployRequest };

export interface ApplyDeps {
  readonly store: Pick<RequestStore, "get" | "save">;
  readonly clock: Clock;
  readonly policy: ApprovalPolicy;
  /** The policy's checksum, recorded with each audit row (absent: none recorded). */
  readonly policyChecksum?: string;
  /** The cost rules of a request's workspace (cap, high-cost tier), by its `workspace`; default none. */
  readonly costOf?: (workspace: string) => CostPolicy;
  /** The approval rules of a request's workspace (issue 14); default: {@link policy} for every workspace. */
  readonly approvalOf?: (workspace: string) => ApprovalPolicy;
}

/** The approval rules `request` is judged by: its workspace's, else the one policy. */
export function approvalFor(
  deps: Pick<ApplyDeps, "policy" | "approvalOf">,
  request: Pick<DeployRequest, "workspace">,
): ApprovalPolicy {
  return deps.approvalOf?.(request.workspace) ?? deps.policy;
}

/** A request id that is not in the store. */
export class RequestNotFoundError extends PtbotError {
  constructor(id: string) {
    super("request_not_found", `request ${id} does not exist`);
  }
}

/** The event to apply: given, or built from the request as loaded (so a retry judges the state that won). */
export type EventFor = DeployEvent | ((request: DeployRequest) => DeployEvent);

// Enough for any realistic burst of clicks on one card: each retry means another writer won, and a request has few.
const MAX_ATTEMPTS = 20;

/** The notices among `effects`: what goes into the outbox with the write. */
export function noticesOf(effects: readonly Effect[]): Notice[] {
  return effects.flatMap((e) => (e.type === "notify" ? [e.notice] : []));
}

/**
 * Loads the request, applies the event built from it, and saves with compare-and-set (plus its audit entry and its
 * notices, in one transaction). When another writer got there first it reloads and applies again, so the event is
 * judged against the state that won: of twenty concurrent approvals, one approves and the others hear "already
 * approved by …".
 */
export async function applyEvent(deps: ApplyDeps, id: string, makeEvent: EventFor): Promise<Applied> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.store.get(id);
    if (current === undefined) throw new RequestNotFoundError(id);
    const event = typeof makeEvent === "function" ? makeEvent(current) : makeEvent;
    const now = deps.clock.now();
    const cost = deps.costOf?.(current.workspace);
    const result = transition(current, event, {
      now,
      policy: approvalFor(deps, current),
      ...(cost === undefined ? {} : { cost }),
    });
    if (!result.ok) return { ok: false, rejection: result.rejection, request: current };
    const saved = await deps.store.save(
      result.request,
      current.version,
      { actor: eventActor(event), action: event.type, at: now, ...checksumOf(deps) },
      noticesOf(result.effects),
    );
    if (saved) return { ok: true, request: result.request, effects: result.effects };
    if (attempt >= MAX_ATTEMPTS) {
      throw new PtbotError(
        "store_contention",
        `request ${id}: ${MAX_ATTEMPTS} writers in a row got there first`,
      );
    }
  }
}

/** What a write left to do, so that only the worker concerned is woken. */
export interface WorkSignal {
  /** A create (or update) for the tracker to start: the write left the request `approved`. */
  readonly create: boolean;
  /** Notices in the outbox for the dispatcher to deliver. */
  readonly notices: boolean;
}

export interface SignalDeps extends ApplyDeps {
  readonly logger: Logger;
  /** Called after a write that left work: a create for the tracker to start, or notices to deliver. */
  readonly onWork?: (work: WorkSignal) => void;
}

/**
 * {@link applyEvent}, then, when the write happened, logs the transition and tells `onWork` what it left to do. Every
 * write by a command or by the expiry goes through here, so the workers concerned are woken at once.
 */
export async function applyAndSignal(deps: SignalDeps, id: string, makeEvent: EventFor): Promise<Applied> {
  const applied = await applyEvent(deps, id, makeEvent);
  if (applied.ok) {
    deps.logger.info(
      { requestId: id, state: applied.request.state, version: applied.request.version },
      "request transitioned",
    );
    const work: WorkSignal = {
      create: applied.request.state === "approved",
      notices: noticesOf(applied.effects).length > 0,
    };
    if (work.create || work.notices) deps.onWork?.(work);
  }
  return applied;
}
