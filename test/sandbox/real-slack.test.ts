/**
 * The sandbox's real-Slack mode, with the Slack emulator standing in for slack.com (through `SLACK_API_URL`, as
 * Slack for government agencies does): the bot joins "that workspace", says where Slack must reach it, answers
 * there, and stops on SIGINT.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  defaultCredentials,
  defaultWorkspace,
  type SlackEmulator,
  startSlackEmulator,
} from "../../emulators/slack/index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function emulator(): Promise<SlackEmulator> {
  const slack = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials, port: 0 });
  cleanups.push(() => slack.close());
  return slack;
}

function start(env: Record<string, string>): ChildProcessWithoutNullStreams {
  const dir = mkdtempSync(join(tmpdir(), "ptbot-real-"));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "sandbox/main.ts", "--provisioning-ms", "500", "--db", join(dir, "s.db")],
    { cwd: ROOT, stdio: "pipe", env: { PATH: process.env.PATH ?? "", HOME: dir, ...env } },
  );
  cleanups.push(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return child;
}

/** Collects stdout until a line matches, failing with stderr if the process exits first. */
async function untilLine(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpMatchArray> {
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`sandbox exited (${code}) early: ${stderr}`);
  });
  const read = (async () => {
    for await (const line of createInterface({ input: child.stdout })) {
      const match = line.match(pattern);
      if (match !== null) return match;
    }
    throw new Error(`no line matching ${pattern}: ${stderr}`);
  })();
  return Promise.race([read, exited]);
}

const slackEnv = (slack: SlackEmulator) => ({
  SLACK_BOT_TOKEN: defaultCredentials.botToken,
  SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
  SLACK_API_URL: slack.apiUrl,
  PTBOT_APPROVERS: "U0APPROVER",
  PORT: "0",
});

describe("the sandbox with Slack credentials", () => {
  it("over HTTP: prints the request URL, answers /pt there, and stops on SIGINT", async () => {
    const slack = await emulator();
    const child = start(slackEnv(slack));
    const [, url] = await untilLine(child, /^ptbot listens on (http:\/\/localhost:\d+\/slack\/events)\.$/);
    const driver = slack.driver({ appUrl: (url ?? "").replace("localhost", "127.0.0.1") });
    const since = slack.lastSeq;
    await driver.slashCommand({
      user: "U0REQUESTER",
      channel: "C0MLDEPLOY",
      text: "deploy ml.llm-catalog.llama-13b 3",
    });
    const card = await slack.waitForMessage((m) => m.text.includes("llama-13b"), {
      since,
      timeoutMs: 5000,
      description: "the card",
    });
    expect(card.blocks.length).toBeGreaterThan(0);
    const exit = once(child, "exit");
    child.kill("SIGINT");
    const [code] = await exit;
    expect(code).toBe(0);
  });

  it("over Socket Mode: says it is connected, with no URL to configure", async () => {
    const slack = await emulator();
    const child = start({ ...slackEnv(slack), SLACK_APP_TOKEN: defaultCredentials.appToken });
    await untilLine(child, /^Connected to Slack over Socket Mode/);
    // The bot's Socket Mode client may report itself connected a moment before the hub counts the link.
    await slack.waitForSocketConnections(1, 5000);
    expect(slack.socketConnectionCount).toBe(1);
    const exit = once(child, "exit");
    child.kill("SIGTERM");
    const [code, signal] = await exit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
