/**
 * The workspace an answer is about (issue 14), shown only when ptbot serves several: with one (the env-only
 * `default`, or a file naming one) the name would only be noise.
 */
import { code } from "../mrkdwn.js";
import { type Block, context, message, type SlackMessage } from "./limits.js";

/** `answer` with a first line naming `workspace`, or unchanged when `workspace` is undefined (one workspace). */
export function inWorkspace(answer: SlackMessage, workspace: string | undefined): SlackMessage {
  if (workspace === undefined) return answer;
  const blocks: Block[] = [context([`Workspace ${code(workspace)}`]), ...answer.blocks];
  return message(`${answer.text} (workspace ${workspace})`, blocks);
}
