/**
 * The deploy card: one message per request, posted when it awaits approval and edited in place as it moves on. It
 * always shows what will be deployed and where; its status line says where the request stands; the buttons are
 * there only while a decision is open.
 */
import type { types } from "@slack/bolt";
import {
  type ApprovalPolicy,
  approvalStatus,
  type DeployRequest,
  isResolved,
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
  readonly endpointUrl: (endpointName: string) => string;
}

/** The card for `request` as it stands. Pure; within Block Kit's limits whatever the names and messages. */
export function deployCard(request: DeployRequest, ctx: CardContext): SlackMessage {
  const blocks: Block[] = [header(title(request)), section(statusLine(request, ctx), CARD_BLOCKS.status)];
  blocks.push(fields(detailFields(request, ctx)));
  const change = changeLine(request);
  if (change !== undefined) blocks.push(section(change));
  if (request.state === "awaiting_approval") blocks.push(actions(request));
  blocks.push(context([`Request ${code(request.id)}`]));
  return message(fallback(request), blocks);
}

function title(request: DeployRequest): string {
  const version = request.model === undefined ? "" : ` v${request.model.version}`;
  const endpoint = request.endpointName ?? request.ask.endpointName;
  return `🚀 Deploy request: ${request.ask.model}${version}${endpoint === undefined ? "" : ` → ${endpoint}`}`;
}

function fallback(request: DeployRequest): string {
  const what = escapeMrkdwn(title(request).replace(/^🚀 /, ""));
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
      const status = approvalStatus(request, ctx.policy);
      const needs = `${status.remaining} ${status.remaining === 1 ? "approval" : "approvals"}`;
      const given =
        status.given.length === 0
          ? ""
          : ` · ${approvedBy(request)} (${status.given.length} of ${status.required})`;
      // Someone who approved already cannot give the next approval: they are not listed again.
      return (
        `⏳ *Waiting for approval*: needs ${needs} from ${approversText(ctx.policy, status.given)}${given}` +
        ` · expires ${slackDate(request.expiresAt)}`
      );
    }
    case "approved":
      return `${approvedHeadline(request)}. ${request.mode?.kind === "update" ? "Updating" : "Creating"} the endpoint next.`;
    case "creating":
      return `${approvedHeadline(request)}. ⏳ Sending the config to Databricks…`;
    case "provisioning": {
      // Past the typical time the card says how long it has run, as of its last refresh (a few minutes apart).
      const shown = shownProvisioningMs(request);
      return shown === undefined
        ? `${approvedHeadline(request)}. 🔧 Provisioning (this can take from a few minutes to over half an hour).`
        : `${approvedHeadline(request)}. 🔧 Provisioning for ${formatDuration(shown)} (it can take over half an hour).`;
    }
    case "ready":
      return (
        `🟢 *Ready*, ${approvedBy(request)}.` +
        (endpoint === undefined
          ? ""
          : ` ${link(ctx.endpointUrl(endpoint), "Open the endpoint in Databricks")}`)
      );
    case "failed":
      return `❌ *Failed*, ${approvedBy(request)}. See the thread for what Databricks said.`;
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
  const asked =
    version === "latest" ? " (latest READY)" : typeof version === "string" ? ` (alias ${code(version)})` : "";
  const unit = model.unit === "model_units" ? "model units" : "tokens/s";
  const status = approvalStatus(request, ctx.policy);
  return [
    `*Model*\n${code(model.fullName)}`,
    `*Version*\n${model.version}${asked}`,
    `*Model type*\n${escapeMrkdwn(model.modelType)}`,
    `*Chunk size*\n${formatNumber(model.chunkSize)} ${unit}`,
    `*Throughput*\n${planBand(model, plan)}`,
    `*Scale to zero*\n${model.unit === "model_units" ? "not available (model units)" : plan.scaleToZero ? "on" : "off"}`,
    `*Endpoint*\n${code(endpointName)} (${mode.kind === "create" ? "new" : "update"})`,
    requested,
    `*Approvals*\n${status.given.length} of ${status.required}`,
    `*Expires*\n${isOpen(request) ? slackDate(request.expiresAt) : "—"}`,
  ];
}

function isOpen(request: DeployRequest): boolean {
  return request.state === "resolving" || request.state === "awaiting_approval";
}

/** For an update: what the endpoint serves now, and what it will serve. */
function changeLine(request: DeployRequest): string | undefined {
  if (!isResolved(request) || request.mode.kind !== "update") return undefined;
  return (
    `*Change to the existing endpoint* ${code(request.endpointName)}: ` +
    `${currentBand(request.mode.current)} → v${request.model.version} at ${planValues(request.model, request.plan)}`
  );
}

function actions(request: DeployRequest): types.ActionsBlock {
  const value = request.id.slice(0, LIMITS.buttonValue);
  // The Approve button names the revision this card shows: an approval confirmed on an older card is refused.
  const approveValue = approveButtonValue(request.id, requestRevision(request)).slice(0, LIMITS.buttonValue);
  const what = isResolved(request)
    ? `${request.mode.kind === "create" ? "Create" : "Update"} endpoint ${request.endpointName} serving ` +
      `${request.model.fullName} v${request.model.version} at ${planValues(request.model, request.plan)}. ` +
      "Databricks bills provisioned throughput while the endpoint is up."
    : "Deploy this model.";
  return {
    type: "actions",
    block_id: CARD_BLOCKS.actions,
    elements: [
      {
        type: "button",
        action_id: ACTIONS.approve,
        text: plain("Approve", LIMITS.buttonText),
        style: "primary",
        value: approveValue,
        confirm: {
          title: plain("Approve this deploy?", LIMITS.confirmTitle),
          text: plain(what, LIMITS.confirmText),
          confirm: plain("Approve", LIMITS.confirmButton),
          deny: plain("Not yet", LIMITS.confirmButton),
        },
      },
      { type: "button", action_id: ACTIONS.adjust, text: plain("Adjust", LIMITS.buttonText), value },
      {
        type: "button",
        action_id: ACTIONS.reject,
        text: plain("Reject", LIMITS.buttonText),
        style: "danger",
        value,
        confirm: {
          title: plain("Reject this deploy?", LIMITS.confirmTitle),
          text: plain("The requester will have to ask again with /pt deploy.", LIMITS.confirmText),
          confirm: plain("Reject", LIMITS.confirmButton),
          deny: plain("Keep it", LIMITS.confirmButton),
        },
      },
      { type: "button", action_id: ACTIONS.cancel, text: plain("Cancel", LIMITS.buttonText), value },
    ],
  };
}
