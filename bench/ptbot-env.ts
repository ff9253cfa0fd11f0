/**
 * The environment a benchmarked ptbot runs with, against loopback emulators: the same variables `npm start` reads,
 * so in-process scenarios and child processes are configured the same way.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabricksEmulator } from "../emulators/databricks/index.js";
import { defaultCredentials, type SlackEmulator } from "../emulators/slack/index.js";

export const REQUESTER = "U0REQUESTER";
export const APPROVER = "U0APPROVER";
export const CHANNEL = "C0MLDEPLOY";
export const MODEL = "ml.llm-catalog.llama-13b";

export function ptbotEnv(options: {
  readonly slack: SlackEmulator;
  readonly dbx: DatabricksEmulator;
  readonly pollIntervalMs?: number;
  readonly databasePath?: string;
  /** PostgreSQL instead of the SQLite file (replicas). */
  readonly databaseUrl?: string;
}): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "ptbot-bench-"));
  return {
    PORT: "0",
    HOME: dir,
    LOG_LEVEL: "silent",
    SLACK_BOT_TOKEN: defaultCredentials.botToken,
    SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
    SLACK_API_URL: options.slack.apiUrl,
    DATABRICKS_HOST: options.dbx.url,
    DATABRICKS_TOKEN: options.dbx.token,
    PTBOT_APPROVERS: APPROVER,
    ...(options.databaseUrl === undefined
      ? { PTBOT_DATABASE: options.databasePath ?? join(dir, "ptbot.db") }
      : { PTBOT_DATABASE_URL: options.databaseUrl }),
    PTBOT_POLL_INTERVAL_MS: String(options.pollIntervalMs ?? 15_000),
  };
}
