import { formatProblems, validateModalView } from "./block-kit-validation.js";
import type { DirectoryChannel } from "./directory.js";
import type { Delivery, DriverTransport, Outgoing, SendOptions } from "./driver-transport.js";
import type { EmulatorState } from "./emulator-state.js";
import { SlackEmulatorError } from "./errors.js";
import {
  appHomeOpenedPayload,
  blockActionsPayload,
  findButtons,
  slashCommandFields,
  viewClosedPayload,
  viewSubmissionPayload,
} from "./payloads.js";
import { applyResponseBody, responseBodyProblems } from "./response-effects.js";
import type { DeliveryRecord, ResponseBody, SlackBlock, StoredView, WorkspaceUser } from "./types.js";
import { buildViewState, type InputValue } from "./view-state.js";
import { wireStored } from "./web-api/chat-methods.js";

export interface SlashCommandInput {
  readonly user: string;
  readonly channel: string;
  readonly text: string;
  /** Default `/pt`. */
  readonly command?: string;
}

export interface ClickButtonInput {
  readonly user: string;
  readonly channel: string;
  /** The message (or ephemeral message) holding the button. */
  readonly messageTs: string;
  readonly actionId: string;
  /** Needed only when several blocks hold a button with the same action_id. */
  readonly blockId?: string;
  /**
   * Click the message as it was in an earlier version (0 = as first posted, 1 = after its first edit, …): a client
   * that has not re-rendered yet, or a confirm dialog left open across an edit, still sends that version's button.
   */
  readonly version?: number;
}

export interface SubmitViewInput {
  readonly user: string;
  readonly viewId: string;
  /** Input values keyed by action_id; unmentioned inputs keep their initial values. */
  readonly values?: Readonly<Record<string, InputValue>>;
}

export interface OpenHomeInput {
  readonly user: string;
}

export interface OpenHomeResult extends Delivery {
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface CloseViewInput {
  readonly user: string;
  readonly viewId: string;
}

export interface SlashCommandResult extends Delivery {
  readonly triggerId: string;
  readonly responseUrl: string;
  readonly payload: Readonly<Record<string, string>>;
}

export interface InteractionResult extends Delivery {
  readonly triggerId: string | undefined;
  readonly responseUrl: string | undefined;
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface ViewSubmissionResult extends InteractionResult {
  /** The view after the answer was applied (closed, updated, or open with `errors`). */
  readonly view: StoredView | undefined;
}

/** Fields for a request sent as is (HTTP transport only). */
export interface RawRequest {
  readonly body: string;
  readonly contentType?: string;
}

/**
 * Plays the Slack user: sends the requests Slack would send when someone runs a slash command, clicks a button,
 * submits or closes a modal, over one transport (signed HTTP or Socket Mode), and applies the app's answer to the
 * emulator's model the way Slack would (an ack's message, a view submission's `response_action`).
 */
export class SlackDriver {
  constructor(
    private readonly state: EmulatorState,
    private readonly transport: DriverTransport,
  ) {}

  get transportKind(): "http" | "socket" {
    return this.transport.kind;
  }

  #user(id: string): WorkspaceUser {
    const user = this.state.directory.user(id);
    if (user === undefined) throw new SlackEmulatorError("unknown_user", `no user ${id} in the workspace`);
    return user;
  }

  #channel(id: string): DirectoryChannel {
    const channel = this.state.directory.channel(id) ?? this.state.directory.dmWith(id);
    if (channel === undefined)
      throw new SlackEmulatorError("unknown_channel", `no channel ${id} in the workspace`);
    return channel;
  }

  async #send(
    kind: DeliveryRecord["kind"],
    who: { user: string | undefined; channel: string | undefined },
    outgoing: Outgoing,
    options: SendOptions,
  ): Promise<Delivery> {
    const delivery = await this.transport.deliver(outgoing, options);
    if (delivery.late) {
      // Slack stops waiting at 3 s: whatever the app answers later is dropped, and the user sees Slack's error.
      this.state.warn({
        kind: "late_ack",
        method: kind,
        channel: who.channel,
        message: `the app answered after ${Math.round(delivery.ackMs)} ms (Slack waits 3000 ms); the answer was dropped`,
      });
    }
    this.state.log.record({
      type: "delivered",
      delivery: {
        kind,
        ...who,
        status: delivery.status,
        body: delivery.body,
        ackMs: delivery.ackMs,
        ...(delivery.connectionId === undefined ? {} : { connectionId: delivery.connectionId }),
      },
    });
    return delivery;
  }

  async slashCommand(input: SlashCommandInput, options: SendOptions = {}): Promise<SlashCommandResult> {
    const user = this.#user(input.user);
    const channel = this.#channel(input.channel);
    const triggerId = this.state.views.issueTrigger(user.id);
    const origin = { kind: "command", channel: channel.id, user: user.id } as const;
    const responseUrl = this.state.responseUrls.issue(origin);
    const fields = slashCommandFields(this.state, {
      user,
      channel,
      command: input.command ?? "/pt",
      text: input.text,
      triggerId,
      responseUrl,
    });
    const delivery = await this.#send(
      "slash_command",
      { user: user.id, channel: channel.id },
      {
        envelopeType: "slash_commands",
        payload: fields,
        formBody: new URLSearchParams(fields).toString(),
        acceptsResponsePayload: true,
      },
      options,
    );
    if (delivery.late) this.#operationTimeout(origin, input.command ?? "/pt");
    else if (delivery.status === 200) this.#applyCommandAck(origin, delivery.body);
    return { ...delivery, triggerId, responseUrl, payload: fields };
  }

  /** What Slack shows the user, privately, when a slash command was not acknowledged within 3 s. */
  #operationTimeout(origin: { channel: string; user: string }, command: string): void {
    this.state.messages.postEphemeral({
      channel: origin.channel,
      user: origin.user,
      text: `${command} failed with the error "operation_timeout"`,
      blocks: [],
      threadTs: undefined,
      source: "slack",
    });
  }

  /** A command's ack may carry a message (`ack("text")` or `ack({ text, blocks, response_type })`). */
  #applyCommandAck(origin: { kind: "command"; channel: string; user: string }, body: unknown): void {
    const response: ResponseBody | undefined =
      typeof body === "string"
        ? { text: body }
        : typeof body === "object" && body !== null
          ? (body as ResponseBody)
          : undefined;
    if (response === undefined || (response.text === undefined && response.blocks === undefined)) return;
    const problems = responseBodyProblems(response);
    if (problems.length > 0) {
      this.state.warn({
        kind: "other",
        method: "command_ack",
        channel: origin.channel,
        message: problems.join("; "),
      });
      return;
    }
    applyResponseBody(this.state, origin, response, "command_ack");
  }

  async clickButton(input: ClickButtonInput, options: SendOptions = {}): Promise<InteractionResult> {
    const user = this.#user(input.user);
    const channel = this.#channel(input.channel);
    const stored = this.state.messages.get(channel.id, input.messageTs);
    const ephemeral = stored === undefined ? this.state.messages.ephemeral(input.messageTs) : undefined;
    const target =
      stored !== undefined && !stored.deleted
        ? stored
        : ephemeral !== undefined &&
            !ephemeral.deleted &&
            ephemeral.user === user.id &&
            ephemeral.channel === channel.id
          ? ephemeral
          : undefined;
    if (target === undefined) {
      throw new SlackEmulatorError(
        "message_not_found",
        `no message ${input.messageTs} in ${channel.id} for ${user.id}`,
      );
    }
    const shown = input.version === undefined ? target.blocks : shownBlocks(target, input.version);
    const buttons = findButtons(shown as readonly SlackBlock[]);
    const hit = buttons.find(
      (b) =>
        b.button.action_id === input.actionId && (input.blockId === undefined || b.blockId === input.blockId),
    );
    if (hit === undefined) {
      const present = buttons.map((b) => String(b.button.action_id)).join(", ") || "none";
      throw new SlackEmulatorError(
        "button_not_found",
        `message ${input.messageTs} in ${channel.id} has no button "${input.actionId}" (buttons: ${present})`,
      );
    }
    const isEphemeral = target !== stored;
    const triggerId = this.state.views.issueTrigger(user.id);
    const responseUrl = this.state.responseUrls.issue({
      kind: "block_actions",
      channel: channel.id,
      user: user.id,
      messageTs: input.messageTs,
      isEphemeral,
    });
    const payload = blockActionsPayload(this.state, {
      user,
      channel,
      messageTs: input.messageTs,
      threadTs: target.threadTs,
      isEphemeral,
      message: stored === undefined || isEphemeral ? undefined : wireStored(this.state, stored),
      blockId: hit.blockId,
      button: hit.button,
      triggerId,
      responseUrl,
    });
    const delivery = await this.#sendInteraction(
      "block_actions",
      user.id,
      channel.id,
      payload,
      false,
      options,
    );
    return { ...delivery, triggerId, responseUrl, payload };
  }

  #sendInteraction(
    kind: DeliveryRecord["kind"],
    user: string,
    channel: string | undefined,
    payload: Record<string, unknown>,
    acceptsResponsePayload: boolean,
    options: SendOptions,
  ): Promise<Delivery> {
    return this.#send(
      kind,
      { user, channel },
      {
        envelopeType: "interactive",
        payload,
        formBody: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
        acceptsResponsePayload,
      },
      options,
    );
  }

  #openView(user: string, viewId: string): StoredView {
    const view = this.state.views.get(viewId);
    if (view === undefined || !view.open || view.user !== user) {
      throw new SlackEmulatorError("view_not_found", `no open view ${viewId} for ${user}`);
    }
    return view;
  }

  async submitView(input: SubmitViewInput, options: SendOptions = {}): Promise<ViewSubmissionResult> {
    const user = this.#user(input.user);
    const current = this.#openView(user.id, input.viewId);
    const values = buildViewState(current.view, input.values ?? {});
    const submitted = this.state.views.setState(current.id, values) ?? current;
    const triggerId = this.state.views.issueTrigger(user.id);
    const payload = viewSubmissionPayload(this.state, { user, view: submitted.view, triggerId });
    const delivery = await this.#sendInteraction(
      "view_submission",
      user.id,
      undefined,
      payload,
      true,
      options,
    );
    // A late answer is dropped: the modal stays open (Slack shows "We had some trouble connecting").
    if (delivery.status === 200 && !delivery.late) this.#applyViewAnswer(submitted, delivery.body);
    return {
      ...delivery,
      triggerId,
      responseUrl: undefined,
      payload,
      view: this.state.views.get(current.id),
    };
  }

  /**
   * Slack's reading of a view_submission ack: empty closes the view; `errors` shows field errors (keys must be
   * block_ids of input blocks, or Slack shows a generic failure); `update` replaces it; `push` stacks one;
   * `clear` closes all of the user's views.
   */
  #applyViewAnswer(view: StoredView, body: unknown): void {
    const answer = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const warn = (message: string) =>
      this.state.warn({ kind: "other", method: "view_submission", channel: undefined, message });
    switch (answer.response_action) {
      case undefined:
        this.state.views.close(view.id);
        return;
      case "errors": {
        const errors = (answer.errors ?? {}) as Record<string, string>;
        const inputs = new Set(view.view.blocks.filter((b) => b.type === "input").map((b) => b.block_id));
        const stray = Object.keys(errors).filter((k) => !inputs.has(k));
        if (stray.length > 0)
          warn(`errors name blocks that are not inputs of ${view.id}: ${stray.join(", ")}`);
        this.state.views.setErrors(view.id, errors);
        return;
      }
      case "update":
      case "push": {
        const problems = formatProblems(validateModalView(answer.view));
        if (problems.length > 0) {
          warn(`response_action ${answer.response_action} with an invalid view: ${problems.join("; ")}`);
          return;
        }
        const next = answer.view as Record<string, unknown>;
        if (answer.response_action === "update") this.state.views.update(view.id, next);
        else this.state.views.push(view.user, next);
        return;
      }
      case "clear":
        this.state.views.clear(view.user);
        return;
      default:
        warn(`unknown response_action ${String(answer.response_action)}`);
    }
  }

  /** Closes a modal as the user would; the app hears of it (view_closed) only if the view asked (`notify_on_close`). */
  async closeView(input: CloseViewInput, options: SendOptions = {}): Promise<InteractionResult | undefined> {
    const user = this.#user(input.user);
    const view = this.#openView(user.id, input.viewId);
    this.state.views.close(view.id);
    if (view.view.notify_on_close !== true) return undefined;
    const payload = viewClosedPayload(this.state, { user, view: view.view });
    const delivery = await this.#sendInteraction("view_closed", user.id, undefined, payload, false, options);
    return { ...delivery, triggerId: undefined, responseUrl: undefined, payload };
  }

  /** Sends a body exactly as given (signed unless `options` say otherwise); HTTP transport only. */
  /**
   * The user opens the app's Home tab: Slack sends the `app_home_opened` event (Events API: a signed JSON POST, or a
   * Socket Mode `events_api` envelope). The app answers by publishing the tab (`views.publish`), not in the ack.
   */
  async openHome(input: OpenHomeInput, options: SendOptions = {}): Promise<OpenHomeResult> {
    const user = this.#user(input.user);
    const channel = this.state.directory.dmWith(user.id)?.id ?? `D${user.id.slice(1)}`;
    this.#eventCounter += 1;
    const payload = appHomeOpenedPayload(this.state, {
      user,
      channel,
      view: this.state.homes.get(user.id)?.view,
      eventId: `Ev${this.#eventCounter.toString(36).toUpperCase().padStart(9, "0")}`,
    });
    const delivery = await this.#send(
      "event",
      { user: user.id, channel },
      {
        envelopeType: "events_api",
        payload,
        formBody: JSON.stringify(payload),
        contentType: "application/json",
        acceptsResponsePayload: false,
      },
      options,
    );
    return { ...delivery, payload };
  }

  #eventCounter = 0;

  async sendRaw(request: RawRequest, options: SendOptions = {}): Promise<Delivery> {
    if (this.transport.kind !== "http") {
      throw new SlackEmulatorError("unsupported_option", "raw requests need the http transport");
    }
    return this.#send(
      "raw",
      { user: undefined, channel: undefined },
      { envelopeType: "interactive", payload: {}, formBody: request.body, acceptsResponsePayload: false },
      request.contentType === undefined ? options : { ...options, contentType: request.contentType },
    );
  }
}

/** A message's blocks as they were in `version` (its edits keep every earlier version, oldest first). */
function shownBlocks(
  message: {
    readonly blocks: readonly unknown[];
    readonly edits?: readonly { readonly blocks: readonly unknown[] }[];
  },
  version: number,
): readonly unknown[] {
  const edits = message.edits ?? [];
  if (version === edits.length) return message.blocks;
  const earlier = edits[version];
  if (earlier === undefined) {
    throw new SlackEmulatorError(
      "message_not_found",
      `the message has no version ${version} (it has ${edits.length + 1})`,
    );
  }
  return earlier.blocks;
}
