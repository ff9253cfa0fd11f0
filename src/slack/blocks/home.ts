/**
 * The App Home tab (issue 13): the requests waiting for the viewer as an approver, each linked to its card, then the
 * fleet ptbot manages with state, band, cost and (once requests carry one) the endpoint's lifetime. Pure; within the
 * Home tab's 100 blocks and each section's 3,000 characters whatever the fleet's size.
 */
import type { types } from "@slack/bolt";
import type { DeployRequest, FleetCost, FleetEntry } from "../../domain/index.js";
import { stateText } from "../messages.js";
import { code, link, mention, slackDate } from "../mrkdwn.js";
import { COST_LIMITS_NOTE, type FleetLinks, fleetLine, totalLine } from "./cost.js";
import { dbuRange } from "./cost-lines.js";
import { type Block, context, divider, header, LIMITS, section } from "./limits.js";

/** A request waiting for the viewer, with the link to its card when Slack gave one. */
export interface WaitingRequest {
  readonly request: DeployRequest;
  readonly cost: FleetEntry["cost"] | undefined;
  readonly permalink: string | undefined;
}

export interface HomeInput {
  readonly viewer: string;
  readonly waiting: readonly WaitingRequest[];
  readonly fleet: FleetCost;
  readonly links: FleetLinks;
  /**
   * When the endpoint should go away (epoch ms), when its lifetime says (`--ttl`, the workspace's default); undefined
   * for an endpoint that lives until removed.
   */
  readonly lifetimeOf?: (entry: FleetEntry) => number | undefined;
}

/** Lines shown per list; the rest are counted. */
const MAX_LINES = 50;
/** Lines per section: short enough for 3,000 characters, few enough sections for 100 blocks. */
const LINES_PER_SECTION = 8;

export function homeView(input: HomeInput): types.HomeView {
  const { waiting, fleet } = input;
  const blocks: Block[] = [
    header("ptbot: endpoints and approvals"),
    ...list(
      `*Waiting for your approval* (${waiting.length})`,
      waiting.map(waitingLine),
      "Nothing waits for your approval.",
    ),
    divider(),
    ...list(
      `*Endpoints ptbot manages* (${fleet.entries.length})${fleet.entries.length === 0 ? "" : `\n${totalLine(fleet)}`}`,
      fleet.entries.map((e) => entryLine(e, input)),
      "None yet: `/pt deploy` creates one.",
    ),
    context([`${COST_LIMITS_NOTE} \`/pt cost\` shows the same figures.`]),
  ];
  return { type: "home", blocks: blocks.slice(0, LIMITS.modalBlocks) };
}

function waitingLine(w: WaitingRequest): string {
  const { request } = w;
  const endpoint = request.endpointName ?? request.ask.endpointName ?? request.ask.model;
  const what = `${request.kind ?? "deploy"} ${endpoint}`;
  const title = w.permalink === undefined ? code(what) : link(w.permalink, what);
  const model =
    request.model === undefined ? "" : ` · ${code(request.model.fullName)} v${request.model.version}`;
  const cost = w.cost === undefined ? "" : ` · ${dbuRange(w.cost)}`;
  return `• ${title}${model}${cost} · asked by ${mention(request.requester.id)}, expires ${slackDate(request.expiresAt)}`;
}

function entryLine(e: FleetEntry, input: HomeInput): string {
  const until = input.lifetimeOf?.(e);
  const lifetime = until === undefined ? "" : ` · until ${slackDate(until)}`;
  return `${fleetLine(e, input.links)} · ${stateText(e.request.state)}${lifetime}`;
}

function list(title: string, lines: readonly string[], empty: string): Block[] {
  if (lines.length === 0) return [section(`${title}\n${empty}`)];
  const shown = lines.slice(0, MAX_LINES);
  const more = lines.length - shown.length;
  const all = more > 0 ? [...shown, `…and ${more} more`] : shown;
  const blocks: Block[] = [];
  for (let i = 0; i < all.length; i += LINES_PER_SECTION) {
    const chunk = all.slice(i, i + LINES_PER_SECTION).join("\n");
    blocks.push(section(i === 0 ? `${title}\n${chunk}` : chunk));
  }
  return blocks;
}
