/**
 * The ack-latency baseline: a Bolt 5 app with the default HTTPReceiver, the same signing secret and the same Slack
 * emulator behind its WebClient as ptbot, whose `/pt` handler does nothing but ack. Whatever ptbot adds on top of
 * Bolt's own request handling (parsing, policy, the store write before the ack, logging) shows up against it.
 */
import type { AddressInfo } from "node:net";
import bolt from "@slack/bolt";

export interface BareBoltApp {
  /** `http://127.0.0.1:PORT/slack/events`. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startBareBoltApp(options: {
  readonly signingSecret: string;
  readonly botToken: string;
  readonly slackApiUrl: string;
}): Promise<BareBoltApp> {
  const app = new bolt.App({
    signingSecret: options.signingSecret,
    token: options.botToken,
    clientOptions: { slackApiUrl: options.slackApiUrl },
    logLevel: bolt.LogLevel.ERROR,
  });
  app.command("/pt", async ({ ack }) => {
    await ack();
  });
  const server = await app.start({ port: 0, host: "127.0.0.1" });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    stop: () => app.stop().then(() => undefined),
  };
}
