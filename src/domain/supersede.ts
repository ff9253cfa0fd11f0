import type { DeployEvent } from "./events.js";
import type { DeployAsk, DeployRequest, NameHolder } from "./request.js";

/**
 * How long a request may go without a card before it counts as abandoned. ptbot posts the card right after the
 * lookups (normally within seconds); a request still card-less after this long lost its process (killed while
 * resolving or posting) or its card's record. Younger than this, the process that opened it is most likely still
 * at work, so a second identical command is a double submission, not a retry, and must not cancel the first.
 */
export const CARD_GRACE_MS = 30_000;

/** A card-less request that is still undecided: nobody has seen it approved, adjusted or cancelled. */
function cardLess(request: DeployRequest): boolean {
  return (
    request.message === undefined && (request.state === "resolving" || request.state === "awaiting_approval")
  );
}

/**
 * Whether `newer` may take over the endpoint name `older` holds at `now`. Only a request that has had no card for
 * {@link CARD_GRACE_MS} qualifies: the process that was posting it died (or Slack never took it), so nobody can
 * approve, adjust or cancel it, and without this rule it would block its endpoint name until it expires. Only its
 * own requester may take it over, and only with a later request, so two commands racing each other cannot both give
 * way. Should its card exist after all (stored by Slack, never recorded), the card says it was replaced once it is
 * clicked (see the `superseded` event).
 */
export function supersedes(newer: DeployRequest, older: DeployRequest, now: number): boolean {
  return (
    older.id !== newer.id &&
    cardLess(older) &&
    now - older.updatedAt >= CARD_GRACE_MS &&
    older.requester.id === newer.requester.id &&
    (older.createdAt < newer.createdAt || (older.createdAt === newer.createdAt && older.id < newer.id))
  );
}

/** What a new request does about another request that holds its endpoint name. */
export type NameConflict =
  /** The holder is the requester's own abandoned, card-less request: replace it. */
  | "supersede"
  /** The holder is the same ask by the same requester, still being prepared: the second is a double submission. */
  | "duplicate"
  /** Someone's live request holds the name: refuse. */
  | "in_use";

export function nameConflict(newer: DeployRequest, holder: DeployRequest, now: number): NameConflict {
  if (supersedes(newer, holder, now)) return "supersede";
  if (
    cardLess(holder) &&
    holder.requester.id === newer.requester.id &&
    holder.channelId === newer.channelId &&
    sameAsk(holder.ask, newer.ask)
  ) {
    return "duplicate";
  }
  return "in_use";
}

function sameAsk(a: DeployAsk, b: DeployAsk): boolean {
  return (
    a.model.toLowerCase() === b.model.toLowerCase() &&
    a.version === b.version &&
    a.endpointName === b.endpointName &&
    a.min === b.min &&
    a.max === b.max &&
    (a.scaleToZero ?? false) === (b.scaleToZero ?? false)
  );
}

export function holderOf(request: DeployRequest): NameHolder {
  return { requestId: request.id, requester: request.requester, state: request.state };
}

/** The event that ends a request refused over its endpoint name: `endpoint_in_use`, or `duplicate_request`. */
export function nameRefused(
  conflict: Exclude<NameConflict, "supersede">,
  endpointName: string,
  holder: DeployRequest,
): DeployEvent {
  const held = { endpointName, holder: holderOf(holder) };
  if (conflict === "duplicate") {
    return {
      type: "resolution_failed",
      code: "duplicate_request",
      message: `the same request ${holder.id} for endpoint ${endpointName} is already being prepared`,
      ...held,
    };
  }
  return {
    type: "resolution_failed",
    code: "endpoint_in_use",
    message: `request ${holder.id} by ${holder.requester.id} is already ${holder.state.replace("_", " ")} for endpoint ${endpointName}`,
    ...held,
  };
}
