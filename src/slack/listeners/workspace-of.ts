/**
 * Which workspace a command or a request is for, and that workspace's client and rules, as the listeners read them
 * (issue 14). Without `deps.workspaces` there is one workspace, `default`, on `deps.databricks` and `deps.policy`.
 */
import {
  type ApprovalPolicy,
  chooseWorkspace,
  OPEN_CHANNEL_RULES,
  type WorkspaceChoice,
} from "../../domain/index.js";
import type { Workspaces } from "../../workflow/workspaces.js";
import type { FleetLinks } from "../blocks/cost.js";
import type { ListenerDeps } from "./deps.js";

/** The names of the workspaces served. */
export function workspaceNames(deps: {
  readonly workspaces?: Pick<Workspaces, "names"> | undefined;
}): readonly string[] {
  return deps.workspaces?.names ?? ["default"];
}

/** The workspace to name in answers and cards: only when several are served (one is never worth saying). */
export function shownWorkspace(
  deps: { readonly workspaces?: Pick<Workspaces, "names"> | undefined },
  workspace: string,
): string | undefined {
  return workspaceNames(deps).length > 1 ? workspace : undefined;
}

/** The command's workspace: `--in`, else the channel's default, else the only one it may use; or why none. */
export function commandWorkspace(
  deps: {
    readonly workspaces?: Pick<Workspaces, "names"> | undefined;
    readonly channels?: ListenerDeps["channels"] | undefined;
  },
  channelId: string,
  requested: string | undefined,
): WorkspaceChoice {
  return chooseWorkspace(channelId, requested, workspaceNames(deps), deps.channels ?? OPEN_CHANNEL_RULES);
}

/** The Databricks client of `workspace`. */
export function clientIn(
  deps: Pick<ListenerDeps, "workspaces" | "databricks">,
  workspace: string,
): ListenerDeps["databricks"] {
  return deps.workspaces === undefined ? deps.databricks : deps.workspaces.clientOf(workspace);
}

/** The approval rules of `workspace`. */
export function approvalIn(
  deps: Pick<ListenerDeps, "workspaces" | "policy">,
  workspace: string,
): ApprovalPolicy {
  return deps.workspaces === undefined ? deps.policy : deps.workspaces.policyOf(workspace).approval;
}

/** The fleet's links, each endpoint in its own workspace, and the workspace named when ptbot serves several. */
export function fleetLinks(deps: Pick<ListenerDeps, "workspaces" | "databricks">): FleetLinks {
  return {
    endpointUrl: (name, workspace) => clientIn(deps, workspace).endpointUrl(name),
    workspaceShown: (workspace) => shownWorkspace(deps, workspace),
  };
}
