import { SlackEmulatorError } from "./errors.js";
import type {
  WorkspaceBot,
  WorkspaceChannel,
  WorkspaceTeam,
  WorkspaceUser,
  WorkspaceUsergroup,
} from "./types.js";

/** A channel as the emulator holds it: members can change (a scenario can remove the bot). */
export interface DirectoryChannel {
  readonly id: string;
  readonly name: string;
  readonly members: Set<string>;
  readonly isPrivate: boolean;
  readonly isIm: boolean;
  /** A group DM (`mpim`): a private conversation of several people, named `mpdm-a--b--c-1`. */
  readonly isMpim?: boolean;
  /** Archived channels keep their history but take no posts (`is_archived`) and no edits (`is_inactive`). */
  archived: boolean;
}

/**
 * Who and where: the workspace's users (the bot is one of them), channels with their members, user groups.
 * Direct-message channels are created on first use, as Slack opens a DM when a bot posts to a user id.
 */
export class Directory {
  readonly #users = new Map<string, WorkspaceUser>();
  readonly #channels = new Map<string, DirectoryChannel>();
  readonly #usergroups = new Map<string, WorkspaceUsergroup>();

  constructor(
    readonly team: WorkspaceTeam,
    readonly bot: WorkspaceBot,
    workspace: {
      users: readonly WorkspaceUser[];
      channels: readonly WorkspaceChannel[];
      usergroups: readonly WorkspaceUsergroup[];
    },
  ) {
    this.#users.set(bot.userId, { id: bot.userId, name: bot.name, realName: bot.name, isBot: true });
    for (const user of workspace.users) this.#users.set(user.id, user);
    for (const c of workspace.channels) {
      this.#channels.set(c.id, {
        id: c.id,
        name: c.name,
        members: new Set(c.members),
        isPrivate: c.isPrivate ?? false,
        isIm: false,
        archived: false,
      });
    }
    for (const g of workspace.usergroups) this.#usergroups.set(g.id, g);
  }

  user(id: string): WorkspaceUser | undefined {
    return this.#users.get(id);
  }

  users(): readonly WorkspaceUser[] {
    return [...this.#users.values()];
  }

  usergroup(id: string): WorkspaceUsergroup | undefined {
    return this.#usergroups.get(id);
  }

  channel(id: string): DirectoryChannel | undefined {
    return this.#channels.get(id);
  }

  channels(): readonly DirectoryChannel[] {
    return [...this.#channels.values()];
  }

  isBotMember(channelId: string): boolean {
    return this.#channels.get(channelId)?.members.has(this.bot.userId) ?? false;
  }

  /** The bot's DM with a user (`D` + the user id's tail), opened on first use. */
  dmWith(userId: string): DirectoryChannel | undefined {
    if (this.#users.get(userId) === undefined) return undefined;
    const id = `D${userId.slice(1)}`;
    let dm = this.#channels.get(id);
    if (dm === undefined) {
      dm = {
        id,
        name: userId,
        members: new Set([userId, this.bot.userId]),
        isPrivate: true,
        isIm: true,
        archived: false,
      };
      this.#channels.set(id, dm);
    }
    return dm;
  }

  /**
   * Resolves what an app passed as `channel`: a channel id, or a user id (meaning the DM with that user). Private
   * channels the bot is not in do not exist as far as the bot can tell, as in Slack.
   */
  resolveChannel(idOrUser: string): DirectoryChannel | undefined {
    const channel = this.#channels.get(idOrUser) ?? this.dmWith(idOrUser);
    if (channel === undefined) return undefined;
    if (channel.isPrivate && !channel.members.has(this.bot.userId)) return undefined;
    return channel;
  }

  /**
   * A conversation between people that the bot is not part of: a DM of two users (`D…`) or a group DM of three or
   * more (`G…`, named `mpdm-…`). People can run `/pt` there; the bot cannot post there (`channel_not_found`).
   */
  openPeopleConversation(users: readonly string[]): DirectoryChannel {
    for (const u of users) {
      if (this.#users.get(u) === undefined) throw new SlackEmulatorError("unknown_user", `no user ${u}`);
    }
    const mpim = users.length > 2;
    const tail = [...users]
      .sort()
      .map((u) => u.slice(1))
      .join("")
      .slice(0, 9)
      .toUpperCase();
    const id = `${mpim ? "G" : "D"}P${tail}`;
    const existing = this.#channels.get(id);
    if (existing !== undefined) return existing;
    const names = users.map((u) => this.#users.get(u)?.name ?? u);
    const channel: DirectoryChannel = {
      id,
      name: mpim ? `mpdm-${names.join("--")}-1` : (users[0] ?? ""),
      members: new Set(users),
      isPrivate: true,
      isIm: !mpim,
      isMpim: mpim,
      archived: false,
    };
    this.#channels.set(id, channel);
    return channel;
  }

  /** Archives a channel (or brings it back), as a member of the workspace would. */
  setArchived(channelId: string, archived: boolean): void {
    const channel = this.#channels.get(channelId);
    if (channel === undefined) throw new SlackEmulatorError("unknown_channel", `no channel ${channelId}`);
    channel.archived = archived;
  }

  setMember(channelId: string, userId: string, member: boolean): void {
    const channel = this.#channels.get(channelId);
    if (channel === undefined) throw new SlackEmulatorError("unknown_channel", `no channel ${channelId}`);
    if (member) channel.members.add(userId);
    else channel.members.delete(userId);
  }

  /** Replaces a user group's members, as an admin editing the group in Slack would (`usergroups.users.update`). */
  setUsergroupMembers(groupId: string, users: readonly string[]): void {
    const group = this.#usergroups.get(groupId);
    if (group === undefined) throw new SlackEmulatorError("unknown_usergroup", `no user group ${groupId}`);
    this.#usergroups.set(groupId, { ...group, users: [...users] });
  }

  /** `users.info`'s `user` object. */
  wireUser(user: WorkspaceUser): Record<string, unknown> {
    const realName = user.realName ?? user.name;
    const displayName = user.displayName ?? user.name;
    const tz = user.tz ?? "Etc/UTC";
    const isBot = user.isBot === true;
    return {
      id: user.id,
      team_id: this.team.id,
      name: user.name,
      deleted: false,
      color: "9f69e7",
      real_name: realName,
      tz,
      tz_label: tz === "Etc/UTC" ? "Coordinated Universal Time" : tz,
      tz_offset: 0,
      profile: {
        real_name: realName,
        real_name_normalized: realName,
        display_name: displayName,
        display_name_normalized: displayName,
        team: this.team.id,
        ...(isBot && user.id === this.bot.userId ? { bot_id: this.bot.botId } : {}),
      },
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: isBot,
      is_app_user: false,
      updated: 1_700_000_000,
    };
  }

  /** `conversations.info`'s `channel` object, seen by the bot. */
  wireChannel(channel: DirectoryChannel): Record<string, unknown> {
    if (channel.isIm) {
      return {
        id: channel.id,
        created: 1_700_000_000,
        is_im: true,
        is_org_shared: false,
        user: channel.name,
        is_user_deleted: false,
      };
    }
    return {
      id: channel.id,
      name: channel.name,
      is_channel: !channel.isPrivate,
      is_group: channel.isPrivate,
      is_im: false,
      is_mpim: false,
      is_private: channel.isPrivate,
      created: 1_700_000_000,
      is_archived: channel.archived,
      is_general: false,
      unlinked: 0,
      name_normalized: channel.name,
      is_shared: false,
      is_org_shared: false,
      is_member: channel.members.has(this.bot.userId),
      creator: "",
      topic: { value: "", creator: "", last_set: 0 },
      purpose: { value: "", creator: "", last_set: 0 },
    };
  }
}
