/**
 * The Slack emulator's model: what it was configured with and what it recorded. Records are immutable snapshots:
 * an edit or a close produces a new record, so events keep the state as it was when they happened.
 */

/** A Block Kit block as the app sent it (the emulator validates but never reshapes it). */
export interface SlackBlock {
  readonly type: string;
  readonly block_id?: string;
  readonly [key: string]: unknown;
}

export interface WorkspaceTeam {
  readonly id: string;
  readonly domain: string;
  readonly name: string;
}

export interface WorkspaceUser {
  readonly id: string;
  readonly name: string;
  readonly realName?: string;
  readonly displayName?: string;
  readonly isBot?: boolean;
  /** IANA zone; defaults to `Etc/UTC`. */
  readonly tz?: string;
}

export interface WorkspaceChannel {
  readonly id: string;
  readonly name: string;
  /** Member user ids; include the bot user id to make the bot a member. */
  readonly members: readonly string[];
  readonly isPrivate?: boolean;
}

export interface WorkspaceUsergroup {
  readonly id: string;
  readonly handle: string;
  readonly users: readonly string[];
  readonly name?: string;
}

export interface WorkspaceBot {
  readonly userId: string;
  readonly botId: string;
  readonly name: string;
}

/** A workspace description: the part of {@link SlackEmulatorOptions} that is data. */
export interface SlackWorkspace {
  readonly team?: WorkspaceTeam;
  readonly users: readonly WorkspaceUser[];
  readonly channels: readonly WorkspaceChannel[];
  readonly usergroups?: readonly WorkspaceUsergroup[];
  readonly bot?: WorkspaceBot;
}

export interface SlackEmulatorOptions extends SlackWorkspace {
  /** 0 or absent: any free port. Binds 127.0.0.1 only. */
  readonly port?: number;
  readonly signingSecret: string;
  /** The `xoxb-` token the app must present on Web API calls. */
  readonly botToken: string;
  /** The `xapp-` token accepted by `apps.connections.open` (Socket Mode). */
  readonly appToken?: string;
  /**
   * The bot token's scopes, for the methods whose scope the emulator checks (the `*:history` reads,
   * `usergroups.users.list`); absent: every
   * scope ptbot's manifest asks for, so those calls succeed. A missing one is Slack's `missing_scope`.
   */
  readonly scopes?: readonly string[];
  /**
   * `chat.postMessage`'s per-channel limit (see `post-rate-limit.ts`): default Slack's 1 a second with a burst of 10;
   * `"off"` for none (a bench that measures ptbot rather than Slack's limit says so).
   */
  readonly postRateLimit?: PostRateLimit | "off";
  /** A workspace on Slack's free plan: it has no user groups (`usergroups.*` answer `plan_upgrade_required`). */
  readonly freePlan?: boolean;
  readonly appId?: string;
  /**
   * The emulator's clock, in epoch milliseconds: message `ts`, trigger expiry (3 s), response_url expiry (30 min).
   * Request signatures use the driver's own clock (see {@link DriverOptions}) because the app checks them against
   * its real time.
   */
  readonly now?: () => number;
  /** How often the WebSocket server pings Socket Mode clients (they drop the link after 30 s of silence). */
  readonly socketPingIntervalMs?: number;
  /**
   * Socket Mode with several connections open: each envelope goes to one of them, chosen at random as Slack does,
   * from this seed (default 1) so that a run replays.
   */
  readonly socketSpreadSeed?: number;
}

/** Message metadata: an app's own `event_type` and a free-form `event_payload` (see `web-api/message-metadata.ts`). */
export interface MessageMetadata {
  readonly event_type: string;
  readonly event_payload: Readonly<Record<string, unknown>>;
}

/** A channel message (top level or thread reply) in its current version. */
export interface StoredMessage {
  readonly channel: string;
  readonly ts: string;
  /** Set on thread replies only (a parent's own `ts` is its thread's id). */
  readonly threadTs: string | undefined;
  /** The author: a human user id, or the bot's user id. */
  readonly user: string;
  /** Set when the bot posted it. */
  readonly botId: string | undefined;
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  /** The message's `metadata` as the app posted it (Slack returns it only to `include_all_metadata` reads). */
  readonly metadata?: MessageMetadata | undefined;
  /** Earlier versions, oldest first (each `chat.update` or `replace_original` pushes one). */
  readonly edits: readonly MessageVersion[];
  readonly deleted: boolean;
}

export interface MessageVersion {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  /** When this version was replaced, as a Slack ts. */
  readonly replacedAt: string;
}

/** A message only `user` can see. */
export interface StoredEphemeral {
  readonly messageTs: string;
  readonly channel: string;
  readonly user: string;
  readonly threadTs: string | undefined;
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  /** `slack`: Slack's own words, such as the `operation_timeout` error after a late ack. */
  readonly source: "chat.postEphemeral" | "response_url" | "command_ack" | "slack";
  readonly replaced: boolean;
  readonly deleted: boolean;
}

/** One POST to a response_url the emulator issued. */
export interface ResponsePost {
  readonly responseUrlId: string;
  readonly url: string;
  /** What issued the URL: a slash command or an interaction on a message. */
  readonly origin: ResponseUrlOrigin;
  /** 1 for the first post to this URL, up to 5. */
  readonly use: number;
  readonly body: ResponseBody;
  readonly at: number;
}

export interface ResponseUrlOrigin {
  readonly kind: "command" | "block_actions" | "view_submission";
  readonly channel: string;
  readonly user: string;
  /** The message the interaction happened on, for `replace_original`/`delete_original`. */
  readonly messageTs?: string;
  readonly isEphemeral?: boolean;
}

export interface ResponseBody {
  readonly response_type?: "ephemeral" | "in_channel";
  readonly replace_original?: boolean;
  readonly delete_original?: boolean;
  readonly text?: string;
  readonly blocks?: readonly SlackBlock[];
  readonly thread_ts?: string;
  readonly [key: string]: unknown;
}

/** A modal as Slack holds it: `view` is the wire object `views.open` returned (id, hash, state, ...). */
export interface StoredView {
  readonly id: string;
  readonly user: string;
  readonly open: boolean;
  readonly view: WireView;
  /** The field errors of the last `response_action: "errors"` answer, by block_id. */
  readonly errors: Readonly<Record<string, string>> | undefined;
}

export interface WireView {
  readonly id: string;
  readonly type: string;
  readonly hash: string;
  readonly callback_id: string;
  readonly private_metadata: string;
  readonly blocks: readonly SlackBlock[];
  readonly state: { readonly values: Readonly<Record<string, Readonly<Record<string, unknown>>>> };
  readonly root_view_id: string;
  readonly previous_view_id: string | null;
  readonly [key: string]: unknown;
}

/** A user's App Home tab as the last `views.publish` left it. */
export interface StoredHome {
  readonly user: string;
  readonly publishedAt: number;
  readonly view: WireView;
}

/** One Web API call as the emulator received it (token removed). */
export interface ApiCall {
  readonly method: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly tokenKind: "bot" | "app" | "invalid" | "none";
  readonly at: number;
  readonly status: number;
  readonly response: Readonly<Record<string, unknown>>;
}

/** A non-fatal finding the real Slack would warn about (e.g. blocks without a `text` fallback). */
import type { PostRateLimit } from "./post-rate-limit.js";

export interface EmulatorWarning {
  /** `late_ack`: the app answered after Slack's 3 s; Slack dropped the answer and showed the user its own error. */
  readonly kind: "missing_text_fallback" | "unknown_thread" | "late_ack" | "other";
  readonly method: string;
  readonly channel: string | undefined;
  readonly message: string;
}

/** What the emulator recorded, in order; `waitFor` and `subscribe` see these. */
export type SlackEmulatorEvent =
  | { readonly type: "message_posted"; readonly seq: number; readonly message: StoredMessage }
  | { readonly type: "message_updated"; readonly seq: number; readonly message: StoredMessage }
  | { readonly type: "message_deleted"; readonly seq: number; readonly message: StoredMessage }
  | { readonly type: "ephemeral_posted"; readonly seq: number; readonly ephemeral: StoredEphemeral }
  | { readonly type: "ephemeral_updated"; readonly seq: number; readonly ephemeral: StoredEphemeral }
  | { readonly type: "response_posted"; readonly seq: number; readonly response: ResponsePost }
  | { readonly type: "view_opened"; readonly seq: number; readonly view: StoredView }
  | { readonly type: "view_updated"; readonly seq: number; readonly view: StoredView }
  | { readonly type: "view_closed"; readonly seq: number; readonly view: StoredView }
  | { readonly type: "home_published"; readonly seq: number; readonly home: StoredHome }
  | { readonly type: "api_call"; readonly seq: number; readonly call: ApiCall }
  | { readonly type: "delivered"; readonly seq: number; readonly delivery: DeliveryRecord };

/** Distributes `Omit` over the event union (plain `Omit` would collapse it). */
export type EventInput = SlackEmulatorEvent extends infer E
  ? E extends unknown
    ? Omit<E, "seq">
    : never
  : never;

/** A request the driver sent into the app, and how the app answered. */
export interface DeliveryRecord {
  readonly kind: "slash_command" | "block_actions" | "view_submission" | "view_closed" | "event" | "raw";
  readonly user: string | undefined;
  readonly channel: string | undefined;
  readonly status: number;
  readonly body: unknown;
  readonly ackMs: number;
  /** Over Socket Mode: the connection that received it (see `SlackEmulator.socketConnectionIds`). */
  readonly connectionId?: string;
}
