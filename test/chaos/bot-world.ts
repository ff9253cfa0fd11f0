/**
 * ptbot as a child process (see `bot-process.ts`) between the two emulators, which stay in the test process: the
 * bot can be SIGKILLed and started again on the same port and database file, as a container restart would.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DatabricksEmulator, startDatabricksEmulator } from "../../emulators/databricks/index.js";
import {
  defaultCredentials,
  defaultWorkspace,
  type SlackEmulator,
  startSlackEmulator,
} from "../../emulators/slack/index.js";
import { type BotChild, freePort, startBotChild } from "./bot-child.js";

/** Longer than the notice lease a killed process leaves behind (2 min): see `bot-process.ts`. */
export const SKEW_PER_RESTART_MS = 150_000;

export interface BotWorld {
  readonly dbx: DatabricksEmulator;
  readonly slack: SlackEmulator;
  readonly dbPath: string;
  /** `http://127.0.0.1:PORT/slack/events`, the same across restarts. */
  readonly appUrl: string;
  /** The running bot (a new one after each {@link restart}). */
  readonly bot: BotChild;
  readonly restarts: number;
  /** Starts the bot again (after it died), its clock a further {@link SKEW_PER_RESTART_MS} ahead (unless `instanceId`). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface BotWorldOptions {
  readonly provisioningMs: number;
  /**
   * Run the bot with `PTBOT_INSTANCE_ID` set to this (the same across restarts) instead of the test-only `--owner`,
   * and without moving its clock ahead at each restart: the restarted process must take its leases back by itself.
   */
  readonly instanceId?: string;
}

export async function startBotWorld(options: BotWorldOptions): Promise<BotWorld> {
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
  const dir = mkdtempSync(join(tmpdir(), "ptbot-chaos-"));
  const port = await freePort();
  const dbPath = join(dir, "ptbot.db");
  const env = {
    PORT: String(port),
    HOME: dir,
    LOG_LEVEL: "info",
    SLACK_BOT_TOKEN: defaultCredentials.botToken,
    SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    DATABRICKS_HOST: dbx.url,
    DATABRICKS_TOKEN: dbx.token,
    PTBOT_APPROVERS: "U0APPROVER",
    PTBOT_DATABASE: dbPath,
    PTBOT_POLL_INTERVAL_MS: "100",
    ...(options.instanceId === undefined ? {} : { PTBOT_INSTANCE_ID: options.instanceId }),
  };
  const owner = options.instanceId === undefined ? "chaos-bot" : undefined;
  const skewAt = (restarts: number) =>
    options.instanceId === undefined ? restarts * SKEW_PER_RESTART_MS : 0;
  let bot: BotChild;
  try {
    bot = await startBotChild({ env, ...(owner === undefined ? {} : { owner }), clockSkewMs: 0 });
  } catch (error) {
    await Promise.all([slack.close(), dbx.close()]);
    throw error;
  }
  let restarts = 0;
  return {
    dbx,
    slack,
    dbPath,
    appUrl: `http://127.0.0.1:${port}/slack/events`,
    get bot() {
      return bot;
    },
    get restarts() {
      return restarts;
    },
    async restart() {
      restarts++;
      bot = await startBotChild({
        env,
        ...(owner === undefined ? {} : { owner }),
        clockSkewMs: skewAt(restarts),
      });
    },
    async close() {
      bot.kill("SIGKILL");
      await bot.exited;
      await Promise.all([slack.close(), dbx.close()]);
    },
  };
}
