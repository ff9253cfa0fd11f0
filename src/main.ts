/**
 * The one wiring point: configuration → logger → store → Databricks client → Slack ports (notifier, directory) →
 * `createCore` (commands and workers) → Slack app with its listeners → HTTP. Everything else in ptbot takes its
 * dependencies as arguments; only this file builds the real ones.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Receiver } from "@slack/bolt";
import { bounded } from "./bounded-step.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { type CoreOptions, createCore } from "./core/create-core.js";
import { createDatabricksClient, resolveDatabricksAuth } from "./databricks/index.js";
import { approvalPolicy } from "./domain/index.js";
import { PtbotError } from "./errors.js";
import { createLogger, type Logger } from "./logger.js";
import { healthRoutes } from "./observability/health-routes.js";
import { createMetrics } from "./observability/metrics.js";
import { ApproverGroupReport } from "./slack/approver-group-report.js";
import type { CardContext } from "./slack/blocks/deploy-card.js";
import { createSlackApp } from "./slack/create-slack-app.js";
import type { AckKind } from "./slack/listeners/deps.js";
import { createSlackPorts } from "./slack/slack-ports.js";
import { openStore } from "./store/open-store.js";
import { PostgresWakeups } from "./store/postgres-wakeups.js";
import type { Store } from "./store/store.js";
import { startThreadedPtbot } from "./threads/threaded-ptbot.js";
import type { Tracker } from "./tracker/tracker.js";
import type { DeployWorkflow } from "./workflow/deploy-workflow.js";
import type { NoticeDispatcher } from "./workflow/notice-dispatcher.js";
import { type Clock, skewedClock, systemClock } from "./workflow/ports.js";
import type { Wakeups } from "./workflow/wakeups.js";
import { type WorkspaceEntry, type Workspaces, workspacesOf } from "./workflow/workspaces.js";

export interface PtbotOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Defaults to the system clock; tests and the sandbox may pass their own. */
  readonly clock?: Clock;
  /**
   * Lease owner for this instance. Defaults to `PTBOT_INSTANCE_ID` (keep it across restarts: a restarted instance
   * takes its own leases back at once), else to a name unique to this process (host, pid and a random part), so that
   * two processes on one host, or an old and a new container, never share leases.
   */
  readonly owner?: string;
  /** Defaults to {@link openStore}; tests wrap the store it opens (a database going away, say). */
  readonly openStore?: typeof openStore;
  /**
   * Slack's requests come from the receiving thread (`src/threads/`) instead of ptbot's own HTTP server: the health
   * routes then listen on a loopback port of their own (reported as `port`), for that thread to pass on.
   */
  readonly receiver?: Receiver;
  /**
   * The tracker's bounds (`CoreOptions`): how long a workspace's list call goes unanswered before the workspace counts
   * as down, how long `stop()` waits for work in hand. Default 5 s each; tests of a workspace outage shorten them.
   */
  readonly trackerBounds?: Pick<CoreOptions, "listBoundMs" | "stopWaitMs">;
}

export interface RunningPtbot {
  /** The HTTP port ptbot listens on (the one the OS chose when the config said 0). */
  readonly port: number | undefined;
  readonly workflow: DeployWorkflow;
  readonly tracker: Tracker;
  readonly dispatcher: NoticeDispatcher;
  /** The paths and methods of the extra HTTP routes (`/healthz`, `/readyz`, `/metrics`). */
  readonly routes: readonly { readonly path: string; readonly method: readonly string[] }[];
  /** Records an ack's latency measured elsewhere (the receiving thread's), as the listeners' own are. */
  recordAck(kind: AckKind, seconds: number): void;
  /** Stops taking work, finishes what is in hand, releases leases and closes the store. */
  stop(): Promise<void>;
}

/** Builds and starts ptbot from its configuration. */
export async function startPtbot(options: PtbotOptions): Promise<RunningPtbot> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const owner = leaseOwner(config, options.owner);
  logPolicy(config, logger);
  // Each workspace's credentials are resolved before anything opens: a missing secret stops the start, named.
  const auths = [];
  for (const w of config.workspaces) {
    const auth = await resolveDatabricksAuth(w.databricks, { logger });
    logger.info(
      { workspace: w.name, host: auth.host, source: auth.source },
      "databricks workspace configured",
    );
    auths.push({ workspace: w, auth });
  }
  const store: Store = await (options.openStore ?? openStore)(config.database, logger);
  // Replicas sharing a PostgreSQL database wake each other through it; a SQLite file has one process (no wake-ups).
  const wakeups: Wakeups | undefined =
    config.database.kind === "postgres"
      ? await PostgresWakeups.open({ url: config.database.url, logger, origin: owner })
      : undefined;
  const metrics = createMetrics({ countByState: () => store.countByState(), now: () => clock.now() });
  // One client per workspace, each with its own credentials, retries and metrics label.
  const entries: WorkspaceEntry[] = auths.map(({ workspace, auth }) => ({
    name: workspace.name,
    policy: workspace.policy,
    client: createDatabricksClient({
      host: auth.host,
      credentials: auth.credentials,
      logger: logger.child({ workspace: workspace.name }),
      onAttempt: (report) => metrics.databricksAttempt(report, workspace.name),
    }),
  }));
  const workspaces = workspacesOf(entries);
  const databricks = workspaces.clientOf(workspaces.names[0] ?? "default");
  const policy = approvalPolicy(config.policy);
  let draining = false;
  const approverGroups = new ApproverGroupReport();
  const customRoutes = healthRoutes({
    metrics,
    pingStore: () => store.countByState(),
    probeDatabricks: () => databricks.listServingEndpoints(),
    now: () => clock.now(),
    freshnessMs: Math.max(60_000, 3 * config.pollIntervalMs),
    draining: () => draining,
    approverGroups: () => approverGroups.check,
    ...(workspaces.names.length > 1
      ? {
          workspaces: {
            names: workspaces.names,
            probe: (w: string) => workspaces.clientOf(w).listServingEndpoints(),
          },
        }
      : {}),
  });
  // What ptbot sends to Slack exists before the core; the app that receives from Slack is built on the core's commands.
  const ports = createSlackPorts({
    config: config.slack,
    clock,
    logger,
    card: (w) => cardContextIn(workspaces, w),
  });
  const core = createCore({
    store,
    workspaces,
    directory: ports.directory,
    notifier: ports.notifier,
    clock,
    policy,
    policyChecksum: config.policyChecksum,
    logger,
    owner,
    newId: randomUUID,
    pollIntervalMs: config.pollIntervalMs,
    provisioningLimitMs: config.provisioningLimitMs,
    smokeTest: config.smokeTest,
    onTrackerTick: (stats) => metrics.trackerTick(clock.now(), stats.durationMs),
    ...(wakeups === undefined ? {} : { wakeups }),
    ...options.trackerBounds,
  });
  const { workflow, tracker, dispatcher } = core;
  const slack = createSlackApp({
    config: config.slack,
    clock,
    logger,
    listeners: {
      workflow,
      store,
      databricks,
      policy,
      workspaces,
      channels: config.channels,
      costOf: (workspace) => workspaces.policyOf(workspace).cost,
    },
    customRoutes,
    // Behind the receiving thread the acks here are no-ops: that thread times the real ones (`recordAck`).
    ...(options.receiver === undefined
      ? { port: config.port, onAck: metrics.slackAck }
      : { port: 0, receiver: options.receiver }),
  });
  await slack.start();
  await core.start();
  // In the background: a slow Slack must not hold the start; the outcome is logged and shown in /readyz.
  // Every workspace's approver groups, each once.
  const groups = [...new Set(config.workspaces.flatMap((w) => w.policy.approval.approverGroups))];
  void approverGroups.run(ports.checkApproverGroups, groups, logger);
  if (options.receiver === undefined)
    logger.info(
      { port: slack.port, socketMode: config.slack.appToken !== undefined, instance: owner },
      "ptbot started",
    );
  else logger.info({ routesPort: slack.port, instance: owner }, "core started");
  return {
    get port() {
      return slack.port;
    },
    workflow,
    tracker,
    dispatcher,
    routes: customRoutes.map((r) => ({ path: r.path, method: [r.method].flat() })),
    recordAck: (kind, seconds) => metrics.slackAck(kind, seconds),
    async stop() {
      draining = true;
      // Each part is bounded so the whole drain ends within Docker's default stop timeout (10 s) even while a
      // Databricks or Slack call hangs. Work abandoned this way is safe: its leases expire (and this instance takes
      // them back at once when restarted with the same PTBOT_INSTANCE_ID), a create whose answer never came is
      // reconciled by reading the endpoint back, and undelivered notices stay in the outbox.
      await bounded(slack.stop(), STOP_BOUNDS_MS.slack, "slack", logger);
      await core.stop((name, stopping) => bounded(stopping, STOP_BOUNDS_MS.workers, name, logger));
      // Closing waits for the database to acknowledge; on a cut network that never comes, so it is bounded too.
      if (wakeups !== undefined) await bounded(wakeups.close(), STOP_BOUNDS_MS.close, "wakeups", logger);
      await bounded(store.close(), STOP_BOUNDS_MS.close, "store", logger);
      logger.info({}, "ptbot stopped");
    },
  };
}

/**
 * What a card of a request in `workspace` shows: its workspace's approvers and links, and its name when several are
 * served. A workspace no longer configured (a request from before the policy file dropped it) gets the first's links,
 * so its card can still be drawn.
 */
function cardContextIn(workspaces: Workspaces, workspace: string): CardContext {
  const known = workspaces.names.includes(workspace);
  const client = workspaces.clientOf(known ? workspace : (workspaces.names[0] ?? workspace));
  return {
    policy: workspaces.policyOf(workspace).approval,
    costOf: (w) => workspaces.policyOf(w).cost,
    endpointUrl: (name) => client.endpointUrl(name),
    ...(workspaces.names.length > 1 ? { workspace } : {}),
  };
}

/** How long each part of `stop()` may take: 9 s in all, within the 9.5 s backstop and Docker's 10 s stop timeout. */
const STOP_BOUNDS_MS = { slack: 2_000, workers: 5_000, close: 1_000 } as const;

/** The lease owner: the one given, else `PTBOT_INSTANCE_ID`, else one unique to this process. */
function leaseOwner(config: Config, given: string | undefined): string {
  return given ?? config.instanceId ?? uniqueInstanceId();
}

/** A lease owner no other process shares: the host name (for people reading leases), the pid and a random part. */
function uniqueInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** Which policy this start runs (its checksum identifies it in the audit log), and the workspaces it serves. */
function logPolicy(config: Config, logger: Logger): void {
  const names = config.workspaces.map((w) => w.name);
  logger.info(
    { policyFile: config.policyFile, policyChecksum: config.policyChecksum, workspaces: names },
    "policy loaded",
  );
}

/** What a process may set beyond the environment: test harnesses pin the lease owner and skew the clock. */
export interface ProcessOptions {
  readonly owner?: string;
  /** The clock runs this far ahead of real time (the chaos tests' stand-in for waiting out a killed one's leases). */
  readonly clockSkewMs?: number;
}

/**
 * Over HTTP, ptbot runs on two threads (`src/threads/`): this one receives and acks, the core's does the work. In
 * Socket Mode the acks travel over the socket Bolt holds, so everything stays on this thread.
 */
async function startService(
  config: Config,
  logger: Logger,
  options: ProcessOptions,
): Promise<{ stop(): Promise<void> }> {
  const owner = leaseOwner(config, options.owner);
  const skew = options.clockSkewMs ?? 0;
  if (config.slack.appToken !== undefined) {
    return startPtbot({
      config,
      logger,
      owner,
      clock: skewedClock(skew),
    });
  }
  const threaded = await startThreadedPtbot({
    config,
    env: { ...process.env },
    logger,
    owner,
    ...(skew === 0 ? {} : { clockSkewMs: skew }),
    onCoreExit: () => process.exit(1),
  });
  logger.info({ port: threaded.port, socketMode: false, instance: owner, threads: 2 }, "ptbot started");
  return threaded;
}

/**
 * ptbot as a process: configuration from the environment (exit 1 listing every problem), stray rejections logged,
 * and SIGTERM/SIGINT draining within a bound before exit 0. `npm start` runs it with no options.
 */
export async function runProcess(options: ProcessOptions = {}): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ptbot cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });
  // A stray rejection is logged, not fatal: one bad request must not take down the bot and every conversation in
  // flight with it. (Bolt's HTTP receiver had one on bodies that parse to `null`; `slack/body-guard.ts` answers
  // those 400 first, and the chaos suite checks that nothing reaches this line.)
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: reason }, "unhandled rejection");
  });
  let running: { stop(): Promise<void> } | undefined;
  let requested: string | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    // Until ptbot has started there is nothing to drain yet: the signal is kept and acted on once it has.
    if (running === undefined) {
      if (requested === undefined) {
        logger.info({ signal }, "shutdown requested while starting");
        // A start that hangs (a workspace that does not answer) must not outlive the supervisor's patience.
        setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
      }
      requested ??= signal;
      return;
    }
    // A second signal must not end the drain: a SIGTERM sent to the whole process group (systemd's default) reaches
    // ptbot twice under `npm start`, directly and forwarded by npm. The deadline below bounds the drain anyway.
    if (stopping) {
      logger.info({ signal }, "shutdown already under way");
      return;
    }
    stopping = true;
    logger.info({ signal }, "shutting down");
    const deadline = setTimeout(() => {
      logger.error({ signal }, "shutdown took too long");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  // Listened for before starting: with no listener, a SIGTERM ends the process at once (the OS default), which a
  // supervisor stopping ptbot just as it logged "ptbot started" would otherwise do (seen in the process tests).
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  try {
    running = await startService(config, logger, options);
  } catch (error) {
    logger.fatal(
      { err: error, code: error instanceof PtbotError ? error.code : undefined },
      "ptbot failed to start",
    );
    // Our own errors say what to do (a schema newer than this build: upgrade this replica) in words safe to show:
    // one plain line for the operator reading the container's output, beside the JSON log line.
    if (error instanceof PtbotError) process.stderr.write(`ptbot cannot start: ${error.message}\n`);
    process.exit(1);
  }
  if (requested !== undefined) shutdown(requested);
}

/** A backstop only: `stop()` bounds its own parts well within it, and Docker kills at 10 s. */
const SHUTDOWN_DEADLINE_MS = 9_500;

if (import.meta.main) await runProcess();
