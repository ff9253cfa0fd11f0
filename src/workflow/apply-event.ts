import {
  type ApprovalPolicy,
  type DeployEvent,
  type DeployRequest,
  type Effect,
  eventActor,
  type Notice,
  type Rejection,
  transition,
} from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { RequestStore } from "../store/request-store.js";
import type { Clock } from "./ports.js";

/** The answer to a use case: the saved request and the effects still to perform, or why nothing changed. */
export type Applied =
  | { readonly ok: true; readonly request: DeployRequest; readonly effects: readonly Effect[] }
  | { readonly ok: false; readonly rejection: Rejection; readonly request?: DeployRequest };

export interface ApplyDeps {
  readonly store: RequestStore;
  readonly clock: Clock;
  readonly policy: ApprovalPolicy;
}

/** A request id that is not in the store. */
export class RequestNotFoundError extends PtbotError {
  constructor(id: string) {
    super("request_not_found", `request ${id} does not exist`);
  }
}

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
export async function applyEvent(
  deps: ApplyDeps,
  id: string,
  makeEvent: DeployEvent | ((request: DeployRequest) => DeployEvent),
): Promise<Applied> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.store.get(id);
    if (current === undefined) throw new RequestNotFoundError(id);
    const event = typeof makeEvent === "function" ? makeEvent(current) : makeEvent;
    const now = deps.clock.now();
    const result = transition(current, event, { now, policy: deps.policy });
    if (!result.ok) return { ok: false, rejection: result.rejection, request: current };
    const saved = await deps.store.save(
      result.request,
      current.version,
      { actor: eventActor(event), action: event.type, at: now },
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
