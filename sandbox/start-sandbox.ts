/**
 * Wires the real bot to the two emulators: a Databricks workspace (default seed) and a Slack workspace (default
 * workspace), the embedded SQLite store in a file, the bot's logs in a file, and a driver that plays Slack's users.
 * With several replicas, the bots are separate processes behind a load balancer (see `replica-fleet.ts`), sharing
 * an embedded PostgreSQL server started for the run; the driver posts to the balancer, as Slack posts to a
 * production app's load balancer.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pino } from "pino";
import { stringify } from "yaml";
import { type DatabricksEmulator, startDatabricksEmulator } from "../emulators/databricks/index.js";
import {
  defaultCredentials,
  defaultWorkspace,
  type SlackDriver,
  type SlackEmulator,
  startSlackEmulator,
} from "../emulators/slack/index.js";
import { FILE_OWNED, loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { type RunningPtbot, startPtbot } from "../src/main.js";
import type { SandboxUser } from "./chat-session.js";
import { startSandboxPostgres } from "./embedded-postgres.js";
import { type InFlight, openInFlightProbe, openPostgresInFlightProbe } from "./in-flight.js";
import type { NameLookup } from "./render-mrkdwn.js";
import { type ReplicaFleet, startReplicaFleet } from "./replica-fleet.js";

export interface SandboxOptions {
  /** How long the emulated Databricks takes to provision an endpoint. */
  readonly provisioningMs: number;
  /** The SQLite file; default a new one in a fresh temporary directory. */
  readonly databasePath?: string;
  /** Where the bot's logs go; default `sandbox.log` beside the database. */
  readonly logPath?: string;
  /** The tracker's poll interval; default 500 ms, so the thread moves promptly. */
  readonly pollIntervalMs?: number;
  /**
   * The environment: `HOME`, `LOG_LEVEL` and `PTBOT_*` policy settings pass through to the bot (e.g.
   * `PTBOT_REQUIRED_APPROVALS=2`); Slack and Databricks settings are the emulators'.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How many bot replicas; default 1 (the bot in this process). More run as processes behind a load balancer. */
  readonly replicas?: number;
}

export interface RunningSandbox {
  readonly slack: SlackEmulator;
  /** The first workspace's emulated Databricks (`dev`, or the one `default`). */
  readonly databricks: DatabricksEmulator;
  /** Each workspace's emulated Databricks by name, and what its rules are, for the banner. */
  readonly workspaces: readonly SandboxWorkspace[];
  /** The bot, with one replica (it runs in this process). */
  readonly bot: RunningPtbot | undefined;
  /** The replicas and their balancer, with several. */
  readonly fleet: ReplicaFleet | undefined;
  /** Plays Slack's users towards the bot (signed HTTP to its request URL). */
  readonly driver: SlackDriver;
  /** The SQLite file, or (with several replicas) the embedded PostgreSQL database's URL without its password. */
  readonly databasePath: string;
  /** True when the database lives in a temporary directory made for this run. */
  readonly temporaryDatabase: boolean;
  readonly logPath: string;
  readonly channel: { readonly id: string; readonly name: string };
  readonly users: readonly SandboxUser[];
  readonly names: NameLookup;
  /** The DBU price the cards show (`PTBOT_DBU_PRICE`), and whether it is the sandbox's sample ({@link SAMPLE_DBU_PRICE}). */
  readonly dbuPrice: { readonly value: string; readonly sample: boolean };
  /** What the bot still has in hand (for a script to end only when it is done). */
  inFlight(): Promise<InFlight>;
  /** Stops the bot (finishing what it holds), then the emulators. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The DBU price the sandbox runs with unless `PTBOT_DBU_PRICE` says otherwise, so every card shows a price: a sample
 * for the demo (in USD), not any account's list or contract price. The banner says so.
 */
export const SAMPLE_DBU_PRICE = "0.07";

const SANDBOX_APPROVER_GROUP = defaultWorkspace.usergroups[0].id;

/** One emulated Databricks workspace of the sandbox. */
export interface SandboxWorkspace {
  readonly name: string;
  readonly databricks: DatabricksEmulator;
  /** Its rules in a few words. */
  readonly rules: string;
}

/**
 * The sandbox's two workspaces (issue 14), with different rules a newcomer can try: in `dev` (this channel's
 * default) ada may approve her own request; `prod` (`--in prod`) needs grace's approval and allows at most 4×.
 */
const SANDBOX_WORKSPACES = [
  {
    name: "dev",
    // ada (the requester) is an approver here, and may approve her own request.
    policy: { approvers: [SANDBOX_APPROVER_GROUP, "U0REQUESTER"], allow_self_approval: true },
    rules: "the channel's default; ada may approve her own request",
  },
  {
    name: "prod",
    policy: {
      approvers: [SANDBOX_APPROVER_GROUP],
      allow_self_approval: false,
      max_multiple: 4,
      request_ttl: "4h",
    },
    rules: "--in prod; only @ml-approvers (grace) approve, at most 4×, requests expire after 4 h",
  },
] as const;

/** The default workspace's approver group: grace is in it; the bot is configured with the group, not a user. */
export const SANDBOX_APPROVERS = defaultWorkspace.usergroups[0];

const CHANNEL = defaultWorkspace.channels[0];

const ROLES: Readonly<Record<string, string>> = {
  U0REQUESTER: "requester",
  U0APPROVER: `approver, in @${SANDBOX_APPROVERS.handle}`,
  U0STRANGER: "not an approver",
};

/** Who the person at the keyboard can be, with what they are for. */
export const SANDBOX_USERS: readonly SandboxUser[] = defaultWorkspace.users.map((u) => ({
  id: u.id,
  name: u.name,
  realName: u.realName,
  ...(ROLES[u.id] === undefined ? {} : { role: ROLES[u.id] }),
}));

/** Names for mentions, from the default workspace. */
export const SANDBOX_NAMES: NameLookup = {
  user: (id) =>
    id === defaultWorkspace.bot.userId
      ? defaultWorkspace.bot.name
      : defaultWorkspace.users.find((u) => u.id === id)?.name,
  channel: (id) => defaultWorkspace.channels.find((c) => c.id === id)?.name,
  usergroup: (id) => defaultWorkspace.usergroups.find((g) => g.id === id)?.handle,
};

const PASS_THROUGH = /^(PTBOT_|LOG_LEVEL$|HOME$)/;
/** Set by the sandbox itself, whatever the environment says. */
const OWN = new Set(["PTBOT_DATABASE", "PTBOT_DATABASE_URL", "PTBOT_INSTANCE_ID", "PTBOT_CONFIG_FILE"]);
/** Policy variables: set in the environment, the sandbox runs the one workspace they describe, as before. */
const POLICY_ENV = new Set<string>(FILE_OWNED);

/** A database path and whether it is a throwaway one. */
export function sandboxPaths(options: Pick<SandboxOptions, "databasePath" | "logPath">): {
  databasePath: string;
  logPath: string;
  temporary: boolean;
} {
  const databasePath =
    options.databasePath === undefined
      ? join(mkdtempSync(join(tmpdir(), "ptbot-sandbox-")), "sandbox.db")
      : resolve(options.databasePath);
  return {
    databasePath,
    logPath: resolve(options.logPath ?? join(dirname(databasePath), "sandbox.log")),
    temporary: options.databasePath === undefined,
  };
}

/** Starts the emulators and the bot; see the module comment. Everything started is stopped if a later step fails. */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const { databasePath, logPath, temporary } = sandboxPaths(options);
  mkdirSync(dirname(logPath), { recursive: true });
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  };
  try {
    const passedPolicy = Object.entries(options.env ?? {}).some(
      ([key, value]) => POLICY_ENV.has(key) && value !== undefined && value.trim() !== "",
    );
    const workspaces: SandboxWorkspace[] = [];
    for (const w of passedPolicy
      ? [{ name: "default", rules: "from the environment's PTBOT_* settings" }]
      : SANDBOX_WORKSPACES) {
      const emulator = await startDatabricksEmulator({ port: 0, provisioningMs: options.provisioningMs });
      cleanups.push(() => emulator.close());
      workspaces.push({ name: w.name, databricks: emulator, rules: w.rules });
    }
    const databricks = (workspaces[0] as SandboxWorkspace).databricks;
    const slack = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials, port: 0 });
    cleanups.push(() => slack.close());
    const passed = Object.entries(options.env ?? {}).filter(
      (entry): entry is [string, string] =>
        PASS_THROUGH.test(entry[0]) && !OWN.has(entry[0]) && entry[1] !== undefined,
    );
    const replicas = options.replicas ?? 1;
    // Several replicas share a PostgreSQL server of the sandbox's own, as production replicas share one.
    const postgres = replicas > 1 ? await startSandboxPostgres() : undefined;
    if (postgres !== undefined) cleanups.push(() => postgres.stop());
    const workspaceEnv = passedPolicy
      ? { DATABRICKS_HOST: databricks.url, DATABRICKS_TOKEN: databricks.token }
      : sandboxPolicyFile(workspaces, dirname(databasePath));
    const env: Record<string, string> = {
      PTBOT_POLL_INTERVAL_MS: String(options.pollIntervalMs ?? 500),
      // Cost on the card by default: a sample price, labelled as one in the banner (in the policy file otherwise).
      ...(passedPolicy ? { PTBOT_APPROVERS: SANDBOX_APPROVERS.id, PTBOT_DBU_PRICE: SAMPLE_DBU_PRICE } : {}),
      ...Object.fromEntries(passed),
      PORT: "0",
      SLACK_BOT_TOKEN: defaultCredentials.botToken,
      SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      ...workspaceEnv,
      ...(postgres === undefined ? { PTBOT_DATABASE: databasePath } : { PTBOT_DATABASE_URL: postgres.url }),
    };
    // Checked here for every replica, so a bad setting is reported once, the same way as with one bot.
    const config = loadConfig(env);
    // Synchronous writes: the log is small, and nothing is lost when the sandbox exits right after a line.
    const destination = pino.destination({ dest: logPath, sync: true, mkdir: true });
    cleanups.push(() => destination.end());
    const logger = createLogger({ level: config.log.level, destination });
    let bot: RunningPtbot | undefined;
    let fleet: ReplicaFleet | undefined;
    let appUrl: string;
    if (replicas > 1) {
      const started = await startReplicaFleet({
        count: replicas,
        env: { PATH: options.env?.PATH ?? "", LOG_LEVEL: config.log.level, ...env },
        homeOf: (name) => {
          const home = join(dirname(databasePath), name);
          mkdirSync(home, { recursive: true });
          return home;
        },
        writeLog: (line) => destination.write(`${line}\n`),
      });
      fleet = started;
      cleanups.push(() => started.stop());
      appUrl = started.appUrl;
    } else {
      const running = await startPtbot({ config, logger, owner: "sandbox" });
      bot = running;
      cleanups.push(() => running.stop());
      appUrl = `http://127.0.0.1:${running.port}/slack/events`;
    }
    const probe =
      postgres === undefined ? openInFlightProbe(databasePath) : openPostgresInFlightProbe(postgres.url);
    cleanups.push(() => probe.close());
    const driver = slack.driver({ appUrl });
    let stopping: Promise<void> | undefined;
    return {
      slack,
      databricks,
      workspaces,
      bot,
      fleet,
      driver,
      databasePath: postgres?.displayUrl ?? databasePath,
      temporaryDatabase: temporary,
      logPath,
      channel: { id: CHANNEL.id, name: CHANNEL.name },
      users: SANDBOX_USERS,
      names: SANDBOX_NAMES,
      dbuPrice: {
        value: env.PTBOT_DBU_PRICE ?? SAMPLE_DBU_PRICE,
        sample: !passed.some(([key]) => key === "PTBOT_DBU_PRICE"),
      },
      inFlight: async () => probe.read(),
      stop: () => {
        stopping ??= cleanup();
        return stopping;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * Writes the sandbox's policy file (`ptbot.yaml` beside the database): each workspace on its emulator, with its
 * token in an environment variable, the approver group for both, and the channel defaulting to `dev`.
 */
function sandboxPolicyFile(workspaces: readonly SandboxWorkspace[], dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  const file = {
    defaults: { approvers: [SANDBOX_APPROVERS.id], cost: { dbu_price: Number(SAMPLE_DBU_PRICE) } },
    workspaces: Object.fromEntries(
      workspaces.map((w) => {
        const tokenEnv = `DATABRICKS_${w.name.toUpperCase()}_TOKEN`;
        env[tokenEnv] = w.databricks.token;
        const policy = SANDBOX_WORKSPACES.find((s) => s.name === w.name)?.policy ?? {};
        return [w.name, { host: w.databricks.url, auth: { token_env: tokenEnv }, policy }];
      }),
    ),
    channels: { [CHANNEL.id]: { default: "dev" } },
  };
  const path = join(dir, "ptbot.yaml");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, stringify(file));
  return { ...env, PTBOT_CONFIG_FILE: path };
}
