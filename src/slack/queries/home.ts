/**
 * What the Home tab shows the viewer: the requests waiting for their approval (judged by the domain, with their cost
 * tier's approvers: `costQuorum`, `canApprove`), each with its card's permalink, and the fleet (`loadFleet`).
 */
import {
  bandCost,
  type CostPolicy,
  canApprove,
  costQuorum,
  DEFAULT_COST_POLICY,
  type FleetCost,
  type FleetEntry,
  isResolved,
  lifetimeInForce,
} from "../../domain/index.js";
import type { Logger } from "../../logger.js";
import type { WaitingRequest } from "../blocks/home.js";
import type { ListenerDeps } from "../listeners/deps.js";
import { approvalIn } from "../listeners/workspace-of.js";
import { loadFleet } from "./fleet.js";

export interface HomeData {
  readonly waiting: readonly WaitingRequest[];
  readonly fleet: FleetCost;
  /** When each endpoint of the fleet should go away (its lifetime in force), if it has one. */
  readonly lifetimeOf: (entry: FleetEntry) => number | undefined;
}

/** Slack's `chat.getPermalink`, the one call the Home tab makes per waiting request. */
export type GetPermalink = (channel: string, messageTs: string) => Promise<string | undefined>;

/** Enough waiting requests for any one viewer. */
const WAITING_LIMIT = 200;

export async function loadHome(
  deps: Pick<ListenerDeps, "store" | "workflow" | "policy" | "costOf" | "workspaces">,
  viewer: string,
  getPermalink: GetPermalink,
  log: Logger,
): Promise<HomeData> {
  const costOf = deps.costOf ?? ((): CostPolicy => DEFAULT_COST_POLICY);
  const [fleet, pending] = await Promise.all([
    loadFleet(deps),
    deps.store.listByStates(["awaiting_approval"], { limit: WAITING_LIMIT }),
  ]);
  const actors = new Map<string, Awaited<ReturnType<typeof deps.workflow.actor>>>();
  const waiting: WaitingRequest[] = [];
  for (const request of pending) {
    const cost = costOf(request.workspace);
    let actor = actors.get(request.workspace);
    if (actor === undefined) {
      actor = await deps.workflow.actor(viewer, request.workspace);
      actors.set(request.workspace, actor);
    }
    const approval = approvalIn(deps, request.workspace);
    if (!canApprove(request, actor, costQuorum(request, approval, cost)).ok) continue;
    const card = request.message;
    const permalink =
      card === undefined
        ? undefined
        : await getPermalink(card.channelId, card.ts).catch((error: unknown) => {
            log.warn({ err: error, requestId: request.id }, "card permalink not read");
            return undefined;
          });
    waiting.push({
      request,
      cost: isResolved(request) ? bandCost(request.model, request.plan, cost) : undefined,
      permalink,
    });
  }
  // The lifetime lives on the deploy that made the endpoint READY, which a later scale may have followed.
  const lifetimes = new Map<FleetEntry, number>();
  for (const entry of fleet.entries) {
    const history = await deps.store.findByEndpointName(entry.workspace, entry.endpointName, { limit: 50 });
    const inForce = lifetimeInForce(history);
    if (inForce !== undefined) lifetimes.set(entry, inForce.lifetime.expiresAt);
  }
  return { waiting, fleet, lifetimeOf: (entry) => lifetimes.get(entry) };
}
