import { Directory } from "./directory.js";
import { EventLog } from "./event-log.js";
import { HomeStore } from "./home-store.js";
import { MessageStore } from "./message-store.js";
import { ChannelPostLimiter, SLACK_POST_RATE_LIMIT } from "./post-rate-limit.js";
import { ResponseUrls } from "./response-urls.js";
import { createTsIssuer } from "./slack-ts.js";
import type { ApiCall, EmulatorWarning, SlackEmulatorOptions, WorkspaceBot, WorkspaceTeam } from "./types.js";
import { ViewStore } from "./view-store.js";
import type { WireContext } from "./wire-message.js";

export const DEFAULT_TEAM: WorkspaceTeam = {
  id: "T0PTBOT00",
  domain: "ptbot-sandbox",
  name: "ptbot sandbox",
};
export const DEFAULT_BOT: WorkspaceBot = { userId: "U0PTBOT00", botId: "B0PTBOT00", name: "ptbot" };
export const DEFAULT_APP_ID = "A0PTBOT00";

/** A scripted answer to the next call(s) of a method, ahead of the real handler. */
export type Scenario =
  | { readonly kind: "ratelimit"; readonly retryAfterSeconds: number }
  | { readonly kind: "fail"; readonly error: string }
  /** The call does its work, and its answer is held back `ms` (the network lost time after Slack acted). */
  | { readonly kind: "stall"; readonly ms: number };

/**
 * Everything the emulator knows, shared by the Web API handlers, the response_url sink, Socket Mode and the
 * driver. One per emulator instance; nothing here is global.
 */
export class EmulatorState {
  readonly log = new EventLog();
  readonly now: () => number;
  readonly nextTs: () => string;
  readonly context: WireContext;
  readonly directory: Directory;
  readonly messages: MessageStore;
  readonly views: ViewStore;
  /** Each user's App Home tab (`views.publish`). */
  readonly homes: HomeStore;
  readonly responseUrls: ResponseUrls;
  readonly signingSecret: string;
  readonly botToken: string;
  readonly appToken: string | undefined;
  /** The bot token's scopes; undefined: all (see `SlackEmulatorOptions.scopes`). */
  readonly scopes: ReadonlySet<string> | undefined;
  /** No user groups on this workspace's plan (see `SlackEmulatorOptions.freePlan`). */
  readonly freePlan: boolean;
  /** `chat.postMessage`'s per-channel limit; undefined when off. */
  readonly postLimiter: ChannelPostLimiter | undefined;
  /** The legacy verification token Slack still puts in payloads (`token`); apps should ignore it. */
  readonly verificationToken = "emulatorVerificationToken0";
  readonly calls: ApiCall[] = [];
  readonly warnings: EmulatorWarning[] = [];
  /** Issues a Socket Mode WebSocket URL (`apps.connections.open`); set by the server. */
  openSocketUrl: (() => string) | undefined;
  readonly #scenarios = new Map<string, Scenario[]>();
  #baseUrl = "http://127.0.0.1:0";

  constructor(options: SlackEmulatorOptions) {
    this.now = options.now ?? Date.now;
    this.nextTs = createTsIssuer(this.now);
    const team = options.team ?? DEFAULT_TEAM;
    const bot = options.bot ?? DEFAULT_BOT;
    this.context = { team, bot, appId: options.appId ?? DEFAULT_APP_ID };
    this.directory = new Directory(team, bot, {
      users: options.users,
      channels: options.channels,
      usergroups: options.usergroups ?? [],
    });
    this.messages = new MessageStore(this.log, this.nextTs);
    this.views = new ViewStore(this.log, this.now, this.context);
    this.homes = new HomeStore(this.log, this.now, this.context);
    this.responseUrls = new ResponseUrls(this.log, this.now, () => this.#baseUrl);
    this.signingSecret = options.signingSecret;
    this.botToken = options.botToken;
    this.appToken = options.appToken;
    this.scopes = options.scopes === undefined ? undefined : new Set(options.scopes);
    this.freePlan = options.freePlan === true;
    const limit = options.postRateLimit ?? SLACK_POST_RATE_LIMIT;
    this.postLimiter = limit === "off" ? undefined : new ChannelPostLimiter(limit, this.now);
  }

  /** Set once the server listens: response_urls and Socket Mode URLs are built from it. */
  set baseUrl(url: string) {
    this.#baseUrl = url;
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  addScenario(method: string, scenario: Scenario, times: number): void {
    const queue = this.#scenarios.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(scenario);
    this.#scenarios.set(method, queue);
  }

  takeScenario(method: string): Scenario | undefined {
    return this.#scenarios.get(method)?.shift();
  }

  warn(warning: EmulatorWarning): void {
    this.warnings.push(warning);
  }
}
