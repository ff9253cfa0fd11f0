/**
 * The real ptbot (`startPtbot`, configured by `loadConfig`) between the two emulators: Slack sends signed requests
 * through the emulator's driver, ptbot answers through the emulator's Web API and response_urls, and Databricks is
 * the loopback workspace with a short provisioning time. Tests wait on the emulators' events, never on sleeps.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import {
  type DatabricksEmulator,
  type DatabricksEmulatorOptions,
  startDatabricksEmulator,
} from "../../emulators/databricks/index.js";
import {
  defaultCredentials,
  defaultWorkspace,
  type PostRateLimit,
  type SlackDriver,
  type SlackEmulator,
  type SlackEmulatorEvent,
  type SlackEmulatorOptions,
  type SlackWorkspace,
  type StoredMessage,
  startSlackEmulator,
} from "../../emulators/slack/index.js";
import { loadConfig } from "../../src/config.js";
import { type PtbotOptions, type RunningPtbot, startPtbot } from "../../src/main.js";
import { CARD_BLOCKS } from "../../src/slack/ids.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/store.js";
import type { Clock } from "../../src/workflow/ports.js";
import { waitUntil } from "../chaos/wait-until.js";
import { memoryLogger } from "../fakes/memory-logger.js";

export const REQUESTER = "U0REQUESTER";
export const APPROVER = "U0APPROVER";
export const STRANGER = "U0STRANGER";
export const CHANNEL = "C0MLDEPLOY";
export const APPROVER_GROUP = "S0MLAPPROVE";
export const LLAMA = "ml.llm-catalog.llama-13b";

/** Real time plus an offset the test moves forward: ptbot's clock, so expiry can be reached without waiting. */
export class ShiftedClock implements Clock {
  #offset = 0;

  now(): number {
    return Date.now() + this.#offset;
  }

  advance(ms: number): void {
    this.#offset += ms;
  }
}

export interface HarnessOptions {
  /** Replaces the default workspace's parts (users, channels, usergroups). */
  readonly workspace?: Partial<SlackWorkspace>;
  /** Environment overrides for `loadConfig`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Databricks provisioning time; default 300 ms. */
  readonly provisioningMs?: number;
  /** The Databricks emulator's seed; default its `default-seed.json`. */
  readonly seed?: DatabricksEmulatorOptions["seed"];
  /** Run over Socket Mode instead of signed HTTP. */
  readonly socketMode?: boolean;
  /** Run on PostgreSQL at this URL (`PTBOT_DATABASE_URL`) instead of an in-memory SQLite store. */
  readonly databaseUrl?: string;
  /** Wraps the store ptbot opens (e.g. `unpluggable`, to take the database away). */
  readonly wrapStore?: (store: Store) => Store;
  /** Slack emulator options beyond the workspace: a free plan, the token's scopes, the per-channel post limit. */
  readonly slack?: Pick<SlackEmulatorOptions, "freePlan" | "scopes" | "postRateLimit">;
  /** Runs on the Slack emulator before ptbot starts (a fault its start-up check should meet). */
  readonly beforeStart?: (slack: SlackEmulator) => void;
  /** Real time each Databricks invocation takes; default 0. */
  readonly invocationLatencyMs?: number;
  /**
   * A policy file (`PTBOT_CONFIG_FILE`), as YAML text made from the Databricks emulator's URL; its workspaces
   * authenticate with `token_env: HARNESS_DATABRICKS_TOKEN` (the emulator's token). With it, the environment's policy
   * variables (`DATABRICKS_HOST`, `PTBOT_APPROVERS`) are left unset, as the file requires.
   */
  readonly policyFile?: (databricksUrl: string) => string;
  /**
   * Several Databricks workspaces (issue 14): one emulator each, and a policy file in a temp dir naming them (each
   * with a token from its own environment variable, the approvers of {@link APPROVER} and {@link APPROVER_GROUP}
   * as defaults). Default: the one workspace `default` from the environment, as before.
   */
  readonly workspaces?: readonly WorkspaceSetup[];
  /**
   * The tracker's bounds (`startPtbot`'s `trackerBounds`): a workspace's list call before it counts as down, the
   * stop's wait for work in hand (a create retrying a dead workspace never ends in time). Default 5 s each.
   */
  readonly trackerBounds?: PtbotOptions["trackerBounds"];
  /** The policy file's `channels` (with {@link workspaces}). */
  readonly channels?: Readonly<Record<string, { readonly default?: string; readonly workspaces?: string[] }>>;
}

/** One workspace of {@link HarnessOptions.workspaces}. */
export interface WorkspaceSetup {
  readonly name: string;
  /** Its `policy:` in the file (snake_case keys, as written there). */
  readonly policy?: Readonly<Record<string, unknown>>;
}

export interface Harness {
  readonly slack: SlackEmulator;
  /** The (first) workspace's Databricks emulator. */
  readonly dbx: DatabricksEmulator;
  /** Each workspace's emulator by name (with `workspaces`; else `default` only). */
  readonly dbxOf: Readonly<Record<string, DatabricksEmulator>>;
  readonly running: RunningPtbot;
  readonly driver: SlackDriver;
  readonly clock: ShiftedClock;
  /** ptbot's log lines (JSON objects). */
  readonly logs: Record<string, unknown>[];
  /** `http://127.0.0.1:PORT/slack/events` (HTTP mode). */
  readonly appUrl: string;
  /** Runs `/pt <text>` as `user` in `channel` and waits for the card ptbot posts in answer. */
  deploy(text: string, user?: string, channel?: string): Promise<StoredMessage>;
  /** The newest version of a message. */
  latest(message: StoredMessage): StoredMessage;
  /** Waits for a reply in the card's thread whose text satisfies `test`. */
  waitForReply(
    card: StoredMessage,
    test: (text: string) => boolean,
    timeoutMs?: number,
  ): Promise<StoredMessage>;
  /** Waits for the card to be edited into a version that satisfies `test`. */
  waitForCard(
    card: StoredMessage,
    test: (m: StoredMessage) => boolean,
    timeoutMs?: number,
  ): Promise<StoredMessage>;
  /** Waits for an ephemeral message to `user` whose text satisfies `test` (after `since`, a `seq`). */
  waitForEphemeral(user: string, test: (text: string) => boolean, since?: number): Promise<string>;
  /**
   * Runs `/pt <text>` as `user` in `channel`, checks it was acknowledged in time, and returns the private answer
   * that follows the progress line ("Looking up …", "Cancelling …") of the ack.
   */
  answer(text: string, user?: string, channel?: string): Promise<string>;
  /** The thread replies' texts, oldest first. */
  replies(card: StoredMessage): string[];
  /**
   * Stops ptbot and starts it again on the same configuration, clock and emulators (a restart: with a database file
   * or PostgreSQL, the state carries over; `:memory:` starts empty), on the same port. `running` is the new one
   * afterwards.
   */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Slack's per-channel post limit as the harness runs it (unless a test passes its own): Slack's sustained rate, one
 * post a second per channel, with a burst above what any test here posts in its channel at once (34 at most: /pt
 * cost's four deploys). With the emulator's burst of 10, the tests that run several conversations in one channel
 * met the limit by accident and spent most of their time waiting out Retry-After (a rollback test 8 of its 10 s,
 * /pt cost 15 of 17 s). ptbot under the limit is tested where that is the point: the emulator's own
 * post-rate-limit test, the chaos rate-limit test (scripted 429s, counted), the bench's spread row.
 */
const HARNESS_POST_RATE_LIMIT: PostRateLimit = { perSecond: 1, burst: 50 };

/** The ack's progress line, which the real answer follows. */
const PROGRESS = /^(Looking up|Cancelling) /;

export function isCard(m: StoredMessage): boolean {
  return m.threadTs === undefined && m.blocks.some((b) => b.block_id === CARD_BLOCKS.status);
}

/** Every piece of text in a message's blocks (section text, fields, context, buttons), for assertions. */
export function blockText(m: Pick<StoredMessage, "blocks">): string {
  return JSON.stringify(m.blocks);
}

/** ptbot's `/readyz` answer. */
export async function readyz(port: number | undefined): Promise<{
  ready?: boolean;
  checks?: Record<string, { ok: boolean; detail?: string } | undefined>;
}> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  return (await res.json()) as { ready?: boolean };
}

/** Writes a policy file into a new temporary directory; returns its path. */
function writePolicyFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "ptbot-policy-")), "ptbot.yaml");
  writeFileSync(path, yaml);
  return path;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = new ShiftedClock();
  const setups = options.workspaces ?? [{ name: "default" }];
  const emulators = await Promise.all(
    setups.map(() =>
      startDatabricksEmulator({
        port: 0,
        provisioningMs: options.provisioningMs ?? 300,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.invocationLatencyMs === undefined
          ? {}
          : { invocationLatencyMs: options.invocationLatencyMs }),
      }),
    ),
  );
  const dbxOf: Record<string, DatabricksEmulator> = Object.fromEntries(
    setups.map((w, i) => [w.name, emulators[i] as DatabricksEmulator]),
  );
  const dbx = emulators[0] as DatabricksEmulator;
  const closeEmulators = () => Promise.all(emulators.map((e) => e.close()));
  const slack = await startSlackEmulator({
    ...defaultWorkspace,
    ...options.workspace,
    postRateLimit: HARNESS_POST_RATE_LIMIT,
    ...options.slack,
    ...defaultCredentials,
    port: 0,
  });
  options.beforeStart?.(slack);
  const { logger, lines } = memoryLogger("info");
  let running: RunningPtbot;
  let start: (port?: number) => Promise<RunningPtbot>;
  try {
    const workspaceEnv =
      options.workspaces === undefined
        ? {
            DATABRICKS_HOST: dbx.url,
            DATABRICKS_TOKEN: dbx.token,
            PTBOT_APPROVERS: `${APPROVER},${APPROVER_GROUP}`,
          }
        : policyFileEnv(options.workspaces, dbxOf, options.channels);
    const config = loadConfig({
      PORT: "0",
      HOME: mkdtempSync(join(tmpdir(), "ptbot-home-")),
      SLACK_BOT_TOKEN: defaultCredentials.botToken,
      SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      ...(options.socketMode === true ? { SLACK_APP_TOKEN: defaultCredentials.appToken } : {}),
      ...(options.policyFile === undefined
        ? workspaceEnv
        : {
            PTBOT_CONFIG_FILE: writePolicyFile(options.policyFile(dbx.url)),
            HARNESS_DATABRICKS_TOKEN: dbx.token,
          }),
      ...(options.databaseUrl === undefined
        ? { PTBOT_DATABASE: ":memory:" }
        : { PTBOT_DATABASE_URL: options.databaseUrl }),
      PTBOT_POLL_INTERVAL_MS: "100",
      ...options.env,
    });
    const wrap = options.wrapStore;
    start = (port?: number) =>
      startPtbot({
        config: port === undefined ? config : { ...config, port },
        logger,
        clock,
        owner: "integration",
        ...(options.trackerBounds === undefined ? {} : { trackerBounds: options.trackerBounds }),
        ...(wrap === undefined ? {} : { openStore: async (db, log) => wrap(await openStore(db, log)) }),
      });
    running = await start();
  } catch (error) {
    await Promise.all([slack.close(), closeEmulators()]);
    throw error;
  }
  const appUrl = `http://127.0.0.1:${running.port}/slack/events`;
  // The approver-group check runs in the background after the start: wait for it, so that what it read (and
  // cached) is the same in every run.
  await waitUntil(async () => (await readyz(running.port)).checks?.approverGroups?.detail !== "pending", {
    timeoutMs: 5_000,
    description: "the approver-group check at start",
  });
  const driver = options.socketMode === true ? slack.driver({ socket: true }) : slack.driver({ appUrl });

  const waitForEphemeral: Harness["waitForEphemeral"] = async (user, test, since = 0) => {
    const event = await slack.waitFor(
      (e: SlackEmulatorEvent) =>
        e.type === "ephemeral_posted" && e.ephemeral.user === user && test(e.ephemeral.text),
      { since, timeoutMs: 5000, description: `an ephemeral message to ${user}` },
    );
    return event.type === "ephemeral_posted" ? event.ephemeral.text : "";
  };
  const latest = (m: StoredMessage) => slack.message(m.channel, m.ts) ?? m;
  return {
    slack,
    dbx,
    get running() {
      return running;
    },
    dbxOf,
    driver,
    clock,
    logs: lines,
    appUrl,
    async deploy(text, user = REQUESTER, channel = CHANNEL) {
      const since = slack.lastSeq;
      const result = await driver.slashCommand({ user, channel, text });
      if (result.status !== 200) throw new Error(`/pt ${text} answered HTTP ${result.status}`);
      return slack.waitForMessage((m) => m.channel === channel && isCard(m), {
        since,
        timeoutMs: 5000,
        description: `the card for /pt ${text}`,
      });
    },
    latest,
    waitForReply(card, test, timeoutMs = 5000) {
      return slack.waitForMessage((m) => m.threadTs === card.ts && test(m.text), {
        timeoutMs,
        description: `a reply in ${card.ts}'s thread`,
      });
    },
    waitForCard(card, test, timeoutMs = 5000) {
      return slack.waitForMessage((m) => m.ts === card.ts && m.channel === card.channel && test(m), {
        timeoutMs,
        description: `card ${card.ts} to change`,
      });
    },
    waitForEphemeral,
    async answer(text, user = REQUESTER, channel = CHANNEL) {
      const since = slack.lastSeq;
      const result = await driver.slashCommand({ user, channel, text });
      if (result.status !== 200) throw new Error(`/pt ${text} answered HTTP ${result.status}`);
      if (result.late) throw new Error(`/pt ${text} was acknowledged too late`);
      return waitForEphemeral(user, (t) => !PROGRESS.test(t), since);
    },
    replies(card) {
      return slack
        .thread(card.channel, card.ts)
        .slice(1)
        .map((m) => m.text);
    },
    async restart() {
      // The same port, so Slack's driver keeps reaching the app at the URL it was given.
      const port = running.port;
      await running.stop();
      running = await start(port);
    },
    async close() {
      await running.stop();
      await Promise.all([slack.close(), closeEmulators()]);
      // Slack dropped these answers and showed the user an error: a test in which ptbot was late fails here.
      const late = slack.lateAcks;
      if (late.length > 0) {
        throw new Error(`ptbot answered Slack too late (> 3 s): ${late.map((w) => w.message).join("; ")}`);
      }
    },
  };
}

/** A policy file naming each workspace on its emulator (written to a temp dir), and the environment pointing at it. */
function policyFileEnv(
  workspaces: readonly WorkspaceSetup[],
  dbxOf: Readonly<Record<string, DatabricksEmulator>>,
  channels: HarnessOptions["channels"],
): Record<string, string> {
  const env: Record<string, string> = {};
  const tokenEnv = (name: string) => `DATABRICKS_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_TOKEN`;
  const file = {
    defaults: { approvers: [APPROVER, APPROVER_GROUP] },
    workspaces: Object.fromEntries(
      workspaces.map((w) => {
        const emulator = dbxOf[w.name] as DatabricksEmulator;
        env[tokenEnv(w.name)] = emulator.token;
        return [
          w.name,
          {
            host: emulator.url,
            auth: { token_env: tokenEnv(w.name) },
            ...(w.policy === undefined ? {} : { policy: w.policy }),
          },
        ];
      }),
    ),
    ...(channels === undefined ? {} : { channels }),
  };
  const path = join(mkdtempSync(join(tmpdir(), "ptbot-policy-")), "ptbot.yaml");
  writeFileSync(path, stringify(file));
  return { ...env, PTBOT_CONFIG_FILE: path };
}
