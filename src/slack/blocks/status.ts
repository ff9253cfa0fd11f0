/**
 * The answer to `/pt status <endpoint>`, for any endpoint of the workspace (ptbot's own or another team's): its state,
 * what it serves and at what throughput, its lifetime if it has one, its tags, who asked for it and who approved it, the last changes ptbot
 * made to it, ptbot's request in flight for it if any, and a link to the workspace UI.
 */
import { deployingConfig, failedConfig, type ServedEntity } from "../../databricks/index.js";
import { ACTIVE_STATES, type DeployRequest, requestKind } from "../../domain/index.js";
import type { AuditEntry } from "../../store/audit-log.js";
import { cardUnreachableText, lookupFailureText, stateText } from "../messages.js";
import { code, escapeMrkdwn, joinWords, link, mention, slackDate, truncate } from "../mrkdwn.js";
import type { EndpointStatus } from "../queries/endpoint-status.js";
import { endpointStateText } from "./endpoint-state.js";
import { type Block, context, header, message, type SlackMessage, section } from "./limits.js";
import { entityBand, planValues } from "./throughput.js";

export function statusMessage(status: EndpointStatus): SlackMessage {
  const name = code(status.name);
  const blocks: Block[] = [header(`Endpoint ${truncate(status.name, 100)}`)];
  const active = status.requests.find((r) => ACTIVE_STATES.includes(r.state));
  const lastReady = status.requests.find((r) => r.state === "ready");
  const { endpoint } = status;
  if (status.lookupError !== undefined) blocks.push(section(`⚠️ ${lookupFailureText(status.lookupError)}`));
  if (endpoint !== undefined) {
    const lines = [`*State*: ${endpointStateText(endpoint.state)}`];
    const live = endpoint.config?.served_entities ?? [];
    const pending = deployingConfig(endpoint)?.served_entities ?? [];
    // A failed update's config stays pending (with its reason) beside the old one that still serves.
    const failed = failedConfig(endpoint)?.served_entities ?? [];
    if (live.length > 0) lines.push(`*Serves*: ${entitiesText(live)}`);
    if (pending.length > 0) lines.push(`*Deploying*: ${entitiesText(pending)}`);
    if (failed.length > 0) lines.push(`*Failed update*: ${entitiesText(failed)}`);
    if (live.length === 0 && pending.length === 0) lines.push("*Serves*: nothing yet");
    const failure = [...pending, ...failed, ...live].find((e) => e.state?.deployment === "DEPLOYMENT_FAILED");
    const why = failure?.state?.deployment_state_message;
    if (why !== undefined && why !== "")
      lines.push(`*Deployment message*: ${escapeMrkdwn(truncate(why, 500))}`);
    if (status.expiresAt !== undefined) lines.push(`*Lifetime*: until ${slackDate(status.expiresAt)}`);
    const tags = tagsText(endpoint.tags);
    if (tags !== undefined) lines.push(`*Tags*: ${tags}`);
    lines.push(...whoLines(endpoint.tags, lastReady));
    lines.push(link(status.url, "Open the endpoint in Databricks"));
    blocks.push(section(lines.join("\n")));
  } else if (status.lookupError === undefined) {
    const deleted = deletedBy(status.changes ?? []);
    blocks.push(
      section(
        deleted !== undefined
          ? `🗑️ ${name} was deleted through ptbot ${slackDate(deleted.at)}: ${whoText(deleted.after)}.`
          : status.requests.length === 0
            ? `There is no endpoint ${name} in the workspace, and ptbot has no request for it. \`/pt list\` shows the endpoints ptbot manages.`
            : `There is no endpoint ${name} in the workspace (yet).`,
      ),
    );
  }
  const changes = status.changes ?? [];
  if (changes.length > 0) {
    blocks.push(section(["*Last changes by ptbot*:", ...changes.map(changeLine)].join("\n")));
  }
  if (active !== undefined) blocks.push(section(requestLine("In progress", active)));
  const latest = status.requests[0];
  if (latest !== undefined && latest !== active && latest !== lastReady) {
    blocks.push(context([requestLine("Latest request", latest)]));
  }
  // The card of the request shown last may be frozen (its channel archived): say so, since the card will not.
  const followed = active ?? latest;
  if (followed?.cardUnreachable !== undefined) {
    blocks.push(context([`⚠️ ${cardUnreachableText(followed.cardUnreachable.code)}`]));
  }
  const summary =
    endpoint === undefined
      ? `Endpoint ${name}: not found`
      : `Endpoint ${name}: ${endpointStateText(endpoint.state)}`;
  return message(summary, blocks);
}

function entitiesText(entities: readonly ServedEntity[]): string {
  const shown = entities.slice(0, 3).map((e) => {
    const what = `${entityWhat(e)}${e.entity_version === undefined ? "" : ` v${escapeMrkdwn(e.entity_version)}`}`;
    const band = entityBand(e);
    const workload = [e.workload_type, e.workload_size].filter((w) => w !== undefined).map(escapeMrkdwn);
    const size = band ?? (workload.length === 0 ? undefined : workload.join(", "));
    return size === undefined ? what : `${what} at ${size}`;
  });
  const more = entities.length - shown.length;
  return more > 0 ? `${shown.join("; ")}; and ${more} more` : shown.join("; ");
}

/** What an entity serves: its Unity Catalog model, an outside provider's model, or a pay-per-token model. */
function entityWhat(e: ServedEntity): string {
  if (e.entity_name !== undefined) return code(e.entity_name);
  const external = e.external_model;
  if (external !== undefined) {
    const model = code(external.name ?? e.name ?? "unnamed");
    return external.provider === undefined
      ? `external model ${model}`
      : `${escapeMrkdwn(external.provider)} model ${model}`;
  }
  if (e.foundation_model !== undefined)
    return `pay-per-token ${code(e.foundation_model.name ?? e.name ?? "model")}`;
  return code(e.name ?? "unnamed");
}

/** The endpoint's own tags (ptbot's bookkeeping tags are shown as the who lines instead). */
function tagsText(tags: readonly { key: string; value?: string | undefined }[]): string | undefined {
  const own = tags.filter((t) => !t.key.startsWith("ptbot_"));
  if (own.length === 0) return undefined;
  const shown = own.slice(0, 10).map((t) => code(t.value === undefined ? t.key : `${t.key}=${t.value}`));
  return own.length > shown.length
    ? `${shown.join(", ")} and ${own.length - shown.length} more`
    : shown.join(", ");
}

/**
 * One change ptbot made, from its audit entry: when, what (the request's kind and target, as the snapshot after the
 * change holds them), who asked and who approved, and whether it worked.
 */
function changeLine(entry: AuditEntry): string {
  const r = entry.after;
  const kind = requestKind(r);
  const worked = entry.toState === (kind === "delete" ? "deleted" : "ready");
  const verb = kind !== "deploy" ? kind : r.mode?.kind === "update" ? "update" : "create";
  const version = r.model === undefined ? "" : ` v${r.model.version}`;
  const band = r.model !== undefined && r.plan !== undefined ? ` at ${planValues(r.model, r.plan)}` : "";
  const approvers = r.approvals.map((a) => mention(a.by));
  const outcome = worked ? "✅" : `❌ ${stateText(entry.toState)}`;
  // A delete changes the endpoint to nothing: it names what the endpoint served when it went.
  const what =
    kind === "delete"
      ? `${worked ? "deleted" : "delete"} (it served ${code(r.model?.fullName ?? r.ask.model)}${version}${band})`
      : `${verb} to ${code(r.model?.fullName ?? r.ask.model)}${version}${band}`;
  return (
    `• ${slackDate(entry.at)}: ${outcome}, ${what}, ` +
    `requested by ${mention(r.requester.id)}, approved by ${approvers.length === 0 ? "—" : joinWords(approvers, "and")}`
  );
}

/** The newest change, when it is a delete that went through: the endpoint is gone because ptbot deleted it. */
function deletedBy(changes: readonly AuditEntry[]): AuditEntry | undefined {
  const [newest] = changes;
  return newest !== undefined && requestKind(newest.after) === "delete" && newest.toState === "deleted"
    ? newest
    : undefined;
}

function whoText(r: DeployRequest): string {
  const approvers = r.approvals.map((a) => mention(a.by));
  return `requested by ${mention(r.requester.id)}, approved by ${approvers.length === 0 ? "—" : joinWords(approvers, "and")}`;
}

/** Who asked and who approved: from ptbot's last request that got this endpoint ready, else from its tags. */
function whoLines(
  tags: readonly { key: string; value?: string | undefined }[],
  lastReady?: DeployRequest,
): string[] {
  if (lastReady !== undefined) {
    const approvers = lastReady.approvals.map((a) => mention(a.by));
    return [
      `*Requested by*: ${mention(lastReady.requester.id)}`,
      `*Approved by*: ${approvers.length === 0 ? "—" : joinWords(approvers, "and")}`,
    ];
  }
  const tag = (key: string) => tags.find((t) => t.key === key)?.value;
  const requester = tag("ptbot_requester");
  const approvers = (tag("ptbot_approver") ?? "").split(",").filter((a) => a !== "");
  if (requester === undefined) return ["*Managed by ptbot*: no (not created through ptbot)"];
  return [
    `*Requested by*: ${mention(requester)}`,
    `*Approved by*: ${approvers.length === 0 ? "—" : joinWords(approvers.map(mention), "and")}`,
  ];
}

function requestLine(label: string, request: DeployRequest): string {
  const version = request.model === undefined ? "" : ` v${request.model.version}`;
  const band =
    request.model !== undefined && request.plan !== undefined
      ? `, ${planValues(request.model, request.plan)}`
      : "";
  const when = request.state === "awaiting_approval" ? ` (expires ${slackDate(request.expiresAt)})` : "";
  return (
    `*${label}*: ${requestKind(request) === "deploy" ? "" : `${requestKind(request)} of `}${code(request.model?.fullName ?? request.ask.model)}${version}${band}, requested by ${mention(request.requester.id)}: ` +
    `${stateText(request.state, request)}${when}`
  );
}
