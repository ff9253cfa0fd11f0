/**
 * The words people read when something did not go as asked. Errors and refusals carry stable codes everywhere else
 * in ptbot; this module alone turns a code into a sentence that says what happened and what to do next, each in one
 * switch. Anything a person or Databricks wrote is escaped before it is echoed.
 */

import type {
  ApprovalPolicy,
  DeployRequest,
  DeployState,
  FailureKind,
  PlanViolation,
  Reason,
  Rejection,
  RequestKind,
  VersionAsk,
  WorkspaceChoice,
} from "../domain/index.js";
import { breakGlassApprovals, requestKind } from "../domain/index.js";
import { MAX_COMMAND_LENGTH, type ParseProblem } from "./command-parser.js";
import { frozenText } from "./freeze-text.js";
import {
  channelMention,
  code,
  escapeMrkdwn,
  groupMention,
  joinWords,
  mention,
  slackDate,
  truncate,
} from "./mrkdwn.js";
import { type ApproverLookupReason, isPermanentLookupFailure } from "./slack-approver-directory.js";

/** What a person tried to do when they were refused. */
export type UserAction = "deploy" | "approve" | "reject" | "cancel" | "adjust";

/** Longest Databricks or domain message echoed in an answer. */
const DETAIL_MAX = 600;

/** A message from Databricks or the domain, escaped and bounded, as a quoted detail. */
function detail(message: string | undefined): string {
  if (message === undefined || message.trim() === "") return "";
  return `\n> ${escapeMrkdwn(truncate(message.trim().replace(/\s+/g, " "), DETAIL_MAX))}`;
}

/** "any of @grace, or members of @ml-approvers", with mentions Slack renders as names. */
export function approversText(
  policy: Pick<ApprovalPolicy, "approverUsers" | "approverGroups">,
  except: readonly string[] = [],
): string {
  const parts = [
    ...policy.approverUsers.filter((u) => !except.includes(u)).map(mention),
    ...policy.approverGroups.map((g) => `members of ${groupMention(g)}`),
  ];
  if (parts.length === 0 && except.length > 0) {
    return "nobody else (every named approver has approved; ask the ptbot admins)";
  }
  if (parts.length === 0) return "nobody (no approvers are configured; ask the ptbot admins)";
  return parts.length === 1 ? (parts[0] ?? "") : `any of ${joinWords(parts, "or")}`;
}

/** A version as asked: "version 3", "the latest READY version", "the version @champion points to". */
export function versionAskText(version: VersionAsk): string {
  if (version === "latest") return "the latest READY version";
  if (typeof version === "number") return `version ${version}`;
  return `the version ${code(version)} points to`;
}

/** The model and version a request asked for, as resolved when it was: "`ml.x.llama` version 3". */
function modelText(request: DeployRequest): string {
  // A scale, rollback or delete names no model: it is the one its endpoint serves.
  if (request.model === undefined && request.ask.model === "")
    return `the model ${endpointText(request)} serves`;
  const version = request.model?.version ?? request.ask.version;
  if (typeof version === "number") return `${code(request.ask.model)} version ${version}`;
  if (version === "latest") return `the latest READY version of ${code(request.ask.model)}`;
  return code(`${request.ask.model}${version}`);
}

function endpointText(request: DeployRequest): string {
  const name = request.endpointName ?? request.ask.endpointName;
  return name === undefined ? "the endpoint" : `endpoint ${code(name)}`;
}

/** The endpoint a name refusal is about: the one the reason names, else the request's. */
function heldEndpoint(reason: Reason, fallback: string): string {
  return reason.endpointName === undefined ? fallback : code(reason.endpointName);
}

/** " (asked by @bob, waiting for approval)": who holds the name, as a refusal carries it. */
function holderText(reason: Reason, request: DeployRequest): string {
  const holder = reason.holder;
  if (holder === undefined) return "";
  const who = holder.requester.id === request.requester.id ? "you" : mention(holder.requester.id);
  return ` (asked by ${who}, ${stateText(holder.state)})`;
}

/** One bullet per violation, escaped. */
export function violationLines(violations: readonly PlanViolation[]): string {
  return violations.map((v) => `• ${violationText(v)}`).join("\n");
}

function violationText(violation: PlanViolation): string {
  switch (violation.code) {
    case "min_not_applicable":
      return "`--min` does not apply to this model: model-unit models run at one fixed size, set by `--max` alone. Drop `--min`.";
    default:
      return escapeMrkdwn(violation.message);
  }
}

/** What an approved request of `kind` does next: a deploy creates (or updates) its endpoint, a change updates or deletes it. */
function approvedNext(kind: RequestKind, update: boolean): string {
  switch (kind) {
    case "delete":
      return "approved, about to delete the endpoint";
    case "scale":
    case "rollback":
      return "approved, about to update the endpoint";
    case "deploy":
      return update ? "approved, about to update the endpoint" : "approved, about to create the endpoint";
  }
}

/**
 * A state in words, for cards, `/pt status` and `/pt list`. `request` (its kind and mode) words the states that
 * differ by kind; without it a deploy is assumed.
 */
export function stateText(state: DeployState, request?: Pick<DeployRequest, "kind" | "mode">): string {
  switch (state) {
    case "resolving":
      return request === undefined || requestKind(request) === "deploy"
        ? "looking up the model"
        : "looking up the endpoint";
    case "awaiting_approval":
      return "waiting for approval";
    case "approved":
      return approvedNext(
        request === undefined ? "deploy" : requestKind(request),
        request?.mode?.kind === "update",
      );
    case "creating":
      return "sending the config to Databricks";
    case "provisioning":
      return "provisioning";
    case "ready":
      return "ready";
    case "failed":
      return "failed";
    case "unresolvable":
      return "could not be resolved";
    case "rejected":
      return "rejected";
    case "cancelled":
      return "cancelled";
    case "expired":
      return "expired";
    case "deleting":
      return "deleting the endpoint";
    case "deleted":
      return "deleted";
  }
}

/**
 * Why a request ended without an endpoint (unresolvable, or failed), and what to do. Used for the requester's
 * ephemeral answer and the card's status line.
 */
export function reasonText(reason: Reason, request: DeployRequest): string {
  const model = modelText(request);
  const endpoint = endpointText(request);
  switch (reason.code) {
    case "model_not_found":
      return (
        `I could not find ${model} in Unity Catalog. Check the name (\`catalog.schema.model\`) and the version, ` +
        `and that ptbot's Databricks identity may read the model.${detail(reason.message)}`
      );
    case "model_version_not_ready":
      return (
        `${model} is not READY in Unity Catalog, so it cannot be served yet. Wait for its registration to ` +
        `finish, or deploy a READY version (\`/pt deploy ${escapeMrkdwn(request.ask.model)}\` picks the latest one).` +
        detail(reason.message)
      );
    case "model_no_ready_version":
      return (
        `${code(request.ask.model)} has no READY version to deploy. Register a version (or wait for one to ` +
        `finish registering) and try again.${detail(reason.message)}`
      );
    case "model_not_optimizable":
      return (
        `${model} is not eligible for provisioned throughput: Databricks does not offer it for this model's ` +
        `architecture. Serve it with a regular (CPU or GPU) serving endpoint instead, or pick a supported model.`
      );
    case "endpoint_serves_other_model":
    case "endpoint_serves_several_models":
    case "endpoint_serves_nothing":
      return (
        `${endpoint} already exists and ptbot will not change what it serves. Pick another name with ` +
        `\`--name\`.${detail(reason.message)}`
      );
    case "endpoint_busy":
      return `${endpoint} is being updated right now. Try again once that update has finished.${detail(reason.message)}`;
    case "endpoint_in_use":
      return (
        `Another request for ${heldEndpoint(reason, endpoint)}${holderText(reason, request)} is still in progress. ` +
        "Wait for it to finish (or have it cancelled with `/pt cancel`), or pick another name with `--name`." +
        (reason.holder === undefined ? detail(reason.message) : "")
      );
    case "duplicate_request":
      return `I'm already on it: your same request for ${heldEndpoint(reason, endpoint)} is being prepared, and its card will appear in a moment.`;
    case "already_serving":
      return `${heldEndpoint(reason, endpoint)} already serves this; nothing to change.`;
    case "endpoint_not_found":
      return `There is no endpoint ${code(request.ask.endpointName ?? "")} in this workspace. \`/pt list\` shows the endpoints ptbot manages.`;
    case "endpoint_not_managed":
      return (
        `${endpoint} was not created by ptbot, so I will not change it as it is. If your team owns it, run the ` +
        "command again with `--adopt`: the card will say it was not created by ptbot, it still needs an approval, " +
        "and ptbot manages the endpoint from then on."
      );
    case "nothing_to_change":
      return `${endpoint} already runs with these settings: nothing to change.`;
    case "no_earlier_config":
      return `There is no earlier config on record for ${endpoint}: ptbot has not applied a config to it before the current one, so there is nothing to roll back to.`;
    case "superseded":
      return `This request was replaced by your newer request for ${endpoint}.`;
    case "invalid_plan":
      return (
        `These settings are not valid:\n${violationLines(reason.violations ?? [])}\n` +
        "Fix them and run the command again (see `/pt help`)."
      );
    case "databricks_unreachable":
      return (
        "I could not reach the Databricks workspace just now, so nothing was created. Try again in a few " +
        `minutes; if it keeps failing, tell the ptbot admins.${detail(reason.message)}`
      );
    case "databricks_unauthorized":
      return "Databricks did not accept ptbot's credentials (they may have expired), so nothing was created. Please tell the ptbot admins.";
    case "databricks_permission_denied":
      return (
        "ptbot's Databricks identity is not allowed to do this, so nothing was created. Ask the ptbot admins " +
        `to grant it access.${detail(reason.message)}`
      );
    case "databricks_refused":
    case "databricks_invalid":
      return `Databricks refused the request, so nothing was created.${detail(reason.message)}`;
    case "databricks_unexpected_answer":
      return (
        `Databricks answered with an error ptbot did not expect, so it stopped here. Check ${endpoint} in ` +
        `Databricks before deploying again; if it keeps happening, tell the ptbot admins.${detail(reason.message)}`
      );
    case "internal_error":
      return `Something went wrong on ptbot's side while it was working on ${endpoint}, so it stopped here. Please tell the ptbot admins.`;
    case "databricks_conflict":
    case "endpoint_taken":
      return `${endpoint} was changed by someone else while ptbot was working on it.${detail(reason.message)}`;
    case "endpoint_deleted":
      return `${endpoint} was deleted while it was provisioning.`;
    case "endpoint_changed_elsewhere":
      return (
        `${endpoint} was changed outside ptbot while it was provisioning, so it does not serve what this request ` +
        `asked for and ptbot stopped following it. Check with whoever changed it, then deploy again if needed.` +
        detail(reason.message)
      );
    case "deployment_failed":
      return `The deployment of ${endpoint} failed.${detail(reason.message)}`;
    case "rejected":
      return `The request was rejected${request.closedBy === undefined ? "" : ` by ${mention(request.closedBy.by)}`}.`;
    case "cancelled":
      return `The request was cancelled${request.closedBy === undefined ? "" : ` by ${mention(request.closedBy.by)}`}.`;
    case "expired":
      return `Nobody decided before ${slackDate(request.expiresAt)}, so the request expired.`;
    default:
      // Only a request stored by another version of ptbot gets here: `satisfies never` keeps every code this
      // version writes out of this branch at compile time.
      return storedReasonText(reason.code satisfies never, reason.message);
  }
}

/**
 * The one fallback, for data read from storage: a reason code another version of ptbot wrote that this one has no
 * words for. Never used for a code this version produces (see {@link reasonText}).
 */
function storedReasonText(storedCode: string, message: string): string {
  return `The request could not go ahead (${code(storedCode)}).${detail(message)}`;
}

export interface RejectionContext {
  readonly action: UserAction;
  readonly policy: ApprovalPolicy;
  /** The request as it stood when the action was refused. */
  readonly request?: DeployRequest;
}

/** Why a click, a command or a modal submission was refused; nothing changed. */
export function rejectionText(rejection: Rejection, ctx: RejectionContext): string {
  const { request, policy, action } = ctx;
  switch (rejection.code) {
    case "not_an_approver":
      return `Only approvers can ${action} ${kindText(request)}s: ${approversText(policy)}. Ask one of them to look at it.`;
    case "self_approval_forbidden":
      return `You asked for this ${kindText(request)}, so someone else has to approve it: ${approversText(policy)}.`;
    case "duplicate_approval": {
      const remaining =
        request === undefined ? 0 : breakGlassApprovals(request, policy) - request.approvals.length;
      return remaining > 0
        ? `You already approved this request; it needs ${remaining} more ${remaining === 1 ? "approval" : "approvals"} from someone else.`
        : "You already approved this request.";
    }
    case "name_not_confirmed":
      return `A delete is approved by typing the endpoint's name${request?.endpointName === undefined ? "" : ` (${code(request.endpointName)})`}: press *Delete* on the card and type it there. Nothing was deleted.`;
    case "request_changed":
      return (
        "Nothing was approved: the request changed since you looked at it (its settings were adjusted). " +
        "Please look at the card again: it shows the request as it is now, and you can approve that."
      );
    case "already_approved": {
      const by = request?.approvals.map((a) => mention(a.by)) ?? [];
      return by.length > 0
        ? `This request was already approved by ${joinWords(by, "and")}; nothing more to do.`
        : "This request was already approved; nothing more to do.";
    }
    case "superseded": {
      const whose = request === undefined ? "a" : `${mention(request.requester.id)}'s`;
      return `This request was replaced by ${whose} newer request for the same endpoint, so there is nothing to decide here. Use the newer request's card.`;
    }
    case "already_serving":
      return `${request?.endpointName === undefined ? "The endpoint" : code(request.endpointName)} already serves this; nothing to change.`;
    case "already_decided": {
      const what = request?.state === "cancelled" ? "cancelled" : "rejected";
      const by = request?.closedBy === undefined ? "" : ` by ${mention(request.closedBy.by)}`;
      return `This request was already ${what}${by}. ${askAgainText(request)}`;
    }
    case "expired":
      return (
        `This request expired${request === undefined ? "" : ` (${slackDate(request.expiresAt)})`}. ` +
        askAgainText(request)
      );
    case "not_requester":
      return `Only ${request === undefined ? "the requester" : mention(request.requester.id)}, who asked for this ${kindText(request)}, can cancel it. Approvers can reject it instead.`;
    case "not_requester_or_approver":
      return action === "cancel"
        ? `Only ${request === undefined ? "the requester" : mention(request.requester.id)}, who asked for this ${kindText(request)}, or an approver (${approversText(policy)}) can cancel it.`
        : `Only ${request === undefined ? "the requester" : mention(request.requester.id)} or an approver (${approversText(policy)}) can adjust this request.`;
    case "channel_not_allowed":
      return policy.allowedChannels.length > 0
        ? `Deploys cannot be requested in this channel. Use ${joinWords(policy.allowedChannels.map(channelMention), "or")}.`
        : "Deploys cannot be requested in this channel.";
    case "invalid_plan":
      return `These settings are not valid:\n${violationLines(rejection.violations ?? [])}`;
    case "nothing_changed":
      return "Nothing changed: edit a value, or close the form to keep the settings as they are.";
    case "invalid_transition":
      return request?.state === "unresolvable"
        ? `This request could not be resolved, so there is nothing to decide. ${askAgainText(request)}`
        : `This request cannot be changed any more (it is ${stateText(request?.state ?? "resolving", request)}).`;
    case "frozen":
      return frozenText(rejection.freeze, action);
    case "not_expired":
    case "not_stuck":
    case "already_reported":
    case "already_reminded":
      return `That did not apply to this request (${code(rejection.code)}).`;
  }
}

/** "deploy", "scale", "rollback" or "delete": what the request is, for a refusal (a deploy when unknown). */
function kindText(request: DeployRequest | undefined): RequestKind {
  return request === undefined ? "deploy" : requestKind(request);
}

/**
 * How to ask again, in the request's own command: "Run `/pt scale my-endpoint` again to ask anew." A deploy's model
 * and a change's endpoint are what the user typed, so they are escaped.
 */
export function askAgainText(request: DeployRequest | undefined): string {
  const kind = kindText(request);
  const what =
    request === undefined
      ? ""
      : kind === "deploy"
        ? ` ${request.ask.model}`
        : request.ask.endpointName === undefined
          ? ""
          : ` ${request.ask.endpointName}`;
  return `Run ${code(`/pt ${kind}${what}`)} again to ask anew.`;
}

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** What was wrong with the command text; the user's own words are escaped. */
export function parseProblemText(problem: ParseProblem): string {
  const what = problem.detail === undefined ? "" : code(problem.detail);
  switch (problem.code) {
    case "unknown_subcommand":
      return `I don't know the command ${what}.`;
    case "missing_model":
      return "`/pt deploy` needs a model: `/pt deploy catalog.schema.model [version]`.";
    case "invalid_model_name":
      return `${what} is not a Unity Catalog model name: it must be \`catalog.schema.model\` (three parts separated by dots).`;
    case "invalid_version":
      return `${what} is not a version: after the model name give a version number (\`3\`), \`latest\`, or use \`model@alias\`.`;
    case "alias_and_version":
      return `${what}: give either an alias (\`model@champion\`) or a version number, not both.`;
    case "unknown_flag":
      if (problem.command === "scale") {
        return `I don't know the option ${what} for \`/pt scale\`. Its options are \`--min\`, \`--max\`, \`--scale-to-zero\` (or \`--no-scale-to-zero\`), \`--adopt\` and \`--break-glass "reason"\`.`;
      }
      if (problem.command === "rollback" || problem.command === "delete") {
        return `I don't know the option ${what} for \`/pt ${problem.command}\`. Its options are \`--adopt\` and \`--break-glass "reason"\`.`;
      }
      return `I don't know the option ${what}. The options are \`--name\`, \`--min\`, \`--max\`, \`--scale-to-zero\` (or \`--no-scale-to-zero\`), \`--ttl\` and \`--break-glass "reason"\`.`;
    case "missing_flag_value":
      return `${what} needs a value, e.g. \`--max 4\`.`;
    case "repeated_flag":
      return `${what} is given twice: give each option once (\`--scale-to-zero\` and \`--no-scale-to-zero\` are one option).`;
    case "invalid_flag_value":
      return `${what}: \`--scale-to-zero\` takes \`true\` or \`false\` (or use \`--no-scale-to-zero\`), and \`--no-scale-to-zero\` takes no value.`;
    case "max_zero":
      return `${what}: an endpoint with \`--max 0\` could never serve a request. \`--max\` is at least 1; to let it scale down when idle, use \`--min 0 --scale-to-zero\`.`;
    case "too_long":
      return `That command is ${problem.detail ?? "too many"} characters long; I read commands of at most ${formatCount(MAX_COMMAND_LENGTH)} characters, so I did nothing. Shorten it (an endpoint name is at most 63 characters).`;
    case "invalid_ttl":
      return `${what}: \`--ttl\` takes a whole number and a unit, \`m\`, \`h\` or \`d\`, from \`10m\` to \`366d\`, e.g. \`--ttl 7d\`.`;
    case "invalid_multiple":
      return `${what}: \`--min\` and \`--max\` take whole multiples of the model's chunk, e.g. \`--max 4\`.`;
    case "unexpected_argument":
      return `I did not expect ${what} there.`;
    case "missing_endpoint":
      return "`/pt status`, `/pt scale`, `/pt rollback` and `/pt delete` need an endpoint name, e.g. `/pt status llama-13b-3`.";
    case "nothing_to_scale":
      return `\`/pt scale\` ${what} needs something to change: \`--min N\`, \`--max N\`, \`--scale-to-zero\` or \`--no-scale-to-zero\` (flags left out keep their current value).`;
    case "missing_cancel_target":
      return "`/pt cancel` needs the endpoint name or the request id, e.g. `/pt cancel llama-13b-3`.";
    case "missing_export_endpoint":
      return "`/pt export` needs an endpoint name, e.g. `/pt export llama-13b-3`.";
    case "unclosed_quote":
      return `The quote in ${what} is never closed: put the reason in quotes, e.g. \`--break-glass "checkout is down"\`.`;
  }
}

/**
 * Why the deploy card could not be posted (a Slack Web API error code), and what to do. The request was cancelled,
 * so nothing waits for a card nobody sees.
 */
export function cardPostFailureText(slackError: string, botUserId?: string): string {
  const me = botUserId === undefined ? "ptbot" : mention(botUserId);
  switch (slackError) {
    case "not_in_channel":
    case "channel_not_found":
      return `I am not in this channel, so I cannot post the deploy card here. Invite ${me} to this channel (\`/invite @ptbot\`) and try again.`;
    case "is_archived":
    case "is_inactive":
      return "This channel is archived, so I cannot post the deploy card here. Ask again in an active channel.";
    case "restricted_action":
    case "ekm_access_denied":
      return "This workspace does not let me post in this channel. Ask again in another channel, or ask an admin.";
    case "restricted_action_read_only_channel":
      return "This channel is read-only for me, so I cannot post the deploy card here. Ask again in a channel I can post in.";
    case "restricted_action_thread_only_channel":
      return "This channel takes thread replies only, so I cannot post the deploy card here. Ask again in another channel.";
    case "missing_scope":
    case "no_permission":
    case "not_allowed_token_type":
    case "invalid_auth":
    case "not_authed":
    case "account_inactive":
    case "token_revoked":
    case "token_expired":
    case "team_access_not_granted":
      return `Slack does not let ptbot post messages (\`${slackError}\`): a problem with the app's installation that retrying will not fix, so I cancelled the request. Please tell the ptbot admins.`;
    default:
      return `Slack did not let me post the deploy card (${code(slackError)}), so I cancelled the request. Try again in a moment.`;
  }
}

/**
 * `/pt deploy` in a DM or a group DM: ptbot cannot post the card there, and approvers would not see it. Nothing was
 * asked or created; the other subcommands work here.
 */
export function directConversationText(botUserId?: string): string {
  const me = botUserId === undefined ? "ptbot" : mention(botUserId);
  return (
    "Deploys are approved in a channel: in a direct message or a group DM I cannot post the deploy card (and approvers " +
    "would not see it), so I did " +
    `nothing. Run \`/pt deploy\` in a channel ${me} is a member of (the one your team uses for deploys), where approvers ` +
    "can see and approve the card. `/pt status`, `/pt list` and `/pt cancel` work here too."
  );
}

/** Why `/pt status` or `/pt list` could not ask Databricks (an error code from the client). */
export function lookupFailureText(errorCode: string): string {
  switch (errorCode) {
    case "databricks_unauthorized":
      return "Databricks did not accept ptbot's credentials, so I cannot look this up. Please tell the ptbot admins.";
    case "databricks_permission_denied":
      return "ptbot's Databricks identity may not read serving endpoints. Ask the ptbot admins to grant it access.";
    default:
      return "I could not reach the Databricks workspace just now. Try again in a few minutes.";
  }
}

/**
 * A refusal of an adjustment, for the modal: field errors are plain text (mentions would show raw), so these name
 * no one.
 */
export function modalErrorText(rejection: Rejection): string {
  switch (rejection.code) {
    case "not_requester_or_approver":
      return "Only the requester or an approver can adjust this request.";
    case "not_an_approver":
      return "Only the requester or an approver can adjust this request.";
    case "already_approved":
      return "This request was already approved, so it can no longer be adjusted.";
    case "already_decided":
      return "This request was already rejected or cancelled.";
    case "expired":
      return "This request has expired. Run /pt deploy again to ask anew.";
    case "nothing_changed":
      return "Nothing changed: edit a value, or close this form to keep the settings.";
    case "already_serving":
      return "The endpoint already serves exactly this; nothing to change.";
    case "invalid_plan":
      return "These settings are not valid.";
    default:
      return "This request can no longer be adjusted.";
  }
}

export const REQUEST_NOT_FOUND_TEXT =
  "I cannot find this request any more (it may belong to another ptbot installation). Run `/pt deploy` again.";

export const UNEXPECTED_ERROR_TEXT =
  "Something went wrong on ptbot's side and nothing was changed. Try again in a moment; if it keeps happening, tell the ptbot admins.";

/** The database is out of reach (restarting, failing over, cut off): worth a retry once it is back. */
export const STORE_UNAVAILABLE_TEXT = "ptbot cannot reach its database, try again in a minute.";

/** The first line of a thread notice sent to the requester's DM because the card's thread cannot be reached. */
export function threadUnreachableText(channelId: string, slackError: string): string {
  return `I cannot post in the thread of your deploy request in <#${channelId}> any more (Slack answered \`${slackError}\`: ${closedConversationText(slackError)}), so I am telling you here:`;
}

/** Why Slack will never take a post or an edit in a conversation, from its answer; each is permanent. */
export function closedConversationText(slackError: string): string {
  switch (slackError) {
    case "is_archived":
    case "is_inactive":
      return "the channel is archived";
    case "restricted_action_read_only_channel":
      return "the channel is read-only";
    case "restricted_action_thread_only_channel":
      return "the channel takes thread replies only";
    case "restricted_action_non_threadable_channel":
      return "the channel does not take thread replies";
    case "thread_locked":
      return "the thread is locked";
    case "thread_not_found":
    case "message_not_found":
      return "the card was deleted";
    case "restricted_action":
    case "ekm_access_denied":
      return "the workspace's settings do not let me post there";
    default:
      return "I may have been removed from the channel";
  }
}

/** `/pt status`: the request goes on, but its card no longer follows it (Slack's answer `slackError`). */
export function cardUnreachableText(slackError: string): string {
  return `The request's card can no longer be updated (${closedConversationText(slackError)}: Slack answered \`${slackError}\`), so it does not show how the request went on; this status does.`;
}

/** A click refused because Slack could not say whether the user is in an approvers' group; nothing changed. */
export function groupLookupFailedText(groupId: string, reason: ApproverLookupReason): string {
  // A configuration problem does not pass by itself: saying "try again" would only send the approver round again.
  const next = isPermanentLookupFailure(reason)
    ? "this will not pass by itself, so ptbot cannot count you as an approver through this group until an admin fixes it"
    : "try again in a moment";
  return `ptbot could not check your membership of <!subteam^${groupId}>: ${groupLookupReasonText(reason)}; ${next}. Nothing was changed.`;
}

function groupLookupReasonText(reason: ApproverLookupReason): string {
  switch (reason.kind) {
    case "rate_limited":
      return "Slack is rate-limiting user group lookups";
    case "no_answer":
      return "Slack did not answer";
    case "slack_error":
      switch (reason.error) {
        case "missing_scope":
          return "ptbot lacks the `usergroups:read` scope (`missing_scope`), please tell the ptbot admins";
        case "no_such_subteam":
          return "Slack knows no such group (`no_such_subteam`), please tell the ptbot admins";
        case "plan_upgrade_required":
          return "this workspace has no user groups (`plan_upgrade_required`), please tell the ptbot admins";
        case "invalid_auth":
        case "not_authed":
        case "account_inactive":
        case "token_revoked":
        case "token_expired":
        case "not_allowed_token_type":
        case "team_access_not_granted":
          return `Slack does not accept ptbot's token for this (\`${reason.error}\`), please tell the ptbot admins`;
        default:
          return `Slack answered \`${reason.error}\``;
      }
  }
}

/** `/pt cancel` found nothing under `target`. */
export function nothingHeldText(target: string): string {
  return (
    `Nothing is held under ${code(target)}: no request in progress has that endpoint name or id, so there is ` +
    "nothing to cancel. `/pt list` shows the requests in flight."
  );
}

/** `/pt cancel` worked: the request is cancelled and its name is free. */
export function cancelledText(request: DeployRequest): string {
  const name = request.endpointName ?? request.ask.endpointName;
  const what =
    name === undefined
      ? `request ${code(request.id)}`
      : `the request for ${code(name)} (${code(request.id)})`;
  return `🚫 Cancelled ${what}.${name === undefined ? "" : ` The name ${code(name)} is free again.`}`;
}

/** `/pt cancel` matched several requests by name: ask for the id. */
export function severalHeldText(target: string, ids: readonly string[]): string {
  return `Several requests hold ${code(target)}; cancel one by its id: ${joinWords(ids.map(code), "or")}.`;
}

/** What to do about a failed deployment of this kind: one sentence beside Databricks' message and the log tail. */
export function failureAdviceText(kind: FailureKind): string {
  switch (kind) {
    case "gpu_capacity":
      return "Databricks had no GPU capacity for this band in the region: try again later, ask for a smaller band, or deploy in a workspace in another region.";
    case "entitlement":
      return "The workspace may not do this yet (provisioned throughput not enabled, or a quota reached): ask a workspace admin to enable it or raise the quota, then try again.";
    case "permissions":
      return "The identity ptbot deploys with lacks a privilege: ask a workspace admin to grant it USE CATALOG, USE SCHEMA and EXECUTE on the model, then try again.";
    case "model_artifact":
      return "The model version's files could not be loaded: check it was logged for provisioned throughput (MLflow, a supported architecture, complete weights), register a fixed version and deploy that.";
    case "unknown":
      return "ptbot cannot tell the cause from Databricks' message: read the build log below, or open the endpoint in Databricks.";
  }
}

/** Try again on something that is not a failed request with settings to repeat (or no longer exists). */
export function retryRefusedText(): string {
  return "Only a failed request can be tried again, and this one is not (or no longer exists). Run `/pt deploy` to ask anew.";
}

/** Keep 7 more days went through: the new moment, privately to who clicked (the thread hears it too). */
export function keptText(request: DeployRequest): string {
  const at = request.lifetime?.expiresAt;
  const endpoint = code(request.endpointName ?? "the endpoint");
  return at === undefined ? `Kept ${endpoint}.` : `Kept ${endpoint}: it now goes away ${slackDate(at)}.`;
}

/** Keep 7 more days refused: not the requester or an approver, or nothing left to keep. */
export function keepRefusedText(
  rejection: Rejection,
  request: DeployRequest | undefined,
  policy: ApprovalPolicy,
): string {
  if (rejection.code === "not_requester_or_approver") {
    return `Only the requester or an approver can keep this endpoint (${approversText(policy)}).`;
  }
  if (rejection.code === "already_decided") {
    return "The workspace's policy already acted on this endpoint at its expiry, so there is nothing to keep. Deploy it again if it is still needed.";
  }
  const name = request?.endpointName;
  return `There is no lifetime to keep on ${name === undefined ? "this request" : code(name)} any more: a newer request of the endpoint replaced it, or it was deleted.`;
}

/** Why a command got no workspace (issue 14): the one named is unknown or not for this channel, or none was named. */
export function workspaceChoiceText(
  choice: Extract<WorkspaceChoice, { ok: false }>,
  requested: string | undefined,
): string {
  const names = (list: readonly string[]) => list.map((w) => code(w)).join(", ");
  switch (choice.code) {
    case "unknown_workspace":
      return `There is no workspace ${code(requested ?? "")}. ptbot serves ${names(choice.known)}.`;
    case "workspace_not_allowed":
      return choice.allowed.length === 0
        ? "This channel may not use any workspace. Ask in a channel meant for deploys, or ask the ptbot admins."
        : `This channel may not use ${requested === undefined ? "that workspace" : `workspace ${code(requested)}`}. It may use ${names(choice.allowed)}: add \`--in <workspace>\`.`;
    case "workspace_required":
      return `Say which workspace with \`--in <workspace>\`: this channel may use ${names(choice.allowed)}.`;
  }
}
