/**
 * Which workspace a command is for (issue 14): the one it names with `--in`, else the channel's default, else the
 * only workspace the channel may use; a workspace the channel may not use is refused with the list it may use.
 */

/** A channel's rules: its default workspace and the workspaces it may use (undefined: every workspace). */
export interface ChannelRule {
  readonly defaultWorkspace: string | undefined;
  readonly workspaces: readonly string[] | undefined;
}

export interface ChannelRules {
  /** Rules of named channels, by channel id. */
  readonly channels: Readonly<Record<string, ChannelRule>>;
  /** Rules of every other channel (the file's `"*"` entry); undefined: they may use every workspace. */
  readonly otherChannels: ChannelRule | undefined;
}

/** No rules: every channel may use every workspace. */
export const OPEN_CHANNEL_RULES: ChannelRules = { channels: {}, otherChannels: undefined };

/** The workspaces `channelId` may use, in the order `all` lists them. */
export function workspacesFor(channelId: string, all: readonly string[], rules: ChannelRules): string[] {
  const rule = rules.channels[channelId] ?? rules.otherChannels;
  const allowed = rule?.workspaces;
  return allowed === undefined ? [...all] : all.filter((name) => allowed.includes(name));
}

export type WorkspaceChoice =
  | { readonly ok: true; readonly workspace: string }
  | { readonly ok: false; readonly code: "unknown_workspace"; readonly known: readonly string[] }
  | { readonly ok: false; readonly code: "workspace_not_allowed"; readonly allowed: readonly string[] }
  | { readonly ok: false; readonly code: "workspace_required"; readonly allowed: readonly string[] };

/** The workspace for a command in `channelId` that named `requested` (`--in`), or why there is none. */
export function chooseWorkspace(
  channelId: string,
  requested: string | undefined,
  all: readonly string[],
  rules: ChannelRules,
): WorkspaceChoice {
  const allowed = workspacesFor(channelId, all, rules);
  if (requested !== undefined) {
    if (!all.includes(requested)) return { ok: false, code: "unknown_workspace", known: all };
    return allowed.includes(requested)
      ? { ok: true, workspace: requested }
      : { ok: false, code: "workspace_not_allowed", allowed };
  }
  const fallback = (rules.channels[channelId] ?? rules.otherChannels)?.defaultWorkspace;
  if (fallback !== undefined && allowed.includes(fallback)) return { ok: true, workspace: fallback };
  if (allowed.length === 1 && allowed[0] !== undefined) return { ok: true, workspace: allowed[0] };
  return allowed.length === 0
    ? { ok: false, code: "workspace_not_allowed", allowed }
    : { ok: false, code: "workspace_required", allowed };
}
