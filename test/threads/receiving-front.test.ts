/**
 * The receiving thread alone, its core a hand-written fake: signed HTTP from the Slack emulator's driver in, the
 * answers Slack gets and what is handed on out. A command is answered at once with the listener's words and handed
 * on as answered; a modal submission waits for the core's answer (relayed as it is; an empty one when the core is
 * late; a 500 when its listener failed); the health routes are passed on, and a core that does not answer them is
 * neither alive nor ready.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  defaultCredentials,
  defaultWorkspace,
  type SlackEmulator,
  signSlackRequest,
  startSlackEmulator,
} from "../../emulators/slack/index.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import {
  type CoreLink,
  type ReceivingFront,
  startReceivingFront,
} from "../../src/threads/receiving-front.js";
import type { FromCore, ToCore } from "../../src/threads/thread-messages.js";
import { waitUntil } from "../chaos/wait-until.js";

type Answer = Extract<FromCore, { type: "answer" }>;

/** A core that records what it is handed and answers submissions as the test says. */
class FakeCore implements CoreLink {
  readonly sent: ToCore[] = [];
  answer: (id: number) => Answer | undefined = () => undefined;
  send(message: ToCore): void {
    this.sent.push(message);
  }
  async answerOf(id: number, timeoutMs: number): Promise<Answer | undefined> {
    const answer = this.answer(id);
    if (answer !== undefined) return answer;
    await new Promise((resolve) => setTimeout(resolve, timeoutMs));
    return undefined;
  }
  events() {
    return this.sent.filter((m) => m.type === "event");
  }
}

let slack: SlackEmulator | undefined;
let front: ReceivingFront | undefined;
let routes: Server | undefined;
afterEach(async () => {
  await front?.stop();
  await slack?.close();
  if (routes?.listening) await new Promise((resolve) => routes?.close(resolve));
  front = undefined;
  slack = undefined;
  routes = undefined;
});

async function start(core: FakeCore, routesPort = 1) {
  slack = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials, port: 0 });
  const config = loadConfig({
    SLACK_BOT_TOKEN: defaultCredentials.botToken,
    SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    DATABRICKS_HOST: "http://127.0.0.1:1",
    DATABRICKS_TOKEN: "dapi0123456789abcdef0123456789abcdef",
    PTBOT_APPROVERS: "U0APPROVER",
    PORT: "0",
    HOME: "/tmp",
  });
  front = await startReceivingFront({
    config,
    logger: createLogger({ level: "silent" }),
    core,
    routes: [{ path: "/healthz", method: ["GET"] }],
    routesPort,
    submissionWaitMs: 50,
  });
  const appUrl = `http://127.0.0.1:${front.port}/slack/events`;
  return { driver: slack.driver({ appUrl }), origin: `http://127.0.0.1:${front.port}` };
}

const submission = (view: Record<string, unknown>) =>
  `payload=${encodeURIComponent(
    JSON.stringify({ type: "view_submission", user: { id: "U0REQUESTER" }, view: { id: "V1", ...view } }),
  )}`;

describe("the receiving thread", () => {
  it("answers a command at once with the listener's words and hands it on as answered", async () => {
    const core = new FakeCore();
    const { driver } = await start(core);
    const bad = await driver.slashCommand({
      user: "U0REQUESTER",
      channel: "C0MLDEPLOY",
      text: "status Bad_Name!",
    });
    expect(JSON.stringify(bad.body)).toContain("is not a valid endpoint name");
    const deploy = await driver.slashCommand({
      user: "U0REQUESTER",
      channel: "C0MLDEPLOY",
      text: "deploy ml.llm-catalog.llama-13b 3",
    });
    expect(deploy.body).toMatchObject({ response_type: "ephemeral" });
    expect(JSON.stringify(deploy.body)).toContain("in Unity Catalog…");
    const handed = core.events();
    expect(handed.map((e) => [e.body.text, e.acked])).toEqual([
      ["status Bad_Name!", true],
      ["deploy ml.llm-catalog.llama-13b 3", true],
    ]);
    // Each ack's time goes to the core's metrics, with the request it answered.
    expect(handed.map((e) => e.ackedIn?.kind)).toEqual(["command", "command"]);
  });

  it("relays the core's answer to a modal submission, closes the modal when it is late, 500s when it failed", async () => {
    const core = new FakeCore();
    const { driver } = await start(core);
    core.answer = (id) => ({
      type: "answer",
      id,
      response: { response_action: "errors", errors: { ptbot_adjust_min: "Too many." } },
    });
    const refused = await driver.sendRaw({ body: submission({ callback_id: "ptbot_adjust" }) });
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ response_action: "errors", errors: { ptbot_adjust_min: "Too many." } });
    expect(core.events().at(-1)).toMatchObject({ acked: false, body: { type: "view_submission" } });

    core.answer = () => undefined;
    const late = await driver.sendRaw({ body: submission({ callback_id: "ptbot_adjust" }) });
    expect({ status: late.status, body: late.body }).toEqual({ status: 200, body: undefined });

    core.answer = (id) => ({ type: "answer", id, failed: true });
    const failed = await driver.sendRaw({ body: submission({ callback_id: "ptbot_adjust" }) });
    expect(failed.status).toBe(500);
    // The two answered submissions were timed; the one whose listener failed was not answered by ptbot.
    expect(
      core.sent.filter((m) => m.type === "ack-time").map((m) => m.type === "ack-time" && m.kind),
    ).toEqual(["view_submission", "view_submission"]);
  });

  it("refuses a request that finishes arriving after the stop began: not acked, not handed to a draining core", async () => {
    const core = new FakeCore();
    await start(core);
    const port = front?.port ?? 0;
    const body = "command=%2Fpt&text=help&user_id=U0REQUESTER&channel_id=C0MLDEPLOY";
    const ts = Math.floor(Date.now() / 1000);
    const signature = signSlackRequest({
      signingSecret: defaultCredentials.signingSecret,
      timestamp: ts,
      body,
    });
    const socket = connect(port, "127.0.0.1");
    await once(socket, "connect");
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString();
    });
    // Headers in, the body not yet: the request is open when the stop begins. Node answers `Expect: 100-continue`
    // once it has parsed the headers, which tells the test when that is.
    socket.write(
      `POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
        `Content-Length: ${body.length}\r\nExpect: 100-continue\r\nX-Slack-Request-Timestamp: ${ts}\r\n` +
        `X-Slack-Signature: ${signature}\r\n\r\n`,
    );
    await waitUntil(() => answer.startsWith("HTTP/1.1 100 Continue"), {
      timeoutMs: 5_000,
      description: "the server to read the headers",
    });
    const stopping = front?.stop();
    front = undefined;
    socket.end(body);
    await once(socket, "close");
    await stopping;
    expect(answer.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, "")).toMatch(/^HTTP\/1\.1 500/);
    expect(core.events()).toEqual([]);
  });

  it("passes the health routes on to the core, and answers 503 when the core does not", async () => {
    routes = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
    await new Promise<void>((resolve) => routes?.listen(0, "127.0.0.1", resolve));
    const { origin } = await start(new FakeCore(), (routes.address() as AddressInfo).port);
    const alive = await fetch(`${origin}/healthz`);
    expect({ status: alive.status, body: await alive.json() }).toEqual({
      status: 200,
      body: { ok: true, path: "/healthz" },
    });
    await new Promise((resolve) => routes?.close(resolve));
    const gone = await fetch(`${origin}/healthz`);
    expect({ status: gone.status, body: await gone.json() }).toEqual({
      status: 503,
      body: { ok: false, detail: "core_unreachable" },
    });
  });
});
