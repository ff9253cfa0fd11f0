/**
 * The sandbox against a real Slack workspace: when `SLACK_BOT_TOKEN` and `SLACK_SIGNING_SECRET` are set, the bot
 * talks to Slack itself (over HTTP, or Socket Mode with `SLACK_APP_TOKEN`) while Databricks stays emulated, so a
 * team can try the Slack side of ptbot without touching a real workspace's serving endpoints.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { pino } from "pino";
import {
  type DatabricksEmulator,
  defaultSeed,
  startDatabricksEmulator,
} from "../emulators/databricks/index.js";
import { type Config, loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { type RunningPtbot, startPtbot } from "../src/main.js";
import { sandboxPaths } from "./start-sandbox.js";

export interface RealSlackOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly provisioningMs: number;
  readonly databasePath?: string;
  readonly logPath?: string;
}

export interface RunningRealSlack {
  readonly bot: RunningPtbot;
  readonly databricks: DatabricksEmulator;
  readonly config: Config;
  readonly databasePath: string;
  readonly temporaryDatabase: boolean;
  readonly logPath: string;
  stop(): Promise<void>;
}

/** True when the environment holds the credentials of a real Slack app. */
export function hasSlackCredentials(env: Readonly<Record<string, string | undefined>>): boolean {
  return (env.SLACK_BOT_TOKEN ?? "") !== "" && (env.SLACK_SIGNING_SECRET ?? "") !== "";
}

/**
 * Starts the Databricks emulator and the bot with the environment's Slack settings. `PTBOT_APPROVERS` is required
 * here (a real workspace's ids are not known in advance): without it `loadConfig` throws a `ConfigError` naming it.
 */
export async function startRealSlack(options: RealSlackOptions): Promise<RunningRealSlack> {
  const { databasePath, logPath, temporary } = sandboxPaths(options);
  const ownDatabricks = Object.fromEntries(
    Object.entries(options.env).filter(([key]) => !key.startsWith("DATABRICKS_")),
  );
  // Checked before anything starts, so a missing variable costs nothing.
  loadConfig({ ...ownDatabricks, PTBOT_DATABASE: databasePath });
  const databricks = await startDatabricksEmulator({ port: 0, provisioningMs: options.provisioningMs });
  try {
    const config = loadConfig({
      PTBOT_POLL_INTERVAL_MS: "500",
      ...ownDatabricks,
      DATABRICKS_HOST: databricks.url,
      DATABRICKS_TOKEN: databricks.token,
      PTBOT_DATABASE: databasePath,
    });
    mkdirSync(dirname(logPath), { recursive: true });
    const destination = pino.destination({ dest: logPath, sync: true, mkdir: true });
    const logger = createLogger({ level: config.log.level, destination });
    const bot = await startPtbot({ config, logger, owner: "sandbox" });
    let stopping: Promise<void> | undefined;
    return {
      bot,
      databricks,
      config,
      databasePath,
      temporaryDatabase: temporary,
      logPath,
      stop: () => {
        stopping ??= (async () => {
          await bot.stop();
          destination.end();
          await databricks.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await databricks.close();
    throw error;
  }
}

/** What to do next, for the terminal. */
export function realSlackInstructions(running: RunningRealSlack): string {
  const { config } = running;
  const approvers = [...config.policy.approverUsers, ...config.policy.approverGroups].join(", ");
  const lines = [
    "ptbot sandbox, real Slack mode: your Slack app's credentials, an emulated Databricks workspace.",
    `  approvers     ${approvers} (PTBOT_APPROVERS)`,
    `  models        ${defaultSeed()
      .models.map((m) => m.full_name)
      .join(", ")} (emulated)`,
    `  database      ${running.databasePath}${running.temporaryDatabase ? " (temporary; --db PATH keeps one)" : ""}`,
    `  bot logs      ${running.logPath}`,
    "",
  ];
  if (config.slack.appToken !== undefined) {
    lines.push(
      "Connected to Slack over Socket Mode (SLACK_APP_TOKEN): no public URL needed.",
      "Invite the app to a channel and type /pt deploy ml.llm-catalog.llama-13b 3 there.",
    );
  } else {
    const port = running.bot.port ?? config.port;
    lines.push(
      `ptbot listens on http://localhost:${port}/slack/events.`,
      "Slack must reach it at a public HTTPS address: run a tunnel to that port (for example `ngrok http " +
        `${port}\`) and set both the /pt slash command's Request URL and Interactivity's Request URL to`,
      "  https://<your tunnel host>/slack/events",
      "Then type /pt deploy ml.llm-catalog.llama-13b 3 in a channel the app is in.",
    );
  }
  lines.push("Ctrl-C stops the bot and the emulator.");
  return lines.join("\n");
}
