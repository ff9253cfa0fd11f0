import type { AddressInfo } from "node:net";
import { App, LogLevel, type types, webApi } from "@slack/bolt";
import { defaultWorkspace } from "../../../emulators/slack/default-workspace.js";
import { type SlackEmulator, startSlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import type { SlackEmulatorOptions } from "../../../emulators/slack/types.js";

export const SIGNING_SECRET = "test-signing-secret";
export const BOT_TOKEN = "xoxb-test-bot-token";
export const APP_TOKEN = "xapp-test-app-token";

export const CHANNEL = "C0MLDEPLOY";

/** A Slack logger that drops everything: expected `[ERROR]` lines would clutter test output. */
export const silentLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};
export const ADA = "U0REQUESTER";
export const GRACE = "U0APPROVER";
export const LINUS = "U0STRANGER";

/** The default workspace plus a channel without the bot and a private one. */
export function startTestEmulator(overrides: Partial<SlackEmulatorOptions> = {}): Promise<SlackEmulator> {
  return startSlackEmulator({
    ...defaultWorkspace,
    channels: [
      ...defaultWorkspace.channels,
      { id: "C0NOBOT", name: "no-bot", members: [ADA] },
      { id: "G0SECRET", name: "secret", members: [ADA], isPrivate: true },
    ],
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    // One emulator serves a whole file's posts to one channel; the limit has its own tests, which turn it on.
    postRateLimit: "off",
    ...overrides,
  });
}

/** The real `@slack/web-api` client pointed at the emulator; no retries unless asked. */
export function webClient(
  emulator: SlackEmulator,
  token = BOT_TOKEN,
  options: ConstructorParameters<typeof webApi.WebClient>[1] = {},
): webApi.WebClient {
  return new webApi.WebClient(token, {
    slackApiUrl: emulator.apiUrl,
    logger: silentLogger,
    retryConfig: { retries: 0 },
    ...options,
  });
}

export interface RunningApp {
  readonly app: App;
  readonly appUrl: string;
  stop(): Promise<void>;
}

/** A real Bolt 5 app in HTTP mode (its default HTTPReceiver) on a free port, talking to the emulator. */
export async function startBoltApp(
  emulator: SlackEmulator,
  register: (app: App) => void,
): Promise<RunningApp> {
  const app = new App({
    token: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 } },
    logger: silentLogger,
  });
  register(app);
  const server = await app.start(0);
  const port = (server.address() as AddressInfo).port;
  return { app, appUrl: `http://127.0.0.1:${port}/slack/events`, stop: () => app.stop() as Promise<void> };
}

/** A bare minimum Block Kit message with one actions block. */
export function cardBlocks(actionIds: readonly string[]): types.KnownBlock[] {
  return [
    { type: "section", block_id: "summary", text: { type: "mrkdwn", text: "*Deploy* llama to `prod`" } },
    {
      type: "actions",
      block_id: "decision",
      elements: actionIds.map((id) => ({
        type: "button",
        action_id: id,
        text: { type: "plain_text", text: id },
        value: `value-${id}`,
      })),
    },
  ];
}
