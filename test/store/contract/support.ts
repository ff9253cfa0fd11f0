/**
 * What the role contracts share: how to open stores, the fixtures they insert, and a compare-and-set step.
 */
import type { DeployEvent } from "../../../src/domain/events.js";
import { eventActor } from "../../../src/domain/events.js";
import type { DeployRequest } from "../../../src/domain/request.js";
import { transition } from "../../../src/domain/transition.js";
import type { AuditInput } from "../../../src/store/audit-log.js";
import type { Store } from "../../../src/store/store.js";
import { requestIn as fixtureRequestIn, policy, T0 } from "../../domain/fixtures.js";

/**
 * A request in `state`, on an endpoint name of its own unless one is given: a store holds each name for one live
 * request at a time, so requests that are not about that rule must not share one.
 */
export function requestIn(...[state, options = {}]: Parameters<typeof fixtureRequestIn>): DeployRequest {
  return fixtureRequestIn(state, { endpointName: `ep-${options.id ?? "req-1"}`, ...options });
}

export interface StoreTarget {
  /** Opens a new, empty store. */
  create(): Promise<Store>;
  /**
   * Opens another store on the same data as `store` (as a second process would), also after `store` was closed.
   * Omit when the implementation cannot share data (in-memory).
   */
  peer?(store: Store): Promise<Store>;
}

/** What each role's contract gets: stores it opens are closed after each test. */
export interface ContractContext {
  readonly target: StoreTarget;
  /** Opens a new, empty store. */
  readonly create: () => Promise<Store>;
  /** Opens another store on the same data (see {@link StoreTarget.peer}); throws when the target has none. */
  readonly peerOf: (store: Store) => Promise<Store>;
}

export const HOUR_MS = 3_600_000;
export const OPENED: AuditInput = { actor: "U_REQ", action: "opened", at: T0 };

/** Applies `event` and saves it with compare-and-set; returns the saved request, failing on rejection or conflict. */
export async function step(store: Store, request: DeployRequest, event: DeployEvent, now: number) {
  const result = transition(request, event, { now, policy });
  if (!result.ok) throw new Error(`${event.type} rejected: ${result.rejection.message}`);
  const saved = await store.save(result.request, request.version, {
    actor: eventActor(event),
    action: event.type,
    at: now,
  });
  if (!saved) throw new Error(`${event.type}: compare-and-set lost`);
  return result.request;
}
