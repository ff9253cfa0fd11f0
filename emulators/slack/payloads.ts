import type { DirectoryChannel } from "./directory.js";
import type { EmulatorState } from "./emulator-state.js";
import { tsAt } from "./slack-ts.js";
import type { SlackBlock, WireView, WorkspaceUser } from "./types.js";

/**
 * The bodies Slack sends to an app, field for field. Slash commands are flat string fields (a form over HTTP, the
 * same object as a Socket Mode payload); interactions are JSON objects (`payload=<JSON>` over HTTP).
 */

export function channelName(channel: DirectoryChannel): string {
  if (channel.isIm) return "directmessage";
  if (channel.isMpim === true) return channel.name;
  return channel.isPrivate ? "privategroup" : channel.name;
}

export function slashCommandFields(
  state: EmulatorState,
  input: {
    user: WorkspaceUser;
    channel: DirectoryChannel;
    command: string;
    text: string;
    triggerId: string;
    responseUrl: string;
  },
): Record<string, string> {
  return {
    token: state.verificationToken,
    team_id: state.context.team.id,
    team_domain: state.context.team.domain,
    channel_id: input.channel.id,
    channel_name: channelName(input.channel),
    user_id: input.user.id,
    user_name: input.user.name,
    command: input.command,
    text: input.text,
    api_app_id: state.context.appId,
    is_enterprise_install: "false",
    response_url: input.responseUrl,
    trigger_id: input.triggerId,
  };
}

function userRef(state: EmulatorState, user: WorkspaceUser): Record<string, unknown> {
  return { id: user.id, username: user.name, name: user.name, team_id: state.context.team.id };
}

function envelopeCommon(state: EmulatorState, user: WorkspaceUser): Record<string, unknown> {
  return {
    user: userRef(state, user),
    api_app_id: state.context.appId,
    token: state.verificationToken,
  };
}

export interface ButtonClick {
  readonly user: WorkspaceUser;
  readonly channel: DirectoryChannel;
  readonly messageTs: string;
  readonly threadTs: string | undefined;
  readonly isEphemeral: boolean;
  /** The stored message as Slack would send it; absent for ephemeral messages, as in Slack. */
  readonly message: Record<string, unknown> | undefined;
  readonly blockId: string;
  readonly button: Readonly<Record<string, unknown>>;
  readonly triggerId: string;
  readonly responseUrl: string;
}

export function blockActionsPayload(state: EmulatorState, click: ButtonClick): Record<string, unknown> {
  const { button } = click;
  return {
    type: "block_actions",
    ...envelopeCommon(state, click.user),
    container: {
      type: "message",
      message_ts: click.messageTs,
      channel_id: click.channel.id,
      is_ephemeral: click.isEphemeral,
      ...(click.threadTs === undefined ? {} : { thread_ts: click.threadTs }),
    },
    trigger_id: click.triggerId,
    team: { id: state.context.team.id, domain: state.context.team.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: click.channel.id, name: channelName(click.channel) },
    ...(click.message === undefined ? {} : { message: click.message }),
    state: { values: {} },
    response_url: click.responseUrl,
    actions: [
      {
        action_id: button.action_id,
        block_id: click.blockId,
        text: button.text,
        ...(button.value === undefined ? {} : { value: button.value }),
        ...(button.style === undefined ? {} : { style: button.style }),
        type: "button",
        action_ts: tsAt(state.now()),
      },
    ],
  };
}

export function viewSubmissionPayload(
  state: EmulatorState,
  input: { user: WorkspaceUser; view: WireView; triggerId: string },
): Record<string, unknown> {
  return {
    type: "view_submission",
    team: { id: state.context.team.id, domain: state.context.team.domain },
    ...envelopeCommon(state, input.user),
    trigger_id: input.triggerId,
    view: input.view,
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function viewClosedPayload(
  state: EmulatorState,
  input: { user: WorkspaceUser; view: WireView },
): Record<string, unknown> {
  return {
    type: "view_closed",
    team: { id: state.context.team.id, domain: state.context.team.domain },
    ...envelopeCommon(state, input.user),
    view: input.view,
    is_cleared: false,
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** Buttons in a message's blocks (`actions` elements and section accessories), with their block ids. */
export function findButtons(
  blocks: readonly SlackBlock[],
): { blockId: string; button: Readonly<Record<string, unknown>> }[] {
  const found: { blockId: string; button: Readonly<Record<string, unknown>> }[] = [];
  for (const block of blocks) {
    const blockId = block.block_id ?? "";
    const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
    for (const element of candidates) {
      if (
        typeof element === "object" &&
        element !== null &&
        (element as { type?: unknown }).type === "button"
      ) {
        found.push({ blockId, button: element as Record<string, unknown> });
      }
    }
  }
  return found;
}

/**
 * The Events API body Slack sends when `user` opens the app's Home tab: an `event_callback` wrapping
 * `app_home_opened` (with the tab's current view, when one was published), as delivered over HTTP or Socket Mode.
 */
export function appHomeOpenedPayload(
  state: EmulatorState,
  input: {
    user: WorkspaceUser;
    channel: string;
    view: Readonly<Record<string, unknown>> | undefined;
    eventId: string;
  },
): Record<string, unknown> {
  const seconds = state.now() / 1000;
  return {
    token: state.verificationToken,
    team_id: state.context.team.id,
    api_app_id: state.context.appId,
    event: {
      type: "app_home_opened",
      user: input.user.id,
      channel: input.channel,
      tab: "home",
      event_ts: seconds.toFixed(6),
      ...(input.view === undefined ? {} : { view: input.view }),
    },
    type: "event_callback",
    event_id: input.eventId,
    event_time: Math.floor(seconds),
    authorizations: [
      {
        enterprise_id: null,
        team_id: state.context.team.id,
        user_id: state.context.bot.userId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}
