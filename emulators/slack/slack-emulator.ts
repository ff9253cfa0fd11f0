import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SlackDriver } from "./driver.js";
import { httpTransport, socketTransport } from "./driver-transport.js";
import { EmulatorState } from "./emulator-state.js";
import { SlackEmulatorError } from "./errors.js";
import type { EventListener, WaitForOptions } from "./event-log.js";
import { routeRequest } from "./http-routes.js";
import type { MessageQuery } from "./message-store.js";
import { SocketModeHub, seededChoice } from "./socket-mode-hub.js";
import type {
  ApiCall,
  EmulatorWarning,
  ResponsePost,
  SlackEmulatorEvent,
  SlackEmulatorOptions,
  StoredEphemeral,
  StoredHome,
  StoredMessage,
  StoredView,
  WorkspaceBot,
  WorkspaceTeam,
  WorkspaceUser,
} from "./types.js";

/** Where the driver sends what Slack would send. */
export type DriverTarget =
  | {
      /** The app's request URL, e.g. `http://127.0.0.1:PORT/slack/events`. */
      readonly appUrl: string;
      /** Defaults to the emulator's signing secret. */
      readonly signingSecret?: string;
      /** The signer's clock (epoch ms), default `Date.now`: the app checks timestamps against real time. */
      readonly signingClock?: () => number;
      /** Give up waiting for the app's answer after this long (default 10 s; `late` flags > 3 s). */
      readonly ackTimeoutMs?: number;
    }
  | {
      readonly socket: true;
      readonly ackTimeoutMs?: number;
      /** How long to wait for an app to be connected (default 5 s). */
      readonly connectTimeoutMs?: number;
    };

/**
 * A loopback Slack: the Web API at {@link apiUrl}, response_urls, Socket Mode, and a model of the workspace
 * (messages, ephemerals, views) that tests and the sandbox query. Create with {@link startSlackEmulator}.
 */
export class SlackEmulator {
  readonly #state: EmulatorState;
  readonly #server: Server;
  readonly #hub: SocketModeHub;

  private constructor(state: EmulatorState, server: Server, hub: SocketModeHub) {
    this.#state = state;
    this.#server = server;
    this.#hub = hub;
  }

  /** @internal use {@link startSlackEmulator}. */
  static async start(options: SlackEmulatorOptions): Promise<SlackEmulator> {
    const state = new EmulatorState(options);
    const hub = new SocketModeHub({
      appId: state.context.appId,
      pingIntervalMs: options.socketPingIntervalMs ?? 10_000,
      baseUrl: () => state.baseUrl,
      choose: seededChoice(options.socketSpreadSeed ?? 1),
    });
    state.openSocketUrl = () => hub.issueUrl();
    const server = createServer((req, res) => void routeRequest(state, req, res));
    server.on("upgrade", (req, socket, head) => hub.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new SlackEmulator(state, server, hub);
  }

  /** `http://127.0.0.1:PORT` (no trailing slash). */
  get url(): string {
    return this.#state.baseUrl;
  }

  /** The Web API base for `clientOptions.slackApiUrl`: `${url}/api/`. */
  get apiUrl(): string {
    return `${this.#state.baseUrl}/api/`;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get team(): WorkspaceTeam {
    return this.#state.context.team;
  }

  get bot(): WorkspaceBot {
    return this.#state.context.bot;
  }

  get appId(): string {
    return this.#state.context.appId;
  }

  /** A driver that sends Slack's requests to one app, over signed HTTP or over Socket Mode. */
  driver(target: DriverTarget): SlackDriver {
    const ackTimeoutMs = target.ackTimeoutMs ?? 10_000;
    if ("socket" in target) {
      return new SlackDriver(
        this.#state,
        socketTransport({ hub: this.#hub, ackTimeoutMs, connectTimeoutMs: target.connectTimeoutMs ?? 5000 }),
      );
    }
    return new SlackDriver(
      this.#state,
      httpTransport({
        appUrl: target.appUrl,
        signingSecret: target.signingSecret ?? this.#state.signingSecret,
        clock: target.signingClock ?? Date.now,
        ackTimeoutMs,
      }),
    );
  }

  // Queries ------------------------------------------------------------------------------------------------

  /** A channel's messages, oldest first: top-level and not deleted unless `query` says otherwise. */
  channelMessages(channel: string, query?: MessageQuery): readonly StoredMessage[] {
    return this.#state.messages.channelMessages(channel, query);
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.#state.messages.get(channel, ts);
  }

  /** A thread: its parent then its replies, oldest first. */
  thread(channel: string, ts: string): readonly StoredMessage[] {
    return this.#state.messages.thread(channel, ts);
  }

  ephemerals(filter?: { user?: string; channel?: string }): readonly StoredEphemeral[] {
    return this.#state.messages.ephemerals(filter);
  }

  /** Posts to response_urls, in order. */
  responses(): readonly ResponsePost[] {
    return this.#state.responseUrls.posts();
  }

  /** `user`'s App Home tab as the app last published it (`views.publish`), or undefined. */
  home(user: string): StoredHome | undefined {
    return this.#state.homes.get(user);
  }

  /** Open views (modals), oldest first; one user's when `user` is given. */
  views(user?: string): readonly StoredView[] {
    return this.#state.views.list(user);
  }

  /** A view by id, open or closed. */
  view(viewId: string): StoredView | undefined {
    return this.#state.views.get(viewId);
  }

  /** Web API calls in order (tokens removed), optionally of one method. */
  calls(method?: string): readonly ApiCall[] {
    return method === undefined
      ? [...this.#state.calls]
      : this.#state.calls.filter((c) => c.method === method);
  }

  /** Messages sent with blocks but no `text` fallback (Slack accepts them and warns). */
  get missingTextFallback(): readonly EmulatorWarning[] {
    return this.#state.warnings.filter((w) => w.kind === "missing_text_fallback");
  }

  /** Deliveries the app answered after Slack's 3 s (their answers were dropped): a test's failure. */
  get lateAcks(): readonly EmulatorWarning[] {
    return this.#state.warnings.filter((w) => w.kind === "late_ack");
  }

  /** Every non-fatal finding: missing fallbacks, replies to unknown threads, bad view answers, late answers. */
  warnings(): readonly EmulatorWarning[] {
    return [...this.#state.warnings];
  }

  user(id: string): WorkspaceUser | undefined {
    return this.#state.directory.user(id);
  }

  // Events -------------------------------------------------------------------------------------------------

  /** Everything recorded after `since` (a `seq`; default: all). */
  events(since?: number): readonly SlackEmulatorEvent[] {
    return this.#state.log.events(since);
  }

  /** The newest event's `seq`, to pass as `since`. */
  get lastSeq(): number {
    return this.#state.log.lastSeq;
  }

  subscribe(listener: EventListener): () => void {
    return this.#state.log.subscribe(listener);
  }

  /** Resolves with the first event (past, after `since`, or future) satisfying `predicate`; rejects on timeout. */
  waitFor<E extends SlackEmulatorEvent>(
    predicate: (e: SlackEmulatorEvent) => e is E,
    options?: WaitForOptions,
  ): Promise<E>;
  waitFor(
    predicate: (e: SlackEmulatorEvent) => boolean,
    options?: WaitForOptions,
  ): Promise<SlackEmulatorEvent>;
  waitFor(
    predicate: (e: SlackEmulatorEvent) => boolean,
    options?: WaitForOptions,
  ): Promise<SlackEmulatorEvent> {
    return this.#state.log.waitFor(predicate, options);
  }

  /** Resolves with a message as posted or edited, once one satisfies `predicate`. */
  async waitForMessage(
    predicate: (m: StoredMessage) => boolean,
    options?: WaitForOptions,
  ): Promise<StoredMessage> {
    const event = await this.#state.log.waitFor(
      (e) => (e.type === "message_posted" || e.type === "message_updated") && predicate(e.message),
      options,
    );
    return (event as { message: StoredMessage }).message;
  }

  // Scenarios ----------------------------------------------------------------------------------------------

  /** The next `times` calls of `method` answer HTTP 429 `ratelimited` with `Retry-After: retryAfterSeconds`. */
  rateLimit(method: string, options: { times?: number; retryAfterSeconds: number }): void {
    this.#state.addScenario(
      method,
      { kind: "ratelimit", retryAfterSeconds: options.retryAfterSeconds },
      options.times ?? 1,
    );
  }

  /** The next `times` calls of `method` answer `{ ok: false, error }` (e.g. `internal_error`). */
  failNext(method: string, options: { error: string; times?: number }): void {
    this.#state.addScenario(method, { kind: "fail", error: options.error }, options.times ?? 1);
  }

  /**
   * The next `times` calls of `method` take effect as usual (a message is stored, an edit applied), but their answer
   * is held back `ms`: what the app sees when the network stalls after Slack acted, or when it is killed meanwhile.
   */
  stallNext(method: string, options: { ms: number; times?: number }): void {
    this.#state.addScenario(method, { kind: "stall", ms: options.ms }, options.times ?? 1);
  }

  /** A trigger_id as an interaction by `user` would carry (valid for 3 s by the emulator's clock). */
  issueTriggerId(user: string): string {
    return this.#state.views.issueTrigger(user);
  }

  /** A message typed by a person (not delivered to the app: the emulator has no Events API). */
  postUserMessage(input: { user: string; channel: string; text: string; threadTs?: string }): StoredMessage {
    if (this.#state.directory.user(input.user) === undefined) {
      throw new SlackEmulatorError("unknown_user", `no user ${input.user} in the workspace`);
    }
    if (this.#state.directory.channel(input.channel) === undefined) {
      throw new SlackEmulatorError("unknown_channel", `no channel ${input.channel} in the workspace`);
    }
    return this.#state.messages.post({
      channel: input.channel,
      user: input.user,
      text: input.text,
      blocks: [],
      threadTs: input.threadTs,
    });
  }

  /** Adds or removes a member (e.g. remove the bot to provoke `not_in_channel`). */
  setChannelMember(channel: string, user: string, member: boolean): void {
    this.#state.directory.setMember(channel, user, member);
  }

  /** Archives a channel (or unarchives it): posts answer `is_archived`, edits of its messages `is_inactive`. */
  archiveChannel(channel: string, archived = true): void {
    this.#state.directory.setArchived(channel, archived);
  }

  /**
   * Opens a DM between two people, or a group DM of three or more, that the bot is not in; returns its id. `/pt`
   * can be run there (the driver takes the id as `channel`), and the bot's posts there answer `channel_not_found`.
   */
  openPeopleConversation(users: readonly string[]): string {
    return this.#state.directory.openPeopleConversation(users).id;
  }

  /** Replaces a user group's members (e.g. remove an approver from the approvers' group). */
  setUsergroupMembers(groupId: string, users: readonly string[]): void {
    this.#state.directory.setUsergroupMembers(groupId, users);
  }

  // Socket Mode --------------------------------------------------------------------------------------------

  get socketConnectionCount(): number {
    return this.#hub.connectionCount;
  }

  /** The live Socket Mode connections' ids (`c1`, `c2`, …, numbered as they connected), oldest first. */
  get socketConnectionIds(): readonly string[] {
    return this.#hub.connectionIds;
  }

  /** Sends `disconnect` to every connected app (it reconnects through `apps.connections.open`). */
  disconnectSocketClients(reason?: "refresh_requested" | "warning" | "link_disabled"): void {
    this.#hub.disconnectAll(reason);
  }

  waitForSocketConnections(count = 1, timeoutMs = 5000): Promise<void> {
    return this.#hub.waitForConnections(count, timeoutMs);
  }

  async close(): Promise<void> {
    await this.#hub.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Starts an emulator on 127.0.0.1 (`port` 0 or absent: a free port). */
export function startSlackEmulator(options: SlackEmulatorOptions): Promise<SlackEmulator> {
  return SlackEmulator.start(options);
}
