/**
 * The workspaces ptbot serves (issue 14): each one's Databricks client and rules, by the name requests carry
 * (`DeployRequest.workspace`). Built once at start (`src/main.ts` from `config.workspaces`; `createCore` from one
 * client for tests), read by the workflow, the tracker, the smoke tester and the Slack listeners alike.
 */
import type { WorkspacePolicy } from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { DatabricksApi } from "./ports.js";

export interface Workspaces {
  /** Every workspace's name, in the configuration's order (the first is the default of an unknown name's rules). */
  readonly names: readonly string[];
  /** The client of the workspace named so; throws `unknown_workspace` for a name not configured (see below). */
  clientOf(workspace: string): DatabricksApi;
  /** The rules of the workspace named so (an unknown name gets the first workspace's, see `policiesOf`). */
  policyOf(workspace: string): WorkspacePolicy;
}

/** One workspace as {@link workspacesOf} takes it. */
export interface WorkspaceEntry {
  readonly name: string;
  readonly client: DatabricksApi;
  readonly policy: WorkspacePolicy;
}

/** A request or command names a workspace that is not configured (any more). */
export class UnknownWorkspaceError extends PtbotError {
  constructor(workspace: string) {
    super("unknown_workspace", `workspace ${workspace} is not configured`);
  }
}

/**
 * Looks workspaces up by name. A name not configured gets the only workspace when there is one (requests stored as
 * `default` keep working under a file naming one workspace), and is refused otherwise: sending a request's calls to
 * another workspace than its own could create or delete an endpoint in the wrong place.
 */
export function workspacesOf(entries: readonly WorkspaceEntry[]): Workspaces {
  const [first] = entries;
  if (first === undefined) throw new Error("workspacesOf needs at least one workspace");
  const byName = new Map(entries.map((e) => [e.name, e]));
  const only = entries.length === 1 ? first : undefined;
  return {
    names: entries.map((e) => e.name),
    clientOf(workspace) {
      const entry = byName.get(workspace) ?? only;
      if (entry === undefined) throw new UnknownWorkspaceError(workspace);
      return entry.client;
    },
    policyOf: (workspace) => (byName.get(workspace) ?? first).policy,
  };
}
