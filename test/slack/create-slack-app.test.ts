/**
 * The Bolt app's own wiring, against the Slack emulator: the token is checked at start, extra routes are served
 * beside `/slack/events`, Bolt's logging lands in pino without tokens; the listeners are registered when it is built.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  defaultCredentials,
  defaultWorkspace,
  type SlackEmulator,
  startSlackEmulator,
} from "../../emulators/slack/index.js";
import { approvalPolicy } from "../../src/domain/index.js";
import { hasCode } from "../../src/errors.js";
import { createSlackApp, type SlackApp, type SlackAppWiring } from "../../src/slack/create-slack-app.js";
import { ManualClock } from "../fakes/manual-clock.js";
import { memoryLogger } from "../fakes/memory-logger.js";

let slack: SlackEmulator;
let app: SlackApp | undefined;

beforeEach(async () => {
  slack = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials, port: 0 });
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await slack.close();
});

/** Enough wiring for `/pt help`, which touches nothing but the policy. */
const wiring: SlackAppWiring = {
  workflow: {} as SlackAppWiring["workflow"],
  store: {} as SlackAppWiring["store"],
  databricks: {
    endpointUrl: (n: string) => `https://dbx.example/ml/endpoints/${n}`,
  } as SlackAppWiring["databricks"],
  policy: approvalPolicy({ approverUsers: ["U0APPROVER"] }),
};

function build(botToken: string = defaultCredentials.botToken) {
  const memory = memoryLogger("info");
  const acks: string[] = [];
  app = createSlackApp({
    config: {
      botToken,
      signingSecret: defaultCredentials.signingSecret,
      apiUrl: slack.apiUrl,
      appToken: undefined,
    },
    port: 0,
    clock: new ManualClock(),
    logger: memory.logger,
    listeners: wiring,
    customRoutes: [
      { path: "/healthz", method: ["GET"], handler: (_req, res) => res.writeHead(200).end("ok") },
    ],
    onAck: (kind) => acks.push(kind),
  });
  return { app, lines: memory.lines, acks };
}

describe("createSlackApp", () => {
  it("serves /slack/events and the extra routes on the port it reports", async () => {
    const { app: started, acks } = build();
    await started.start();
    expect(started.port).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${started.port}/healthz`)).status).toBe(200);
    const driver = slack.driver({ appUrl: `http://127.0.0.1:${started.port}/slack/events` });
    const help = await driver.slashCommand({ user: "U0REQUESTER", channel: "C0MLDEPLOY", text: "help" });
    expect(help.status).toBe(200);
    expect(JSON.stringify(help.body)).toContain("/pt deploy");
    expect(acks).toEqual(["command"]);
  });

  it("refuses to start when Slack rejects the bot token", async () => {
    const { app: started } = build("xoxb-not-the-right-one");
    const error = await started.start().catch((e: unknown) => e);
    expect(hasCode(error, "slack_auth_failed")).toBe(true);
  });

  it("logs Bolt's words through pino, without the token", async () => {
    const { app: started, lines } = build();
    await started.start();
    const driver = slack.driver({ appUrl: `http://127.0.0.1:${started.port}/slack/events` });
    const forged = await driver.slashCommand(
      { user: "U0REQUESTER", channel: "C0MLDEPLOY", text: "help" },
      { signature: "v0=forged" },
    );
    expect(forged.status).toBe(401);
    expect(lines.some((l) => l.msg === "slack sdk log" && l.level === 40)).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(defaultCredentials.botToken);
  });
});
