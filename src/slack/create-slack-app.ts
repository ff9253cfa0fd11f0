/**
 * The Slack side of ptbot that receives: a Bolt 5 app taking `/pt` and the card's clicks and modal submissions
 * (signed HTTP at `/slack/events`, or Socket Mode when an app token is configured), built in one call with its
 * listeners on the commands it is given. What ptbot sends to Slack (the notifier, the approver directory) is built
 * before the core, by `createSlackPorts`; `src/main.ts` builds those, then the core, then this app, then starts it.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, type CustomRoute, type Receiver } from "@slack/bolt";
import pLimit from "p-limit";
import type { SlackConfig } from "../config.js";
import type { ApprovalPolicy } from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Clock } from "../workflow/ports.js";
import { boltLogger } from "./bolt-logger.js";
import { guardedReceiver } from "./guarded-receiver.js";
import * as adjustAction from "./listeners/adjust-action.js";
import * as adjustSubmit from "./listeners/adjust-submit.js";
import * as appHomeOpened from "./listeners/app-home-opened.js";
import * as approveAction from "./listeners/approve-action.js";
import * as cancelAction from "./listeners/cancel-action.js";
import * as deleteAction from "./listeners/delete-action.js";
import * as deleteSubmit from "./listeners/delete-submit.js";
import type { AckKind, ListenerDeps } from "./listeners/deps.js";
import * as exportAction from "./listeners/export-action.js";
import * as lifetimeAction from "./listeners/lifetime-action.js";
import * as ptCommand from "./listeners/pt-command.js";
import * as rejectAction from "./listeners/reject-action.js";
import * as retryAction from "./listeners/retry-action.js";
import { type RouteServer, startRouteServer } from "./route-server.js";
import { type WebClientSettings, webClientOptions } from "./web-client-options.js";

export interface SlackAppOptions {
  readonly config: SlackConfig;
  /** HTTP port for `/slack/events` and the custom routes (0: any free port). In Socket Mode, the custom routes only. */
  readonly port: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** What the listeners act on: the core's commands, the store and the Databricks client to read, the policy. */
  readonly listeners: SlackAppWiring;
  /** Extra HTTP routes (`/healthz`, `/readyz`, `/metrics`), served in both modes. */
  readonly customRoutes?: readonly CustomRoute[];
  /** The retries of the app's own Web API client (it checks the token at start). */
  readonly retryConfig?: WebClientSettings["retryConfig"];
  /** Per-request timeout of the app's own Web API client. Default 15 s. */
  readonly apiTimeoutMs?: number;
  /** How long a modal submission waits for the workflow before it is acknowledged anyway. Default 2 s. */
  readonly submitBudgetMs?: number;
  /** How many commands' slow parts (after their acks) run at once; the rest queue. Default 4. */
  readonly afterAckConcurrency?: number;
  /** Called with the time from the listener starting to its ack (e.g. `metrics.slackAck`). */
  readonly onAck?: (kind: AckKind, seconds: number) => void;
  /** Request bodies larger than this are refused with 413 before they are buffered (HTTP mode). Default 1 MiB. */
  readonly bodyLimitBytes?: number;
  /**
   * Where Slack's requests come from when another thread receives them (`src/threads/`): then this app serves no
   * `/slack/events`, and the custom routes listen on loopback only, for the receiving thread to pass on.
   */
  readonly receiver?: Receiver;
}

/**
 * What the listeners act on; `main.ts` passes the real ones (the core's `DeployWorkflow`, the store, the Databricks
 * client). Narrow on purpose, so tests can pass fakes.
 */
export interface SlackAppWiring {
  readonly workflow: ListenerDeps["workflow"];
  readonly store: ListenerDeps["store"];
  readonly databricks: ListenerDeps["databricks"];
  readonly policy: ApprovalPolicy;
  /** The cost rules of a workspace (cards, `/pt cost`, the Home tab); default none. */
  readonly costOf?: ListenerDeps["costOf"];
  /** Every workspace served and the channels' rules (issue 14); undefined: the one workspace above. */
  readonly workspaces?: ListenerDeps["workspaces"];
  readonly channels?: ListenerDeps["channels"];
}

export interface SlackApp {
  /** Verifies the bot token (`auth.test`), then listens (HTTP) or connects (Socket Mode). */
  start(): Promise<void>;
  /** The HTTP port in use once started (the one the OS chose for 0); undefined before, or with no HTTP server. */
  readonly port: number | undefined;
  /** Stops receiving, then waits for the listeners still at work. */
  stop(): Promise<void>;
}

/** Builds the Bolt app with its command, button and modal listeners registered; nothing is received before `start`. */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config, clock, listeners } = options;
  const logger = options.logger.child({ component: "slack" });
  const socketMode = config.appToken !== undefined && options.receiver === undefined;
  // No HTTP receiver of its own: Socket Mode, or events handed on by the receiving thread.
  const ownRouteServer = socketMode || options.receiver !== undefined;
  const routes = [...(options.customRoutes ?? [])];
  const sdkLogger = boltLogger(options.logger);
  const app = new App({
    token: config.botToken,
    ...(options.receiver !== undefined
      ? { receiver: options.receiver }
      : socketMode
        ? {
            socketMode: true,
            signingSecret: config.signingSecret,
            ...(config.appToken === undefined ? {} : { appToken: config.appToken }),
          }
        : {
            receiver: guardedReceiver({
              signingSecret: config.signingSecret,
              customRoutes: routes,
              sdkLogger,
              logger,
              ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
            }),
          }),
    processBeforeResponse: false,
    logger: sdkLogger,
    logLevel: sdkLogger.getLevel(),
    clientOptions: webClientOptions({
      apiUrl: config.apiUrl,
      retryConfig: options.retryConfig,
      timeoutMs: options.apiTimeoutMs,
    }),
    // auth.test runs in start(), where a bad token fails startup instead of the first request.
    deferInitialization: true,
    convoStore: false,
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

  const deps: ListenerDeps = {
    workflow: listeners.workflow,
    store: listeners.store,
    databricks: listeners.databricks,
    policy: listeners.policy,
    ...(listeners.costOf === undefined ? {} : { costOf: listeners.costOf }),
    ...(listeners.workspaces === undefined ? {} : { workspaces: listeners.workspaces }),
    ...(listeners.channels === undefined ? {} : { channels: listeners.channels }),
    clock,
    logger,
    ...(options.submitBudgetMs === undefined ? {} : { submitBudgetMs: options.submitBudgetMs }),
    ...(options.onAck === undefined ? {} : { onAck: options.onAck }),
    afterAck: pLimit(options.afterAckConcurrency ?? 4),
  };
  for (const listener of [
    ptCommand,
    approveAction,
    rejectAction,
    cancelAction,
    adjustAction,
    adjustSubmit,
    deleteAction,
    deleteSubmit,
    exportAction,
    retryAction,
    lifetimeAction,
    appHomeOpened,
  ]) {
    listener.register(app, deps);
  }

  let started = false;
  let httpPort: number | undefined;
  let routeServer: RouteServer | undefined;

  return {
    get port() {
      return httpPort;
    },
    async start() {
      try {
        await app.init();
      } catch (error) {
        throw new PtbotError("slack_auth_failed", "Slack did not accept the bot token (auth.test failed)", {
          cause: error,
        });
      }
      if (ownRouteServer) {
        await app.start();
        started = true;
        if (routes.length > 0) {
          routeServer = await startRouteServer(
            routes,
            options.port,
            options.receiver === undefined ? undefined : "127.0.0.1",
          );
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
