import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SlackEmulatorError } from "../../../emulators/slack/errors.js";
import { signSlackRequest } from "../../../emulators/slack/signing.js";
import type { SlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import { ADA, CHANNEL, cardBlocks, GRACE, SIGNING_SECRET, startTestEmulator, webClient } from "./fixtures.js";

/** A bare HTTP server standing in for the app: records what arrives, answers as told. */
interface Recorded {
  headers: IncomingHttpHeaders;
  body: string;
}
let emulator: SlackEmulator;
let server: Server;
let appUrl: string;
let seen: Recorded[] = [];
let answer: (res: import("node:http").ServerResponse) => void = (res) => res.end();

beforeAll(async () => {
  emulator = await startTestEmulator();
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
    answer(res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterEach(() => {
  seen = [];
  answer = (res) => res.end();
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await emulator.close();
});

describe("the driver's requests on the wire", () => {
  it("slash commands: exact content type, a signature over the raw body, the signer's clock", async () => {
    const driver = emulator.driver({ appUrl, signingClock: () => 1_700_000_123_456 });
    await driver.slashCommand({ user: ADA, channel: CHANNEL, text: "deploy a & b" });
    const [request] = seen;
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request?.headers["x-slack-request-timestamp"]).toBe("1700000123");
    expect(request?.headers["x-slack-signature"]).toBe(
      signSlackRequest({
        signingSecret: SIGNING_SECRET,
        timestamp: 1_700_000_123,
        body: request?.body ?? "",
      }),
    );
    const fields = new URLSearchParams(request?.body);
    expect([...fields.keys()]).toEqual([
      "token",
      "team_id",
      "team_domain",
      "channel_id",
      "channel_name",
      "user_id",
      "user_name",
      "command",
      "text",
      "api_app_id",
      "is_enterprise_install",
      "response_url",
      "trigger_id",
    ]);
    expect(fields.get("text")).toBe("deploy a & b");
    expect(fields.get("command")).toBe("/pt");
  });

  it("interactions: a single form field `payload` holding the JSON", async () => {
    const posted = await webClient(emulator).chat.postMessage({
      channel: CHANNEL,
      text: "c",
      blocks: cardBlocks(["go"]),
    });
    await emulator
      .driver({ appUrl })
      .clickButton({ user: GRACE, channel: CHANNEL, messageTs: posted.ts ?? "", actionId: "go" });
    const form = new URLSearchParams(seen[0]?.body);
    expect([...form.keys()]).toEqual(["payload"]);
    expect(JSON.parse(form.get("payload") ?? "{}")).toMatchObject({
      type: "block_actions",
      actions: [{ action_id: "go" }],
    });
  });

  it("stale timestamps and raw bodies are sent exactly as asked", async () => {
    const driver = emulator.driver({ appUrl, signingClock: () => 1_700_000_000_000 });
    await driver.slashCommand({ user: ADA, channel: CHANNEL, text: "x" }, { timestampSkewSeconds: -360 });
    await driver.sendRaw({ body: "{}", contentType: "application/json" });
    expect(seen[0]?.headers["x-slack-request-timestamp"]).toBe(String(1_700_000_000 - 360));
    expect(seen[1]).toMatchObject({ body: "{}", headers: { "content-type": "application/json" } });
    expect(seen[1]?.headers["x-slack-signature"]).toBe(
      signSlackRequest({ signingSecret: SIGNING_SECRET, timestamp: 1_700_000_000, body: "{}" }),
    );
  });

  it("returns the app's answer parsed, and fails with ack_timeout when none comes", async () => {
    answer = (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"response_action":"clear"}');
    };
    const driver = emulator.driver({ appUrl });
    const result = await driver.sendRaw({ body: "payload=%7B%7D" });
    expect(result).toMatchObject({ status: 200, body: { response_action: "clear" }, late: false });

    answer = () => {};
    const error = await emulator
      .driver({ appUrl, ackTimeoutMs: 50 })
      .slashCommand({ user: ADA, channel: CHANNEL, text: "x" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackEmulatorError);
    expect((error as SlackEmulatorError).code).toBe("ack_timeout");
  });
});
