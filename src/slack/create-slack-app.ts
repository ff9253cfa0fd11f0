/**
 * The Slack side of ptbot: a Bolt 5 app receiving `/pt` and the card's clicks and modal submissions (signed HTTP at
 * `/slack/events`, or Socket Mode when an app token is configured), the Notifier that edits cards and posts in their
 * threads, and the ApproverDirectory that reads user groups. `src/main.ts` builds it, hands the directory and the
 * notifier to the workflow, registers the listeners once the workflow exists, then starts it.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, type CustomRoute, type webApi } from "@slack/bolt";
import pLimit from "p-limit";
import type { SlackConfig } from "../config.js";
import type { ApprovalPolicy, ApproverDirectory } from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Clock, Notifier } from "../workflow/ports.js";
import type { CardContext } from "./blocks/deploy-card.js";
import { boltLogger } from "./bolt-logger.js";
import * as adjustAction from "./listeners/adjust-action.js";
import * as adjustSubmit from "./listeners/adjust-submit.js";
import * as approveAction from "./listeners/approve-action.js";
import * as cancelAction from "./listeners/cancel-action.js";
import type { AckKind, ListenerDeps } from "./listeners/deps.js";
import * as ptCommand from "./listeners/pt-command.js";
import * as rejectAction from "./listeners/reject-action.js";
import { type RouteServer, startRouteServer } from "./route-server.js";
import { SlackApproverDirectory } from "./slack-approver-directory.js";
import { SlackNotifier } from "./slack-notifier.js";

export interface SlackAppOptions {
  readonly config: SlackConfig;
  /** HTTP port for `/slack/events` and the custom routes (0: any free port). In Socket Mode, the custom routes only. */
  readonly port: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Extra HTTP routes (`/healthz`, `/readyz`, `/metrics`), served in both modes. */
  readonly customRoutes?: readonly CustomRoute[];
  /** How long user-group members are cached. Default 5 minutes. */
  readonly directoryTtlMs?: number;
  /**
   * The Web API client's retries (rate limits wait for `Retry-After`, then count as one retry). Default: 5 retries
   * within about half a minute, so a stuck delivery fails and is retried by the dispatcher rather than blocking it.
   */
  readonly retryConfig?: webApi.RetryOptions;
  /** Per-request timeout of the Web API client. Default 15 s. */
  readonly apiTimeoutMs?: number;
  /** How long a modal submission waits for the workflow before it is acknowledged anyway. Default 2 s. */
  readonly submitBudgetMs?: number;
  /** How many commands' slow parts (after their acks) run at once; the rest queue. Default 4. */
  readonly afterAckConcurrency?: number;
  /** Called with the time from the listener starting to its ack (e.g. `metrics.slackAck`). */
  readonly onAck?: (kind: AckKind, seconds: number) => void;
}

/**
 * What the listeners act on; `main.ts` passes the real ones (`DeployWorkflow`, the store, the Databricks client)
 * once the workflow exists. Narrow on purpose, so tests can pass fakes.
 */
export interface SlackAppWiring {
  readonly workflow: ListenerDeps["workflow"];
  readonly store: ListenerDeps["store"];
  readonly databricks: ListenerDeps["databricks"];
  readonly policy: ApprovalPolicy;
}

export interface SlackApp {
  readonly directory: ApproverDirectory;
  readonly notifier: Notifier;
  /** The Web API client (the app's own), for callers that need one more call. */
  readonly client: webApi.WebClient;
  /** Registers the command, button and modal listeners. Call once, before {@link start}. */
  registerListeners(wiring: SlackAppWiring): void;
  /** Verifies the bot token (`auth.test`), then listens (HTTP) or connects (Socket Mode). */
  start(): Promise<void>;
  /** The HTTP port in use once started (the one the OS chose for 0); undefined before, or with no HTTP server. */
  readonly port: number | undefined;
  /** Stops receiving, then waits for the listeners still at work. */
  stop(): Promise<void>;
}

const DEFAULT_RETRY: webApi.RetryOptions = {
  retries: 5,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 8000,
  randomize: true,
};

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config, clock } = options;
  const logger = options.logger.child({ component: "slack" });
  const socketMode = config.appToken !== undefined;
  const routes = [...(options.customRoutes ?? [])];
  const sdkLogger = boltLogger(options.logger);
  const app = new App({
    token: config.botToken,
    signingSecret: config.signingSecret,
    ...(socketMode
      ? { socketMode: true, ...(config.appToken === undefined ? {} : { appToken: config.appToken }) }
      : { customRoutes: routes }),
    processBeforeResponse: false,
    logger: sdkLogger,
    logLevel: sdkLogger.getLevel(),
    clientOptions: {
      ...(config.apiUrl === undefined ? {} : { slackApiUrl: config.apiUrl }),
      retryConfig: options.retryConfig ?? DEFAULT_RETRY,
      timeout: options.apiTimeoutMs ?? 15_000,
    },
    // auth.test runs in start(), where a bad token fails startup instead of the first request.
    deferInitialization: true,
    convoStore: false,
  });

  let cardContext: CardContext | undefined;
  const context = (): CardContext => {
    if (cardContext === undefined) {
      throw new PtbotError("slack_not_wired", "the Slack app's listeners were not registered before use");
    }
    return cardContext;
  };
  const notifier = new SlackNotifier({ client: app.client, logger, context });
  const directory = new SlackApproverDirectory({
    client: app.client,
    clock,
    logger,
    ...(options.directoryTtlMs === undefined ? {} : { ttlMs: options.directoryTtlMs }),
  });

  // Listeners keep working after the ack; stop() waits for them so nothing writes to a closed store.
  const inFlight = new Set<Promise<unknown>>();
  app.use(async ({ next }) => {
    const work = next();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });
  app.error(async (error) => {
    logger.error({ err: error, code: (error as { code?: unknown }).code }, "slack listener failed");
  });

  let wired = false;
  let started = false;
  let httpPort: number | undefined;
  let routeServer: RouteServer | undefined;

  return {
    directory,
    notifier,
    client: app.client,
    get port() {
      return httpPort;
    },
    registerListeners(wiring) {
      if (wired)
        throw new PtbotError("slack_already_wired", "the Slack app's listeners are registered already");
      wired = true;
      const deps: ListenerDeps = {
        workflow: wiring.workflow,
        store: wiring.store,
        databricks: wiring.databricks,
        policy: wiring.policy,
        clock,
        logger,
        ...(options.submitBudgetMs === undefined ? {} : { submitBudgetMs: options.submitBudgetMs }),
        ...(options.onAck === undefined ? {} : { onAck: options.onAck }),
        afterAck: pLimit(options.afterAckConcurrency ?? 4),
      };
      cardContext = { policy: wiring.policy, endpointUrl: (name) => wiring.databricks.endpointUrl(name) };
      for (const listener of [
        ptCommand,
        approveAction,
        rejectAction,
        cancelAction,
        adjustAction,
        adjustSubmit,
      ]) {
        listener.register(app, deps);
      }
    },
    async start() {
      if (!wired)
        throw new PtbotError("slack_not_wired", "register the listeners before starting the Slack app");
      try {
        await app.init();
      } catch (error) {
        throw new PtbotError("slack_auth_failed", "Slack did not accept the bot token (auth.test failed)", {
          cause: error,
        });
      }
      if (socketMode) {
        await app.start();
        started = true;
        if (routes.length > 0) {
          routeServer = await startRouteServer(routes, options.port);
          httpPort = routeServer.port;
        }
      } else {
        const server = (await app.start(options.port)) as Server;
        started = true;
        httpPort = (server.address() as AddressInfo).port;
      }
      logger.info({ port: httpPort, socketMode }, "slack app started");
    },
    async stop() {
      if (started) {
        started = false;
        await app.stop();
      }
      await routeServer?.close();
      routeServer = undefined;
      await Promise.allSettled([...inFlight]);
      logger.info({}, "slack app stopped");
    },
  };
}
