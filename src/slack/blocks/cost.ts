/**
 * The answer to `/pt cost`: what each endpoint ptbot manages costs at its band, the three most expensive first, and
 * the totals per hour and per 30 days at max. List prices (the configured DBU price), not the account's contract.
 */
import type { FleetCost, FleetEntry } from "../../domain/index.js";
import { code, link, mention } from "../mrkdwn.js";
import { dbuRange, money, priceText } from "./cost-lines.js";
import { type Block, context, message, type SlackMessage, section } from "./limits.js";
import { planBand } from "./throughput.js";

/** How many of the most expensive endpoints lead the answer. */
export const TOP_COUNT = 3;

/** Lines shown in all; the rest are counted. */
const MAX_LINES = 40;

/**
 * Where an endpoint of the fleet lives: its link (in its own workspace), and the workspace's name when ptbot serves
 * several (undefined: one workspace, whose name would only be noise).
 */
export interface FleetLinks {
  readonly endpointUrl: (name: string, workspace: string) => string;
  readonly workspaceShown?: (workspace: string) => string | undefined;
}

export function costMessage(fleet: FleetCost, links: FleetLinks): SlackMessage {
  const { entries } = fleet;
  if (entries.length === 0) {
    return message("ptbot manages no endpoints", [
      section("*What the fleet costs*\nptbot manages no endpoints yet: `/pt deploy` creates one."),
    ]);
  }
  const line = (e: FleetEntry) => fleetLine(e, links);
  const top = entries.slice(0, TOP_COUNT);
  const rest = [...entries.slice(TOP_COUNT)].sort((a, b) => a.endpointName.localeCompare(b.endpointName));
  const shownRest = rest.slice(0, MAX_LINES - top.length);
  const more = rest.length - shownRest.length;
  const blocks: Block[] = [
    section(
      `*What the fleet costs* (${entries.length} ${entries.length === 1 ? "endpoint" : "endpoints"})\n${totalLine(fleet)}`,
    ),
    section(`*Most expensive*\n${top.map(line).join("\n")}`),
  ];
  if (shownRest.length > 0) {
    blocks.push(
      section(`*The others*\n${shownRest.map(line).join("\n")}${more > 0 ? `\n…and ${more} more` : ""}`),
    );
  }
  blocks.push(context([COST_LIMITS_NOTE]));
  return message(`ptbot's endpoints cost ${totalLine(fleet)}`, blocks);
}

/** "Total at max: 192 DBU/h · $13.44/h, $9,676.80 per 30 days (2 of unknown cost, not counted)". */
export function totalLine(fleet: FleetCost): string {
  const price =
    fleet.totalPrice === undefined
      ? ""
      : ` · ${money(fleet.totalPrice.perHour, fleet.totalPrice.currency)}/h, ${money(fleet.totalPrice.per30Days, fleet.totalPrice.currency)} per 30 days`;
  const unknown = fleet.unknownCount === 0 ? "" : ` (${fleet.unknownCount} of unknown cost, not counted)`;
  return `Total at max: ${fleet.totalDbuPerHour.toLocaleString("en-US")} DBU/h${price}${unknown}`;
}

/** "• llama-13b-3 · 1,960–2,940 tokens/s (2×–3× of 980) · 48–72 DBU/h · $5.04/h, … · @ada". */
export function fleetLine(e: FleetEntry, links: FleetLinks): string {
  const price = priceText(e.cost);
  const workspace = links.workspaceShown?.(e.workspace);
  const where = workspace === undefined ? "" : `${code(workspace)} · `;
  return (
    `• ${where}${link(links.endpointUrl(e.endpointName, e.workspace), e.endpointName)} · ${planBand(e.request.model, e.request.plan)} · ` +
    `${dbuRange(e.cost)}${price === "" ? "" : ` · ${price}`} · ${mention(e.request.requester.id)}`
  );
}

/** What the figures are, and are not. */
export const COST_LIMITS_NOTE =
  "List price: the DBU rate Databricks reports for each model times the configured DBU price, at the band's max; " +
  "your account's contract price may differ, and billing data (`system.billing.usage`) arrives hours later.";
