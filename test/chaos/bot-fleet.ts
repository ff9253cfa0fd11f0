/**
 * Several ptbot replicas as real child processes (see `bot-process.ts`) on one shared database, between the two
 * emulators, which stay in the test process. Each replica has its own `PTBOT_INSTANCE_ID`, port and home, and keeps
 * them across restarts, as a replica on its own host would; any one can be SIGKILLed and started again. Over HTTP a
 * round-robin balancer stands where production's load balancer does (Slack knows only its URL); in Socket Mode every
 * replica opens its own connection and the Slack emulator spreads envelopes across them.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Balancer, startBalancer } from "../../emulators/balancer/index.js";
import { type DatabricksEmulator, startDatabricksEmulator } from "../../emulators/databricks/index.js";
import {
  defaultCredentials,
  defaultWorkspace,
  type SlackDriver,
  type SlackEmulator,
  startSlackEmulator,
} from "../../emulators/slack/index.js";
import { type BotChild, freePort, startBotChild } from "./bot-child.js";

/** The database the replicas share: one SQLite file (one host), or PostgreSQL. */
export type FleetDatabase =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string };

export interface FleetOptions {
  readonly replicas: number;
  readonly database: FleetDatabase;
  readonly provisioningMs: number;
  /** Socket Mode instead of signed HTTP behind the balancer. */
  readonly socketMode?: boolean;
  /** The tracker's poll interval (default 100 ms). */
  readonly pollIntervalMs?: number;
  /** More environment for every replica. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Replica {
  /** `replica-1` …; also its `PTBOT_INSTANCE_ID`. */
  readonly name: string;
  readonly port: number;
  /** The running process (a new one after each {@link restart}). */
  readonly bot: BotChild;
  readonly restarts: number;
  /** Every log line of every process this replica ran, oldest first. */
  logs(): readonly Record<string, unknown>[];
  alive(): boolean;
  /** Sends `signal` (default SIGKILL) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the replica again with the same instance id, port and database (after it died). */
  restart(): Promise<void>;
}

export interface BotFleet {
  readonly dbx: DatabricksEmulator;
  readonly slack: SlackEmulator;
  /** HTTP mode only: the load balancer Slack posts to. */
  readonly balancer: Balancer | undefined;
  readonly replicas: readonly Replica[];
  readonly database: FleetDatabase;
  /** A driver as Slack: to the balancer's `/slack/events` over HTTP, or envelopes over the replicas' sockets. */
  driver(ackTimeoutMs?: number): SlackDriver;
  /** SIGTERM to every live replica, waiting for each to exit 0 (so the database can be read). */
  stopAll(): Promise<void>;
  /** Kills whatever runs, then closes the balancer and the emulators. Idempotent. */
  close(): Promise<void>;
}

export async function startBotFleet(options: FleetOptions): Promise<BotFleet> {
  const dbx = await startDatabricksEmulator({ port: 0, provisioningMs: options.provisioningMs });
  // Dozens of conversations in one channel at once: Slack's ~1 post a second per channel would make this a test of
  // that limit (ptbot meets it by waiting out Retry-After; test/emulators/slack/post-rate-limit.test.ts, the
  // throughput bench's spread row). These suites are about kills and restarts, so the limit is off.
  const slack = await startSlackEmulator({
    ...defaultWorkspace,
    ...defaultCredentials,
    port: 0,
    postRateLimit: "off",
  });
  const socketMode = options.socketMode === true;
  const shared = {
    LOG_LEVEL: "info",
    SLACK_BOT_TOKEN: defaultCredentials.botToken,
    SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    ...(socketMode ? { SLACK_APP_TOKEN: defaultCredentials.appToken } : {}),
    DATABRICKS_HOST: dbx.url,
    DATABRICKS_TOKEN: dbx.token,
    PTBOT_APPROVERS: "U0APPROVER",
    ...(options.database.kind === "sqlite"
      ? { PTBOT_DATABASE: options.database.path }
      : { PTBOT_DATABASE_URL: options.database.url }),
    PTBOT_POLL_INTERVAL_MS: String(options.pollIntervalMs ?? 100),
    ...options.env,
  };
  const replicas: Replica[] = [];
  let balancer: Balancer | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all(replicas.map((r) => r.kill("SIGKILL")));
    await balancer?.close();
    await Promise.all([slack.close(), dbx.close()]);
  };
  try {
    const specs = await Promise.all(
      Array.from({ length: options.replicas }, async (_, i) => ({
        name: `replica-${i + 1}`,
        port: await freePort(),
        home: mkdtempSync(join(tmpdir(), `ptbot-replica-${i + 1}-`)),
      })),
    );
    // Started together, as a deployment rolls replicas out: they race for the migrations.
    const started = await Promise.allSettled(
      specs.map(async (spec) => {
        const env = { ...shared, PORT: String(spec.port), HOME: spec.home, PTBOT_INSTANCE_ID: spec.name };
        return replica(spec.name, spec.port, env, await startBotChild({ env, clockSkewMs: 0 }));
      }),
    );
    for (const s of started) if (s.status === "fulfilled") replicas.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    if (socketMode) await slack.waitForSocketConnections(options.replicas, 10_000);
    else
      balancer = await startBalancer({
        backends: replicas.map((r) => ({ name: r.name, url: `http://127.0.0.1:${r.port}` })),
      });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    dbx,
    slack,
    balancer,
    replicas,
    database: options.database,
    driver: (ackTimeoutMs = 5_000) =>
      balancer === undefined
        ? slack.driver({ socket: true, ackTimeoutMs })
        : slack.driver({ appUrl: `${balancer.url}/slack/events`, ackTimeoutMs }),
    async stopAll() {
      await Promise.all(
        replicas.map(async (r) => {
          if (!r.alive()) return;
          const exited = r.bot.exited;
          r.bot.kill("SIGTERM");
          const { code } = await exited;
          if (code !== 0) throw new Error(`${r.name} exited ${code} on SIGTERM`);
        }),
      );
    },
    close,
  };
}

function replica(name: string, port: number, env: Record<string, string>, first: BotChild): Replica {
  let bot = first;
  let restarts = 0;
  const earlier: Record<string, unknown>[] = [];
  return {
    name,
    port,
    get bot() {
      return bot;
    },
    get restarts() {
      return restarts;
    },
    logs: () => [...earlier, ...bot.logs],
    alive: () => bot.alive(),
    async kill(signal = "SIGKILL") {
      bot.kill(signal);
      await bot.exited;
    },
    async restart() {
      if (bot.alive()) throw new Error(`${name} is still running`);
      earlier.push(...bot.logs);
      restarts++;
      bot = await startBotChild({ env, clockSkewMs: 0 });
    },
  };
}

/** A fresh SQLite file for a fleet on one host. */
export function sharedSqliteFile(): FleetDatabase {
  return { kind: "sqlite", path: join(mkdtempSync(join(tmpdir(), "ptbot-fleet-")), "ptbot.db") };
}
