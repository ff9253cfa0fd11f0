/**
 * The Slack side of the core's ports, built before the core and before the Bolt app: one Web API client on the bot
 * token, the Notifier that edits cards and posts in their threads, and the ApproverDirectory that reads user groups.
 * The card's context (policy, workspace links) is known up front, so nothing here waits to be wired later.
 */
import { webApi } from "@slack/bolt";
import type { SlackConfig } from "../config.js";
import type { ApproverDirectory } from "../domain/index.js";
import type { Logger } from "../logger.js";
import type { Clock, Notifier } from "../workflow/ports.js";
import type { CardContext } from "./blocks/deploy-card.js";
import { boltLogger } from "./bolt-logger.js";
import { type ApproverGroupCheck, SlackApproverDirectory } from "./slack-approver-directory.js";
import { SlackNotifier } from "./slack-notifier.js";
import { type WebClientSettings, webClientOptions } from "./web-client-options.js";

export interface SlackPortsOptions {
  readonly config: SlackConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** What every card shows beside the request: the policy and the workspace's endpoint links (or by workspace). */
  readonly card: CardContext | ((workspace: string) => CardContext);
  /** How long user-group members are cached. Default 1 minute (see `SlackApproverDirectory`). */
  readonly directoryTtlMs?: number;
  readonly retryConfig?: WebClientSettings["retryConfig"];
  readonly apiTimeoutMs?: number;
}

export interface SlackPorts {
  /** The Web API client the notifier and the directory share, for callers that need one more call. */
  readonly client: webApi.WebClient;
  readonly notifier: Notifier;
  readonly directory: ApproverDirectory;
  /** Reads each configured approver group once (the check at start); never throws. */
  readonly checkApproverGroups: (groups: readonly string[]) => Promise<readonly ApproverGroupCheck[]>;
}

export function createSlackPorts(options: SlackPortsOptions): SlackPorts {
  const logger = options.logger.child({ component: "slack" });
  const client = new webApi.WebClient(options.config.botToken, {
    ...webClientOptions({
      apiUrl: options.config.apiUrl,
      retryConfig: options.retryConfig,
      timeoutMs: options.apiTimeoutMs,
    }),
    logger: boltLogger(options.logger),
  });
  const notifier = new SlackNotifier({ client, logger, context: options.card });
  const directory = new SlackApproverDirectory({
    client,
    clock: options.clock,
    logger,
    ...(options.directoryTtlMs === undefined ? {} : { ttlMs: options.directoryTtlMs }),
  });
  return { client, notifier, directory, checkApproverGroups: (groups) => directory.checkGroups(groups) };
}
