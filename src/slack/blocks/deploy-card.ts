/**
 * The deploy card: one message per request, posted when it awaits approval and edited in place as it moves on. It
 * always shows what will be deployed and where; its status line says where the request stands; the buttons are
 * there only while a decision is open.
 */
import type { types } from "@slack/bolt";
import {
  type ApprovalPolicy,
  approvalStatus,
  type BreakGlass,
  type CostPolicy,
  type CurrentServing,
  costQuorum,
  type DeployRequest,
  isResolved,
  requestKind,
  requestRevision,
  shownProvisioningMs,
} from "../../domain/index.js";
import { ACTIONS, approveButtonValue, CARD_BLOCKS } from "../ids.js";
import { approversText, reasonText, versionAskText } from "../messages.js";
import {
  code,
  escapeMrkdwn,
  formatDuration,
  formatNumber,
  joinWords,
  link,
  mention,
  slackDate,
} from "../mrkdwn.js";
import { changeFields, currentMultiples } from "./change-fields.js";
import { costLine, tierLine } from "./cost-lines.js";
import {
  type Block,
  context,
  fields,
  header,
  LIMITS,
  message,
  plain,
  type SlackMessage,
  section,
} from "./limits.js";
import { currentBand, planBand, planValues } from "./throughput.js";

/** What the card needs beyond the request: who may approve, and where the endpoint lives in the workspace UI. */
export interface CardContext {
  readonly policy: ApprovalPolicy;
  /** The cost rules of a request's workspace (rates, price, high-cost tier); without it, no cost is shown. */
  readonly costOf?: (workspace: string) => CostPolicy;
  readonly endpointUrl: (endpointName: string) => string;
  /** The request's workspace, shown on the card when several are served (issue 14); undefined: not shown. */
  readonly workspace?: string;
}

/** The card for `request` as it stands. Pure; within Block Kit's limits whatever the names and messages. */
export function deployCard(request: DeployRequest, ctx: CardContext): SlackMessage {
  const blocks: Block[] = [header(title(request)), section(statusLine(request, ctx), CARD_BLOCKS.status)];
  if (request.breakGlass !== undefined) blocks.push(section(breakGlassLine(request.breakGlass)));
  blocks.push(fields(detailFields(request, ctx)));
  const change = changeLine(request);
  if (change !== undefined) blocks.push(section(change));
  const lifetime = lifetimeLine(request);
  if (lifetime !== undefined) blocks.push(section(lifetime));
  blocks.push(...costBlocks(request, ctx));
  if (request.state === "awaiting_approval") blocks.push(actions(request));
  // The fields are full (Slack shows ten): the workspace goes beside the request id.
  const workspace = ctx.workspace === undefined ? [] : [`Workspace ${code(ctx.workspace)}`];
  blocks.push(context([`Request ${code(request.id)}`, ...workspace]));
  return message(fallback(request), blocks);
}

/** The mark of a break-glass change: its reason (the requester's words, escaped) and the approvals it needs. */
export function breakGlassLine(breakGlass: BreakGlass): string {
  const reason = escapeMrkdwn(breakGlass.reason);
  return (
    `🚨 *Break-glass change* (during a change freeze, it needs ${breakGlass.quorum} ` +
    `${breakGlass.quorum === 1 ? "approval" : "approvals"}). Reason: ${reason}`
  );
}

/** The cost and the tier (issue 13), each its own section, kept apart from the fields other changes reword. */
function costBlocks(request: DeployRequest, ctx: CardContext): Block[] {
  const cost = ctx.costOf?.(request.workspace);
  if (cost === undefined) return [];
  const line = costLine(request, cost);
  const tier = tierLine(request, cost);
  return [
    ...(line === undefined ? [] : [section(line, CARD_BLOCKS.cost)]),
    ...(tier === undefined ? [] : [section(tier, CARD_BLOCKS.tier)]),
  ];
}

/** Who may approve the request and how many approvals it needs: its cost tier decides (see `costQuorum`). */
function quorumOf(request: DeployRequest, ctx: CardContext): ApprovalPolicy {
  const cost = ctx.costOf?.(request.workspace);
  return cost === undefined ? ctx.policy : costQuorum(request, ctx.policy, cost);
}

function title(request: DeployRequest): string {
  const version = request.model === undefined ? "" : ` v${request.model.version}`;
  const endpoint = request.endpointName ?? request.ask.endpointName;
  switch (requestKind(request)) {
    case "deploy":
      return `🚀 Deploy request: ${request.ask.model}${version}${endpoint === undefined ? "" : ` → ${endpoint}`}`;
    case "scale":
      return `📈 Scale request: ${endpoint ?? ""}`;
    case "rollback":
      return `⏪ Rollback request: ${endpoint ?? ""}`;
    case "delete":
      return `🗑️ Delete request: ${endpoint ?? ""}`;
  }
}

function fallback(request: DeployRequest): string {
  const what = escapeMrkdwn(title(request).replace(/^\S+ /u, ""));
  return `${what} (${statusWord(request)}, requested by ${mention(request.requester.id)})`;
}

function statusWord(request: DeployRequest): string {
  return request.state === "awaiting_approval" ? "waiting for approval" : request.state.replace("_", " ");
}

function approvedBy(request: DeployRequest): string {
  const by = request.approvals.map((a) => mention(a.by));
  return by.length === 0 ? "approved" : `approved by ${joinWords(by, "and")}`;
}

/** "✅ *Approved* by @grace": the headline while the endpoint is on its way. */
function approvedHeadline(request: DeployRequest): string {
  const by = request.approvals.map((a) => mention(a.by));
  return by.length === 0 ? "✅ *Approved*" : `✅ *Approved* by ${joinWords(by, "and")}`;
}

function statusLine(request: DeployRequest, ctx: CardContext): string {
  const endpoint = request.endpointName;
  switch (request.state) {
    case "resolving":
      return "🔎 Looking up the model and the endpoint…";
    case "awaiting_approval": {
      const quorum = quorumOf(request, ctx);
      const status = approvalStatus(request, quorum);
      const needs = `${status.remaining} ${status.remaining === 1 ? "approval" : "approvals"}`;
      const given =
        status.given.length === 0
          ? ""
          : ` · ${approvedBy(request)} (${status.given.length} of ${status.required})`;
      // Someone who approved already cannot give the next approval: they are not listed again.
      return (
        `⏳ *Waiting for approval*: needs ${needs} from ${approversText(quorum, status.given)}${given}` +
        ` · expires ${slackDate(request.expiresAt)}`
      );
    }
    case "approved":
      return `${approvedHeadline(request)}. ${nextStep(request)} the endpoint next.`;
    case "creating":
      return `${approvedHeadline(request)}. ⏳ Sending the config to Databricks…`;
    case "provisioning": {
      // Past the typical time the card says how long it has run, as of its last refresh (a few minutes apart).
      const shown = shownProvisioningMs(request);
      return shown === undefined
        ? `${approvedHeadline(request)}. 🔧 Provisioning (this can take from a few minutes to over half an hour).`
        : `${approvedHeadline(request)}. 🔧 Provisioning for ${formatDuration(shown)} (it can take over half an hour).`;
    }
    case "deleting":
      return `${approvedHeadline(request)}. 🗑️ Deleting the endpoint…`;
    case "deleted":
      return `🗑️ *Deleted*, ${approvedBy(request)}.`;
    case "ready":
      return (
        `🟢 *${requestKind(request) === "deploy" ? "Ready" : "Done"}*, ${approvedBy(request)}.` +
        (endpoint === undefined
          ? ""
          : ` ${link(ctx.endpointUrl(endpoint), "Open the endpoint in Databricks")}`)
      );
    case "failed":
      return `❌ *Failed*, ${approvedBy(request)}.${keptLine(request)} See the thread for what Databricks said.`;
    case "rejected":
      return `⛔ *Rejected*${request.closedBy === undefined ? "" : ` by ${mention(request.closedBy.by)}`}.`;
    case "cancelled":
      if (request.reason?.code === "superseded") {
        return `🔁 *Replaced* by ${mention(request.requester.id)}'s newer request for this endpoint; nothing to decide here.`;
      }
      return `🚫 *Cancelled*${request.closedBy === undefined ? "" : ` by ${mention(request.closedBy.by)}`}.`;
    case "expired":
      return `⌛ *Expired*: nobody decided before ${slackDate(request.expiresAt)}.`;
    case "unresolvable":
      return `⚠️ *Could not be resolved.* ${request.reason === undefined ? "" : reasonText(request.reason, request)}`;
  }
}

/**
 * A deploy's lifetime (`--ttl`, or the workspace's default): before READY, how long after READY the endpoint goes
 * away; from READY on, the date (kept up to date by a keep).
 */
function lifetimeLine(request: DeployRequest): string | undefined {
  const lifetime = request.lifetime;
  if (lifetime !== undefined) {
    if (lifetime.ended !== undefined) return undefined;
    const kept = lifetime.kept === undefined ? "" : ` (kept by ${mention(lifetime.kept.by)})`;
    return `⏳ *Lifetime*: goes away ${slackDate(lifetime.expiresAt)}${kept}`;
  }
  const ttl = request.ask.ttlMs;
  if (ttl === undefined || requestKind(request) !== "deploy") return undefined;
  if (request.state === "ready") return undefined;
  return `⏳ *Lifetime*: ${ttlText(ttl)} after it is READY (about ${slackDate(request.updatedAt + ttl)})`;
}

/** A TTL as typed: "7 days", "12 h", "30 min". */
function ttlText(ms: number): string {
  const days = ms / 86_400_000;
  if (Number.isInteger(days)) return days === 1 ? "1 day" : `${days} days`;
  return formatDuration(ms);
}

function detailFields(request: DeployRequest, ctx: CardContext): string[] {
  const requested = `*Requested by*\n${mention(request.requester.id)}`;
  if (!isResolved(request)) {
    return [
      `*Model*\n${code(request.ask.model)}`,
      `*Version*\n${versionAskText(request.ask.version)}`,
      ...(request.ask.endpointName === undefined ? [] : [`*Endpoint*\n${code(request.ask.endpointName)}`]),
      requested,
    ];
  }
  const { model, plan, endpointName, mode } = request;
  const version = request.ask.version;
  // A scale, rollback or delete asked for no version: it is read from the endpoint (or the earlier config).
  const asked =
    requestKind(request) !== "deploy"
      ? ""
      : version === "latest"
        ? " (latest READY)"
        : typeof version === "string"
          ? ` (alias ${code(version)})`
          : "";
  const status = approvalStatus(request, quorumOf(request, ctx));
  const decision = [
    requested,
    `*Approvals*\n${status.given.length} of ${status.required}`,
    `*Expires*\n${isOpen(request) ? slackDate(request.expiresAt) : "—"}`,
  ];
  const kind = requestKind(request);
  // A scale, rollback or delete shows what it changes on the endpoint, not a deploy's model type and chunk size.
  if (kind !== "deploy" && mode.kind === "update") {
    return [...changeFields(kind, { endpointName, model, plan, current: mode.current }), ...decision];
  }
  const unit = model.unit === "model_units" ? "model units" : "tokens/s";
  return [
    `*Model*\n${code(model.fullName)}`,
    `*Version*\n${model.version}${asked}`,
    `*Model type*\n${escapeMrkdwn(model.modelType)}`,
    `*Chunk size*\n${formatNumber(model.chunkSize)} ${unit}`,
    `*Throughput*\n${planBand(model, plan)}`,
    `*Scale to zero*\n${model.unit === "model_units" ? "not available (model units)" : plan.scaleToZero ? "on" : "off"}`,
    `*Endpoint*\n${code(endpointName)} (${mode.kind === "create" ? "new" : "update"})`,
    ...decision,
  ];
}

function nextStep(request: DeployRequest): string {
  if (requestKind(request) === "delete") return "Deleting";
  return request.mode?.kind === "update" ? "Updating" : "Creating";
}

function isOpen(request: DeployRequest): boolean {
  return request.state === "resolving" || request.state === "awaiting_approval";
}

/** For an update: what the endpoint serves now, and what it will serve (a delete: what it serves, to go). */
function changeLine(request: DeployRequest): string | undefined {
  if (!isResolved(request) || request.mode.kind !== "update") return undefined;
  const { current } = request.mode;
  const adopted =
    request.adopted === true
      ? "\n⚠️ *Not created by ptbot*: adopted with `--adopt`; ptbot manages it from now on."
      : "";
  switch (requestKind(request)) {
    case "delete":
      return (
        `*Deletes the endpoint* ${code(request.endpointName)}, which serves ${code(current.entityName)} ` +
        `${currentBand(current)}. Queries to it fail from then on.${adopted}`
      );
    case "scale":
      return (
        `*Scale* ${code(request.endpointName)}: ${currentMultiples(current)} → ` +
        `${planBand(request.model, request.plan)}${scaleToZeroChange(current, request.plan.scaleToZero)}${adopted}`
      );
    case "rollback":
      return (
        `*Roll back* ${code(request.endpointName)} to the config ptbot applied before: ` +
        `${currentBand(current)} → v${request.model.version} at ${planBand(request.model, request.plan)}` +
        `${scaleToZeroChange(current, request.plan.scaleToZero)}${adopted}`
      );
    case "deploy":
      return (
        `*Change to the existing endpoint* ${code(request.endpointName)}: ` +
        `${currentBand(current)} → v${request.model.version} at ${planValues(request.model, request.plan)}${adopted}`
      );
  }
}

function scaleToZeroChange(current: CurrentServing, next: boolean): string {
  if (current.plan.scaleToZero === next) return "";
  return next ? ", scale to zero turned on" : ", scale to zero turned off";
}

/** After a failed update: the endpoint still serves its old config, as the tracker last saw it. */
function keptLine(request: DeployRequest): string {
  if (request.mode?.kind !== "update" || request.endpoint?.ready !== "READY") return "";
  return ` The endpoint is still READY on ${currentBand(request.mode.current)}.`;
}

/** What the Approve button's confirmation says the approval will do. */
function approveWhat(request: DeployRequest): string {
  if (!isResolved(request)) return "Deploy this model.";
  const target = `${request.model.fullName} v${request.model.version} at ${planValues(request.model, request.plan)}`;
  switch (requestKind(request)) {
    case "scale":
    case "rollback":
      return `Update endpoint ${request.endpointName} to serve ${target}.`;
    case "delete":
      return `Delete endpoint ${request.endpointName}.`;
    case "deploy":
      return (
        `${request.mode.kind === "create" ? "Create" : "Update"} endpoint ${request.endpointName} serving ${target}. ` +
        "Databricks bills provisioned throughput while the endpoint is up."
      );
  }
}

function actions(request: DeployRequest): types.ActionsBlock {
  const kind = requestKind(request);
  const value = request.id.slice(0, LIMITS.buttonValue);
  // The Approve button names the revision this card shows: an approval confirmed on an older card is refused.
  const approveValue = approveButtonValue(request.id, requestRevision(request)).slice(0, LIMITS.buttonValue);
  const what = approveWhat(request);
  const decide: types.Button[] =
    kind === "delete"
      ? // The approver confirms by typing the endpoint's name in the modal this button opens.
        [
          {
            type: "button",
            action_id: ACTIONS.delete,
            text: plain("Delete", LIMITS.buttonText),
            style: "danger",
            value: approveValue,
          },
        ]
      : [
          {
            type: "button",
            action_id: ACTIONS.approve,
            text: plain("Approve", LIMITS.buttonText),
            style: "primary",
            value: approveValue,
            confirm: {
              title: plain(`Approve this ${kind}?`, LIMITS.confirmTitle),
              text: plain(what, LIMITS.confirmText),
              confirm: plain("Approve", LIMITS.confirmButton),
              deny: plain("Not yet", LIMITS.confirmButton),
            },
          },
        ];
  // Only a deploy's settings can be adjusted; a scale, rollback or delete is asked again instead.
  const adjust: types.Button[] =
    kind === "deploy"
      ? [{ type: "button", action_id: ACTIONS.adjust, text: plain("Adjust", LIMITS.buttonText), value }]
      : [];
  return {
    type: "actions",
    block_id: CARD_BLOCKS.actions,
    elements: [
      ...decide,
      ...adjust,
      {
        type: "button",
        action_id: ACTIONS.reject,
        text: plain("Reject", LIMITS.buttonText),
        style: "danger",
        value,
        confirm: {
          title: plain(`Reject this ${kind}?`, LIMITS.confirmTitle),
          text: plain(`The requester will have to ask again with /pt ${kind}.`, LIMITS.confirmText),
          confirm: plain("Reject", LIMITS.confirmButton),
          deny: plain("Keep it", LIMITS.confirmButton),
        },
      },
      { type: "button", action_id: ACTIONS.cancel, text: plain("Cancel", LIMITS.buttonText), value },
    ],
  };
}
