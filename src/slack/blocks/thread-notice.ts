/**
 * The replies ptbot posts in a deploy card's thread, one per notice: short, with mentions of whoever should act or
 * hear about it. The card itself is re-rendered separately (`card_changed`).
 */
import type { types } from "@slack/bolt";
import type { DeployRequest, ExpiryAction, Notice } from "../../domain/index.js";
import { approvalStatus, isResolved, requestKind, retryAsk } from "../../domain/index.js";
import { ACTIONS, THREAD_BLOCKS } from "../ids.js";
import { approversText, failureAdviceText, reasonText } from "../messages.js";
import {
  code,
  codeBlock,
  escapeMrkdwn,
  formatDuration,
  groupMention,
  joinWords,
  link,
  mention,
  slackDate,
} from "../mrkdwn.js";
import { breakGlassLine, type CardContext } from "./deploy-card.js";
import { type Block, LIMITS, message, plain, type SlackMessage, section } from "./limits.js";
import { smokeLine } from "./smoke-line.js";
import { currentBand, planBand, planValues } from "./throughput.js";

/**
 * The thread reply for `notice`, or undefined for notices that only change the card (`card_changed`,
 * `approval_needed`). `request` is the request as saved with the notice.
 */
export function threadNotice(
  request: DeployRequest,
  notice: Notice,
  ctx: CardContext,
): SlackMessage | undefined {
  const endpoint = code(request.endpointName ?? request.ask.endpointName ?? "the endpoint");
  const requester = mention(request.requester.id);
  switch (notice.type) {
    case "card_changed":
    case "approval_needed":
    // Work for the smoke tester and the lifetimes, not words.
    case "smoke_test":
    case "lifetime_tag":
    case "expiry_action":
      return undefined;
    case "expiry_notice":
      return expiryNotice(request, notice.expiresAt, notice.onExpiry, endpoint, requester);
    case "endpoint_expired":
      return endpointExpired(request, notice.action, endpoint, requester);
    case "lifetime_kept":
      return text(
        `📌 ${mention(notice.by)} kept ${endpoint}: it now goes away ${slackDate(notice.expiresAt)} (its \`ptbot_expires_at\` tag says so too).`,
      );
    case "smoke_tested":
      return text(smokeLine(endpoint, notice.result));
    case "break_glass":
      return request.breakGlass === undefined ? undefined : text(breakGlassLine(request.breakGlass));
    case "reminder": {
      const status = approvalStatus(request, ctx.policy);
      const needs = `${status.remaining} more ${status.remaining === 1 ? "approval" : "approvals"}`;
      const expires = `It expires ${slackDate(request.expiresAt)}.`;
      if (notice.kind === "escalation") {
        const group = notice.escalationGroup === undefined ? "" : `${groupMention(notice.escalationGroup)} `;
        return text(
          `🔔 ${group}this request from ${requester} still has no decision and expires ${slackDate(request.expiresAt)}: ` +
            `it needs ${needs} from ${approversText(ctx.policy, status.given)}.`,
        );
      }
      return text(
        `⏰ Reminder: this request from ${requester} is waiting for ${needs} from ` +
          `${approversText(ctx.policy, status.given)}. ${expires}`,
      );
    }
    case "approval_recorded": {
      const remaining = notice.required - notice.given;
      return text(
        `👍 ${mention(notice.by)} approved (${notice.given} of ${notice.required}). ` +
          `Waiting for ${remaining} more ${remaining === 1 ? "approval" : "approvals"}.`,
      );
    }
    case "approved":
      if (request.byPolicy !== undefined) {
        return text(
          `🤖 ${requester}: the endpoint's lifetime ran out, so ptbot is ${doingWord(request)} ${endpoint} now, as the workspace's policy says (no approval needed).`,
        );
      }
      return text(
        `✅ Approved by ${joinWords(notice.by.map(mention), "and")}. ${requester}, ptbot is ${doingWord(request)} ${endpoint} now.`,
      );
    case "adjusted": {
      const settings = isResolved(request)
        ? ` Now: ${planBand(request.model, request.plan)}` +
          `${request.model.unit === "model_units" ? "" : `, scale to zero ${request.plan.scaleToZero ? "on" : "off"}`}` +
          `, endpoint ${code(request.endpointName)}.`
        : "";
      const cleared =
        notice.approvalsCleared > 0
          ? ` The ${notice.approvalsCleared === 1 ? "approval" : `${notice.approvalsCleared} approvals`} given before ` +
            "no longer count: please approve again."
          : "";
      return text(`✏️ ${mention(notice.by)} adjusted the request.${settings}${cleared}`);
    }
    case "rejected":
      return text(
        `⛔ ${mention(notice.by)} rejected this deploy${notice.note === undefined ? "" : `: ${escapeMrkdwn(notice.note)}`}. ` +
          `${requester}, run \`/pt deploy\` again if you want to ask anew.`,
      );
    case "cancelled":
      return text(`🚫 ${mention(notice.by)} cancelled this request.`);
    case "expired":
      return text(
        `⌛ Nobody decided before ${slackDate(request.expiresAt)}, so this request expired. ` +
          `${requester}, run \`/pt deploy\` again if it is still needed.`,
      );
    case "unresolvable":
      return text(`⚠️ ${requester}: ${reasonText(notice.reason, request)}`);
    case "creating":
      return text(
        request.mode?.kind === "update"
          ? `⏳ Updating the config of ${endpoint}…`
          : `⏳ Creating endpoint ${endpoint}…`,
      );
    case "provisioning":
      return text(
        "🔧 Databricks accepted the config; provisioning (this can take from a few minutes to over half an hour).",
      );
    case "ready": {
      const band = isResolved(request) ? `: ${planValues(request.model, request.plan)}` : "";
      const url =
        request.endpointName === undefined
          ? ""
          : ` · ${link(ctx.endpointUrl(request.endpointName), "open in Databricks")}`;
      const version = isResolved(request) ? ` on v${request.model.version}` : "";
      return withExportButton(
        requestKind(request) === "deploy"
          ? text(`🟢 ${requester}: ${endpoint} is READY${band}${url}`)
          : text(`🟢 ${requester}: done, ${endpoint} is READY${version}${band}${url}`),
        request.endpointName === undefined
          ? undefined
          : exportButtonValue(request.endpointName, ctx.workspace),
      );
    }
    case "deleting":
      return text(`🗑️ Deleting endpoint ${endpoint}…`);
    case "deleted":
      return text(
        `🗑️ ${requester}: endpoint ${endpoint} was deleted. It no longer serves queries, and has left \`/pt list\`.`,
      );
    case "update_waiting":
      return text(
        `⏳ Databricks is busy with another config update of ${endpoint}, so it refused this one for now. ptbot waits ` +
          `for that update to end and then sends this one (until ${slackDate(request.expiresAt)} at the latest). ${requester}`,
      );
    case "failed":
      return failed(request, notice.reason, requester);
    case "create_slow":
      return text(
        `⏳ Databricks has not taken the ${requestKind(request) === "delete" ? "delete" : request.mode?.kind === "update" ? "config update" : "create"} of ${endpoint} ` +
          `for ${formatDuration(notice.forMs)}; ptbot is still trying and will post here when it goes through or ` +
          `gives up. ${requester}`,
      );
    case "workspace_unreachable":
      return text(workspaceUnreachableLine(endpoint, notice, requester));
    case "stuck":
      return text(
        `🐢 ${endpoint} has been provisioning for ${formatDuration(notice.forMs)}. That can mean Databricks is short ` +
          `of GPU capacity; ptbot keeps following it and will post here when it ends. ${requester}`,
      );
  }
}

/** What ptbot does at the moment, in words. */
function expiryActionWords(action: ExpiryAction, endpoint: string): string {
  switch (action) {
    case "notify":
      return `ptbot will remind you once more and leave ${endpoint} as it is`;
    case "scale-to-zero":
      return `ptbot will scale ${endpoint} to zero by itself`;
    case "delete":
      return `ptbot will delete ${endpoint} by itself`;
  }
}

/** The notice before the moment: who should decide, what happens otherwise, and the three buttons. */
function expiryNotice(
  request: DeployRequest,
  expiresAt: number,
  onExpiry: ExpiryAction,
  endpoint: string,
  requester: string,
): SlackMessage {
  const line =
    `⏰ ${requester}: ${endpoint} is due to go away ${slackDate(expiresAt)}. If nobody answers by then, ` +
    `${expiryActionWords(onExpiry, endpoint)}. Keep it, or scale it to zero or delete it now (each with its own approval card).`;
  const button = (actionId: string, label: string, style?: "primary" | "danger"): types.Button => ({
    type: "button",
    action_id: actionId,
    text: plain(label, LIMITS.buttonText),
    value: request.id.slice(0, LIMITS.buttonValue),
    ...(style === undefined ? {} : { style }),
  });
  return message(line, [
    section(line),
    {
      type: "actions",
      block_id: THREAD_BLOCKS.expiry,
      elements: [
        button(ACTIONS.keep, "Keep 7 more days", "primary"),
        button(ACTIONS.expiryScale, "Scale to zero"),
        button(ACTIONS.expiryDelete, "Delete", "danger"),
      ],
    },
  ]);
}

/** The moment itself, with no answer: what the policy does. `notify` is one more notice, with the same buttons. */
function endpointExpired(
  request: DeployRequest,
  action: ExpiryAction,
  endpoint: string,
  requester: string,
): SlackMessage {
  if (action === "notify") {
    const reminder = expiryNotice(
      request,
      request.lifetime?.expiresAt ?? Date.now(),
      "notify",
      endpoint,
      requester,
    );
    const line = `⌛ ${requester}: ${endpoint} has reached the end of its lifetime and is still up. Nothing is done by itself here (the workspace's policy is to notify): keep it, or scale it to zero or delete it.`;
    return message(line, [section(line), ...reminder.blocks.slice(1)]);
  }
  return text(
    `⌛ ${requester}: ${endpoint} has reached the end of its lifetime with no answer, so ${
      action === "delete" ? "ptbot is deleting it" : "ptbot is scaling it to zero"
    }, as the workspace's policy says. The steps follow in this thread.`,
  );
}

/** "deploying", "scaling", "rolling back" or "deleting": what the approval sets ptbot doing. */
function doingWord(request: DeployRequest): string {
  switch (requestKind(request)) {
    case "deploy":
      return "deploying";
    case "scale":
      return "scaling";
    case "rollback":
      return "rolling back";
    case "delete":
      return "deleting";
  }
}

/** A failed update leaves the endpoint on its old config: " It is still READY on v2 at 980–1,960 tokens/s." */
function stillServing(request: DeployRequest): string {
  if (request.mode?.kind !== "update" || request.endpoint?.ready !== "READY") return "";
  return `\nIt is still READY on ${currentBand(request.mode.current)}: its old config keeps serving.`;
}

/**
 * What the Export button carries: the endpoint's name, after its workspace and a `/` when several are served (an
 * endpoint name has no `/`, see {@link exportButtonTarget}).
 */
export function exportButtonValue(endpointName: string, workspace: string | undefined): string {
  return workspace === undefined ? endpointName : `${workspace}/${endpointName}`;
}

/** The endpoint (and its workspace, when named) an Export button's value carries. */
export function exportButtonTarget(value: string): { endpointName: string; workspace?: string } {
  const slash = value.indexOf("/");
  return slash < 0
    ? { endpointName: value }
    : { workspace: value.slice(0, slash), endpointName: value.slice(slash + 1) };
}

/** The READY notice's Export button: the endpoint's config as bundle YAML and Terraform, privately to who clicks. */
function withExportButton(notice: SlackMessage, endpointName: string | undefined): SlackMessage {
  if (endpointName === undefined) return notice;
  const button: types.Button = {
    type: "button",
    action_id: ACTIONS.export,
    text: plain("Export config", LIMITS.buttonText),
    value: endpointName.slice(0, LIMITS.buttonValue),
  };
  return { ...notice, blocks: [...notice.blocks, { type: "actions", elements: [button] }] };
}

function text(line: string): SlackMessage {
  return message(line, [section(line)]);
}

/** The failure in words, then the end of the build log in a code block when the tracker fetched it. */
function failed(
  request: DeployRequest,
  reason: Parameters<typeof reasonText>[0],
  requester: string,
): SlackMessage {
  const advice = reason.failureKind === undefined ? "" : `\n💡 ${failureAdviceText(reason.failureKind)}`;
  const line = `❌ ${requester}: ${reasonText(reason, request)}${stillServing(request)}${advice}`;
  const blocks: Block[] = [section(line)];
  const tail = request.endpoint?.buildLogTail;
  if (tail !== undefined && tail.trim() !== "") {
    blocks.push(section(`*End of the build log*\n${codeBlock(tail, LIMITS.sectionText - 30)}`));
  }
  if (retryAsk(request) !== undefined) blocks.push(tryAgain(request));
  return message(line, blocks);
}

/** A new request with the same settings (its own card and approval): see the `retry` listener. */
function tryAgain(request: DeployRequest): Block {
  return {
    type: "actions",
    block_id: THREAD_BLOCKS.retry,
    elements: [
      {
        type: "button",
        action_id: ACTIONS.retry,
        text: plain("Try again", LIMITS.buttonText),
        value: request.id.slice(0, LIMITS.buttonValue),
      },
    ],
  };
}

/** The one line a request hears when its workspace stopped answering the tracker (issue 14). */
function workspaceUnreachableLine(
  endpoint: string,
  notice: Extract<Notice, { type: "workspace_unreachable" }>,
  requester: string,
): string {
  const refused = notice.code === "databricks_unauthorized" || notice.code === "databricks_permission_denied";
  const what = refused
    ? `Databricks workspace ${code(notice.workspace)} is refusing ptbot's credentials`
    : `ptbot cannot reach Databricks workspace ${code(notice.workspace)}`;
  return (
    `📡 ${what} (for ${formatDuration(notice.forMs)}), so it cannot see how ${endpoint} is doing. ` +
    `It keeps trying and will post here when the endpoint is READY or fails${refused ? "; ask the ptbot admins to check its credentials" : ""}. ${requester}`
  );
}
