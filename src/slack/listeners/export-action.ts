/**
 * Export config, the button on the READY thread notice: the same private answer as `/pt export <endpoint>`, to
 * whoever clicks. Reading the config changes nothing, so anyone in the channel may.
 */
import type { App, BlockButtonAction } from "@slack/bolt";
import { validateEndpointName } from "../../domain/index.js";
import { exportMessage } from "../blocks/export.js";
import type { Block } from "../blocks/limits.js";
import { exportButtonTarget } from "../blocks/thread-notice.js";
import { inWorkspace } from "../blocks/workspace-line.js";
import { ACTIONS } from "../ids.js";
import { loadEndpointExport } from "../queries/endpoint-export.js";
import { type ButtonArgs, type ListenerDeps, timed } from "./deps.js";
import { errorText } from "./error-text.js";
import { afterAck } from "./pt-command.js";
import { clientIn, shownWorkspace, workspaceNames } from "./workspace-of.js";

export async function handleExport(args: ButtonArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  const target = exportButtonTarget(args.body.actions[0]?.value ?? "");
  const name = target.endpointName;
  // A button from a notice of one workspace among several names it; an older one is the first workspace's.
  const workspace = target.workspace ?? workspaceNames(deps)[0] ?? "default";
  const log = deps.logger.child({ user: args.body.user.id, endpoint: name, workspace });
  if (validateEndpointName(name).length > 0) {
    log.warn({}, "export button without an endpoint name");
    return;
  }
  log.info({}, "export clicked");
  const work = async () => {
    let answer: { readonly text: string; readonly blocks?: Block[] };
    try {
      const inIt = { databricks: clientIn(deps, workspace) };
      answer = inWorkspace(
        exportMessage(name, await loadEndpointExport(inIt, name)),
        shownWorkspace(deps, workspace),
      );
    } catch (error) {
      answer = { text: errorText(error, log) };
    }
    await args
      .respond({ response_type: "ephemeral", replace_original: false, ...answer })
      .catch((error: unknown) => log.warn({ err: error }, "export not delivered"));
  };
  await afterAck(deps, work);
}

export function register(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>({ type: "block_actions", action_id: ACTIONS.export }, (args) =>
    handleExport(timed(args, "block_actions", deps), deps),
  );
}
