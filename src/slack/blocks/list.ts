/**
 * The answer to `/pt list`: the endpoints ptbot manages (each with its lifetime, when it has one), then the requests
 * in flight. Lines are packed into as few
 * sections as fit, so a long list stays within the message's block limit (and says how many it left out).
 */
import { type DeployRequest, requestKind } from "../../domain/index.js";
import { lookupFailureText, stateText } from "../messages.js";
import { channelMention, code, escapeMrkdwn, link, mention, slackDate } from "../mrkdwn.js";
import { expiresAtOf, type ManagedList } from "../queries/managed-list.js";
import { endpointStateText } from "./endpoint-state.js";
import { type Block, LIMITS, message, type SlackMessage, section } from "./limits.js";
import { entityBand, planValues } from "./throughput.js";

/** Lines shown per list; the rest are counted, not shown. */
const MAX_LINES = 60;

export function listMessage(list: ManagedList, endpointUrl: (name: string) => string): SlackMessage {
  const blocks: Block[] = [];
  if (list.lookupError !== undefined) blocks.push(section(`⚠️ ${lookupFailureText(list.lookupError)}`));
  const endpointLines = list.endpoints.map((e) => {
    const entity = e.config?.served_entities[0];
    const serves =
      entity === undefined
        ? ""
        : ` · ${code(entity.entity_name ?? entity.name ?? "unnamed")}${entity.entity_version === undefined ? "" : ` v${escapeMrkdwn(entity.entity_version)}`}`;
    const band = entity === undefined ? undefined : entityBand(entity);
    const until = expiresAtOf(e);
    const lifetime = until === undefined ? "" : ` · until ${slackDate(until)}`;
    return `• ${link(endpointUrl(e.name), e.name)} · ${endpointStateText(e.state)}${serves}${band === undefined ? "" : ` · ${band}`}${lifetime}`;
  });
  if (list.lookupError === undefined) {
    blocks.push(
      ...packed(
        `*Endpoints ptbot manages* (${list.endpoints.length})`,
        endpointLines,
        "None yet: `/pt deploy` creates one.",
      ),
    );
  }
  blocks.push(
    ...packed(`*Requests in flight* (${list.inFlight.length})`, list.inFlight.map(requestLine), "None."),
  );
  const text = `ptbot manages ${count(list.endpoints.length, "endpoint")}; ${count(list.inFlight.length, "request")} in flight`;
  return message(text, blocks);
}

function requestLine(request: DeployRequest): string {
  const version = request.model === undefined ? "" : ` v${request.model.version}`;
  const endpoint = request.endpointName ?? request.ask.endpointName;
  const band =
    request.model !== undefined && request.plan !== undefined
      ? ` · ${planValues(request.model, request.plan)}`
      : "";
  return (
    `• ${kindPrefix(request)}${code(request.model?.fullName ?? request.ask.model)}${version}${endpoint === undefined ? "" : ` → ${code(endpoint)}`}${band} · ` +
    `${stateText(request.state, request)} · ${mention(request.requester.id)} in ${channelMention(request.channelId)}`
  );
}

/** "scale: ", "rollback: " or "delete: " before a request that is not a deploy (whose ask names no model). */
function kindPrefix(request: DeployRequest): string {
  const kind = requestKind(request);
  return kind === "deploy" ? "" : `${kind}: `;
}

/** A title and its lines, packed into sections of at most 3000 characters; past MAX_LINES the rest is counted. */
function packed(title: string, lines: readonly string[], empty: string): Block[] {
  if (lines.length === 0) return [section(`${title}\n${empty}`)];
  const shown = lines.slice(0, MAX_LINES);
  const more = lines.length - shown.length;
  const all = more > 0 ? [...shown, `…and ${more} more`] : shown;
  const blocks: Block[] = [];
  let current = title;
  for (const line of all) {
    const next = `${current}\n${line}`;
    if (next.length > LIMITS.sectionText && current !== "") {
      blocks.push(section(current));
      current = line;
    } else {
      current = next;
    }
  }
  if (current !== "") blocks.push(section(current));
  return blocks;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
