/**
 * What `/pt` answers at once, before anything slow: the one place that decides a command's ack. Pure (the parsed
 * command, the policy and the channels' rules; no store, no Databricks, no Slack call), so the receiving thread can
 * answer Slack with it while the work runs on the core's thread (`src/threads/`), and the listener in one thread
 * answers with the same words.
 */
import type { RespondArguments } from "@slack/bolt";
import { type ApprovalPolicy, type ChannelRules, validateEndpointName } from "../../domain/index.js";
import type { Workspaces } from "../../workflow/workspaces.js";
import { helpMessage } from "../blocks/help.js";
import { type ParsedCommand, parseCommand } from "../command-parser.js";
import { isDirectConversation } from "../conversation-kind.js";
import { versionAskText, violationLines, workspaceChoiceText } from "../messages.js";
import { code } from "../mrkdwn.js";
import { commandWorkspace } from "./workspace-of.js";

/** What the ack needs to know: the default approval rules (help) and which workspace a channel may use. */
export interface CommandAckContext {
  readonly policy: ApprovalPolicy;
  readonly workspaces?: Pick<Workspaces, "names"> | undefined;
  readonly channels?: ChannelRules | undefined;
}

/** The slash command's fields the ack reads (Bolt's `command` payload). */
export interface CommandFields {
  readonly text: string;
  readonly channel_id: string;
  readonly channel_name?: string | undefined;
}

export type CommandAck =
  /** Answered in full by the ack (help, a refused workspace, an invalid endpoint name): nothing follows. */
  | {
      readonly goesOn: false;
      readonly parsed: ParsedCommand;
      readonly answer: RespondArguments;
      /** Why the command's workspace was refused (for the log), when that was the answer. */
      readonly workspaceRefused?: string;
    }
  /** The ack (`undefined`: an empty one) says the work started; the work runs after it, in `workspace`. */
  | {
      readonly goesOn: true;
      readonly parsed: Exclude<ParsedCommand, { kind: "help" }>;
      readonly workspace: string;
      readonly answer: RespondArguments | undefined;
    };

const ephemeral = (text: string): RespondArguments => ({ response_type: "ephemeral", text });

/** The ack of one `/pt` command. */
export function commandAck(command: CommandFields, ctx: CommandAckContext): CommandAck {
  const parsed = parseCommand(command.text);
  if (parsed.kind === "help") {
    const help = helpMessage({
      ...(parsed.problem === undefined ? {} : { problem: parsed.problem }),
      policy: ctx.policy,
    });
    return { goesOn: false, parsed, answer: { response_type: "ephemeral", ...help } };
  }
  // Every other command is for one workspace (issue 14): named with `--in`, or the channel's.
  const choice = commandWorkspace(ctx, command.channel_id, parsed.workspace);
  if (!choice.ok)
    return {
      goesOn: false,
      parsed,
      answer: ephemeral(workspaceChoiceText(choice, parsed.workspace)),
      workspaceRefused: choice.code,
    };
  const goOn = (answer: RespondArguments | undefined): CommandAck => ({
    goesOn: true,
    parsed,
    workspace: choice.workspace,
    answer,
  });
  switch (parsed.kind) {
    case "status":
    case "export":
    case "scale":
    case "rollback":
    case "delete": {
      const problems = validateEndpointName(parsed.endpoint);
      if (problems.length > 0)
        return {
          goesOn: false,
          parsed,
          answer: ephemeral(
            `${code(parsed.endpoint)} is not a valid endpoint name:\n${violationLines(problems)}`,
          ),
        };
      return goOn(ephemeral(`Looking up endpoint ${code(parsed.endpoint)}…`));
    }
    case "list":
      return goOn(ephemeral("Looking up the endpoints ptbot manages…"));
    case "cost":
      return goOn(ephemeral("Looking up what the endpoints ptbot manages cost…"));
    case "deploy":
      // In a direct conversation nothing is looked up (the card could not be posted there): the answer follows.
      if (isDirectConversation(command.channel_id, command.channel_name)) return goOn(undefined);
      return goOn(
        ephemeral(`Looking up ${code(parsed.model)} (${versionAskText(parsed.version)}) in Unity Catalog…`),
      );
    case "cancel":
      return goOn(ephemeral(`Cancelling ${code(parsed.target)}…`));
  }
}
