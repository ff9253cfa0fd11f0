import { ApiFailure } from "./api-args.js";
import type { MethodHandler } from "./method-handler.js";

const authTest: MethodHandler = (state) => {
  const { team, bot } = state.directory;
  return {
    url: `https://${team.domain}.slack.com/`,
    team: team.name,
    user: bot.name,
    team_id: team.id,
    user_id: bot.userId,
    bot_id: bot.botId,
    is_enterprise_install: false,
  };
};

const usersInfo: MethodHandler = (state, args) => {
  const user = state.directory.user(args.string("user"));
  if (user === undefined) throw new ApiFailure("user_not_found");
  return { user: state.directory.wireUser(user) };
};

const conversationsInfo: MethodHandler = (state, args) => {
  const channel = state.directory.channel(args.string("channel"));
  // A private channel the bot is not in is invisible to it.
  if (channel === undefined || (channel.isPrivate && !channel.members.has(state.directory.bot.userId))) {
    throw new ApiFailure("channel_not_found");
  }
  return { channel: state.directory.wireChannel(channel) };
};

const usergroupUsers: MethodHandler = (state, args) => {
  // Free workspaces have no user groups at all; the scope is checked first, as Slack does.
  if (state.scopes !== undefined && !state.scopes.has("usergroups:read")) {
    throw new ApiFailure("missing_scope", [], {
      needed: "usergroups:read",
      provided: [...state.scopes].join(","),
    });
  }
  if (state.freePlan) throw new ApiFailure("plan_upgrade_required");
  const group = state.directory.usergroup(args.string("usergroup"));
  if (group === undefined) throw new ApiFailure("no_such_subteam");
  return { users: [...group.users] };
};

const connectionsOpen: MethodHandler = (state) => {
  const url = state.openSocketUrl?.();
  if (url === undefined) throw new ApiFailure("internal_error", ["[ERROR] socket mode is not running"]);
  return { url };
};

export const directoryMethods: Readonly<Record<string, MethodHandler>> = {
  "auth.test": authTest,
  "users.info": usersInfo,
  "conversations.info": conversationsInfo,
  "usergroups.users.list": usergroupUsers,
  "apps.connections.open": connectionsOpen,
};
