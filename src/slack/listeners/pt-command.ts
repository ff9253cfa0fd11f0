/**
 * `/pt`: deploy, scale, rollback, delete, status, export, list, cancel and help. Every answer is acknowledged at once (Slack allows 3 s) and everything slow
 * runs after the ack; answers go privately to whoever typed the command, through the command's response_url. A
 * deploy that awaits approval gets its card posted in the channel, where everyone can see and act on it.
 */
import type { App, RespondArguments } from "@slack/bolt";
import {
  type DeployAsk,
  type DeployRequest,
  type Requester,
  type RequestKind,
  validateEndpointName,
} from "../../domain/index.js";
import type { Logger } from "../../logger.js";
import { StoreUnavailableError } from "../../store/store-unavailable.js";
import { costMessage } from "../blocks/cost.js";
import { deployCard } from "../blocks/deploy-card.js";
import { exportMessage } from "../blocks/export.js";
import { helpMessage } from "../blocks/help.js";
import { listMessage } from "../blocks/list.js";
import { statusMessage } from "../blocks/status.js";
import { inWorkspace } from "../blocks/workspace-line.js";
import { type ParsedCommand, parseCommand } from "../command-parser.js";
import { isDirectConversation } from "../conversation-kind.js";
import { COMMAND } from "../ids.js";
import {
  cancelledText,
  cardPostFailureText,
  directConversationText,
  nothingHeldText,
  reasonText,
  rejectionText,
  severalHeldText,
  UNEXPECTED_ERROR_TEXT,
  versionAskText,
  violationLines,
  workspaceChoiceText,
} from "../messages.js";
import { code } from "../mrkdwn.js";
import { loadEndpointExport } from "../queries/endpoint-export.js";
import { loadEndpointStatus } from "../queries/endpoint-status.js";
import { loadFleet } from "../queries/fleet.js";
import { loadManagedList } from "../queries/managed-list.js";
import { slackErrorCode } from "../slack-errors.js";
import { type ListenerClient, type ListenerDeps, type Respond, timed } from "./deps.js";
import { errorText } from "./error-text.js";
import { approvalIn, clientIn, commandWorkspace, fleetLinks, shownWorkspace } from "./workspace-of.js";

export interface CommandArgs {
  readonly command: {
    readonly text: string;
    readonly user_id: string;
    readonly user_name?: string | undefined;
    readonly channel_id: string;
    readonly channel_name?: string | undefined;
  };
  readonly ack: (answer?: RespondArguments) => Promise<void>;
  readonly respond: Respond;
  readonly client: ListenerClient;
  readonly context: { readonly botUserId?: string | undefined };
}

export async function handlePtCommand(args: CommandArgs, deps: ListenerDeps): Promise<void> {
  const { command } = args;
  const parsed = parseCommand(command.text);
  const log = deps.logger.child({
    user: command.user_id,
    channel: command.channel_id,
    subcommand: parsed.kind,
  });
  log.info({}, "command received");
  const reply = (answer: RespondArguments) =>
    args
      .respond({ response_type: "ephemeral", ...answer })
      .then(() => undefined)
      .catch((error: unknown) => log.warn({ err: error }, "command answer not delivered"));
  try {
    if (parsed.kind === "help") {
      await args.ack({
        response_type: "ephemeral",
        ...helpMessage({
          ...(parsed.problem === undefined ? {} : { problem: parsed.problem }),
          policy: deps.policy,
        }),
      });
      return;
    }
    // Every other command is for one workspace (issue 14): named with `--in`, or the channel's.
    const choice = commandWorkspace(deps, command.channel_id, parsed.workspace);
    if (!choice.ok) {
      log.info({ code: choice.code, requested: parsed.workspace }, "workspace refused");
      await args.ack({ response_type: "ephemeral", text: workspaceChoiceText(choice, parsed.workspace) });
      return;
    }
    const { workspace } = choice;
    const shown = shownWorkspace(deps, workspace);
    const inIt = { ...deps, databricks: clientIn(deps, workspace), policy: approvalIn(deps, workspace) };
    switch (parsed.kind) {
      case "status": {
        if (!(await ackEndpointLookup(args, parsed.endpoint))) return;
        await afterAck(deps, async () =>
          reply(
            inWorkspace(statusMessage(await loadEndpointStatus(inIt, parsed.endpoint, workspace)), shown),
          ),
        );
        return;
      }
      case "export": {
        if (!(await ackEndpointLookup(args, parsed.endpoint))) return;
        await afterAck(deps, async () =>
          reply(
            inWorkspace(
              exportMessage(parsed.endpoint, await loadEndpointExport(inIt, parsed.endpoint)),
              shown,
            ),
          ),
        );
        return;
      }
      case "list":
        await args.ack({ response_type: "ephemeral", text: "Looking up the endpoints ptbot manages…" });
        await afterAck(deps, async () =>
          reply(
            inWorkspace(
              listMessage(await loadManagedList(inIt, shown), (name) => inIt.databricks.endpointUrl(name)),
              shown,
            ),
          ),
        );
        return;
      case "cost":
        await args.ack({
          response_type: "ephemeral",
          text: "Looking up what the endpoints ptbot manages cost…",
        });
        await afterAck(deps, async () => reply(costMessage(await loadFleet(deps), fleetLinks(deps))));
        return;
      case "deploy":
        await deploy(parsed, workspace, args, deps, log, reply);
        return;
      case "scale":
      case "rollback":
      case "delete": {
        if (!(await ackEndpointLookup(args, parsed.endpoint))) return;
        await afterAck(deps, () =>
          propose(changeAsk(parsed), parsed.kind, workspace, args, deps, log, reply),
        );
        return;
      }
      case "cancel":
        await args.ack({ response_type: "ephemeral", text: `Cancelling ${code(parsed.target)}…` });
        await afterAck(deps, async () =>
          reply({ text: await cancel(parsed.target, command.user_id, deps, log, parsed.workspace) }),
        );
        return;
    }
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      await reply({ text: errorText(error, log) });
      return;
    }
    log.error({ err: error }, "command failed");
    await reply({ text: UNEXPECTED_ERROR_TEXT });
  }
}

/**
 * The ack of a command that names an endpoint (status, export, scale, rollback, delete): the name's problems when it
 * is not a valid endpoint name (and false: nothing more to do), else "Looking up endpoint …" (and true: the work
 * follows the ack).
 */
async function ackEndpointLookup(args: CommandArgs, endpoint: string): Promise<boolean> {
  const problems = validateEndpointName(endpoint);
  if (problems.length > 0) {
    await args.ack({
      response_type: "ephemeral",
      text: `${code(endpoint)} is not a valid endpoint name:\n${violationLines(problems)}`,
    });
    return false;
  }
  await args.ack({ response_type: "ephemeral", text: `Looking up endpoint ${code(endpoint)}…` });
  return true;
}

/**
 * `/pt cancel <endpoint or request id>`: the same rule and the same card and thread updates as the Cancel button,
 * for a request whose card may be gone. The answer goes only to whoever typed it.
 */
async function cancel(
  target: string,
  user: string,
  deps: ListenerDeps,
  log: Logger,
  workspace: string | undefined,
): Promise<string> {
  const all = await deps.workflow.findCancellable(target);
  // One endpoint name in two workspaces is two endpoints: `--in` says which (a request id needs none).
  const found = workspace === undefined ? all : all.filter((r) => r.workspace === workspace);
  const [request, ...others] = found;
  if (request === undefined) return nothingHeldText(target);
  if (others.length > 0)
    return severalHeldText(
      target,
      found.map((r) => r.id),
    );
  const applied = await deps.workflow.cancel(request.id, user);
  const rlog = log.child({ requestId: request.id });
  if (!applied.ok) {
    rlog.info({ code: applied.rejection.code }, "cancel refused");
    return rejectionText(applied.rejection, {
      action: "cancel",
      policy: approvalIn(deps, request.workspace),
      ...(applied.request === undefined ? {} : { request: applied.request }),
    });
  }
  rlog.info({}, "request cancelled by command");
  return cancelledText(applied.request);
}

/** Queued behind a bound: in a burst, the acks still to come go before the work of the commands already acked. */
export function afterAck(deps: ListenerDeps, work: () => Promise<void>): Promise<void> {
  return deps.afterAck === undefined ? work() : deps.afterAck(work);
}

type DeployCommand = Extract<ParsedCommand, { kind: "deploy" }>;

async function deploy(
  parsed: DeployCommand,
  workspace: string,
  args: CommandArgs,
  deps: ListenerDeps,
  log: Logger,
  reply: (answer: RespondArguments) => Promise<void>,
): Promise<void> {
  if (isDirectConversation(args.command.channel_id, args.command.channel_name)) {
    // Nothing to look up: the card could not be posted here, and no approver would see it.
    await args.ack();
    log.info({}, "deploy asked in a direct conversation");
    await reply({ text: directConversationText(args.context.botUserId) });
    return;
  }
  await args.ack({
    response_type: "ephemeral",
    text: `Looking up ${code(parsed.model)} (${versionAskText(parsed.version)}) in Unity Catalog…`,
  });
  const ask: DeployAsk = {
    model: parsed.model,
    version: parsed.version,
    ...(parsed.name === undefined ? {} : { endpointName: parsed.name }),
    ...(parsed.min === undefined ? {} : { min: parsed.min }),
    ...(parsed.max === undefined ? {} : { max: parsed.max }),
    ...(parsed.scaleToZero ? { scaleToZero: true } : {}),
    ...(parsed.breakGlass === undefined ? {} : { breakGlass: parsed.breakGlass }),
    ...(parsed.ttlMs === undefined ? {} : { ttlMs: parsed.ttlMs }),
  };
  await afterAck(deps, () => propose(ask, "deploy", workspace, args, deps, log, reply));
}

type ChangeCommand = Extract<ParsedCommand, { kind: "scale" | "rollback" | "delete" }>;

/** A scale, rollback or delete names an endpoint, no model: its model is read from the endpoint. */
function changeAsk(parsed: ChangeCommand): DeployAsk {
  const scale =
    parsed.kind === "scale"
      ? {
          ...(parsed.min === undefined ? {} : { min: parsed.min }),
          ...(parsed.max === undefined ? {} : { max: parsed.max }),
          ...(parsed.scaleToZero === undefined ? {} : { scaleToZero: parsed.scaleToZero }),
        }
      : {};
  return {
    model: "",
    version: "latest",
    endpointName: parsed.endpoint,
    ...scale,
    ...(parsed.adopt ? { adopt: true } : {}),
    ...(parsed.breakGlass === undefined ? {} : { breakGlass: parsed.breakGlass }),
  };
}

/** The slow part of a request: resolve it, then post its card, or tell the requester why not. */
async function propose(
  ask: DeployAsk,
  kind: RequestKind,
  workspace: string,
  args: CommandArgs,
  deps: ListenerDeps,
  log: Logger,
  reply: (answer: RespondArguments) => Promise<void>,
): Promise<void> {
  const { command } = args;
  const requester = {
    id: command.user_id,
    ...(command.user_name === undefined || command.user_name === "" ? {} : { name: command.user_name }),
  };
  await proposeDeploy(
    { ask, requester, channelId: command.channel_id, workspace, ...(kind === "deploy" ? {} : { kind }) },
    args,
    deps,
    log,
    reply,
  );
}

/**
 * Opens a request and posts its card, or tells the requester why not: the one path of `/pt deploy`, `/pt scale`,
 * `/pt rollback`, `/pt delete` and of the Try again button.
 */
export async function proposeDeploy(
  input: {
    readonly ask: DeployAsk;
    readonly requester: Requester;
    readonly channelId: string;
    /** Default: the workflow's (the first workspace). */
    readonly workspace?: string;
    readonly kind?: RequestKind;
  },
  args: Pick<CommandArgs, "client" | "context">,
  deps: ListenerDeps,
  log: Logger,
  reply: (answer: RespondArguments) => Promise<void>,
): Promise<void> {
  const applied = await deps.workflow.request(input);
  if (!applied.ok) {
    log.info({ code: applied.rejection.code }, "deploy refused");
    const policy = approvalIn(deps, input.workspace ?? "default");
    await reply({ text: rejectionText(applied.rejection, { action: "deploy", policy }) });
    return;
  }
  const { request } = applied;
  const rlog = log.child({ requestId: request.id });
  if (request.state !== "awaiting_approval") {
    rlog.info({ state: request.state, reason: request.reason?.code }, "deploy not possible");
    const why = request.reason === undefined ? UNEXPECTED_ERROR_TEXT : reasonText(request.reason, request);
    await reply({ text: why });
    return;
  }
  await postCard(request, args.client, deps, rlog, async (slackError) => {
    await deps.workflow
      .cancel(request.id, request.requester.id)
      .catch((error: unknown) => rlog.error({ err: error }, "request without a card not cancelled"));
    await reply({ text: cardPostFailureText(slackError, args.context.botUserId) });
  });
}

/** Posts the card and records where it lives; if Slack refuses, `onRefused` cancels the request and says why. */
async function postCard(
  request: DeployRequest,
  client: ListenerClient,
  deps: ListenerDeps,
  log: Logger,
  onRefused: (slackError: string) => Promise<void>,
): Promise<void> {
  const card = deployCard(request, {
    policy: approvalIn(deps, request.workspace),
    ...(deps.costOf === undefined ? {} : { costOf: deps.costOf }),
    endpointUrl: (n) => clientIn(deps, request.workspace).endpointUrl(n),
    ...(shownWorkspace(deps, request.workspace) === undefined ? {} : { workspace: request.workspace }),
  });
  let posted: { channel?: string | undefined; ts?: string | undefined };
  try {
    posted = await client.chat.postMessage({ channel: request.channelId, ...card });
  } catch (error) {
    const slackError = slackErrorCode(error) ?? "request_failed";
    log.warn({ err: error, slackError }, "deploy card not posted");
    await onRefused(slackError);
    return;
  }
  if (posted.ts === undefined) {
    await onRefused("no_ts");
    return;
  }
  await deps.workflow.attachCard(request.id, {
    channelId: posted.channel ?? request.channelId,
    ts: posted.ts,
  });
  log.info({ ts: posted.ts }, "deploy card posted");
}

export function register(app: App, deps: ListenerDeps): void {
  app.command(COMMAND, (args) => handlePtCommand(timed(args, "command", deps), deps));
}
