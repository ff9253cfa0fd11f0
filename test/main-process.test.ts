/**
 * ptbot as a process, the way `npm start` and the Dockerfile run it: configuration refused with every problem listed,
 * health, readiness and metrics served, and a graceful exit on SIGTERM.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type DatabricksEmulator, startDatabricksEmulator } from "../emulators/databricks/index.js";
import {
  defaultCredentials,
  defaultWorkspace,
  type SlackEmulator,
  startSlackEmulator,
} from "../emulators/slack/index.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function run(env: Record<string, string>): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    stdio: "pipe",
    env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "ptbot-home-")), ...env },
  });
  cleanups.push(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return child;
}

/** Resolves with the first JSON log line that has `msg`, failing with stderr if the process ends first. */
async function logLine(child: ChildProcessWithoutNullStreams, msg: string): Promise<Record<string, unknown>> {
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`ptbot exited (${code}) before "${msg}": ${stderr}`);
  });
  const read = (async () => {
    for await (const line of createInterface({ input: child.stdout })) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.msg === msg) return parsed;
    }
    throw new Error(`no "${msg}" line: ${stderr}`);
  })();
  return Promise.race([read, exited]);
}

/**
 * Both emulators, and `env()`: the environment of a ptbot between them, on a SQLite file of its own, with `extra`
 * variables on top.
 */
async function emulators(): Promise<{
  dbx: DatabricksEmulator;
  slack: SlackEmulator;
  env: (extra?: Record<string, string>) => Record<string, string>;
}> {
  const dbx = await startDatabricksEmulator({ port: 0 });
  const slack = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials, port: 0 });
  cleanups.push(
    () => dbx.close(),
    () => slack.close(),
  );
  const env = (extra: Record<string, string> = {}) => ({
    PORT: "0",
    SLACK_BOT_TOKEN: defaultCredentials.botToken,
    SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    DATABRICKS_HOST: dbx.url,
    DATABRICKS_TOKEN: dbx.token,
    PTBOT_APPROVERS: "U0APPROVER",
    PTBOT_DATABASE: join(mkdtempSync(join(tmpdir(), "ptbot-")), "ptbot.db"),
    ...extra,
  });
  return { dbx, slack, env };
}

describe("ptbot's process", () => {
  it("refuses to start without its configuration, listing every missing variable at once", async () => {
    const child = run({ SLACK_BOT_TOKEN: "xoxb-secret-value-1" });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(stderr).toContain("ptbot cannot start");
    expect(stderr).toContain("SLACK_SIGNING_SECRET is required");
    expect(stderr).toContain("PTBOT_APPROVERS is required");
    expect(stderr).not.toContain("xoxb-secret-value-1");
  });

  it("serves health, readiness and metrics, and exits 0 on SIGTERM", async () => {
    const { env } = await emulators();
    const child = run(env());
    const started = await logLine(child, "ptbot started");
    const base = `http://127.0.0.1:${started.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      checks: { store: { ok: true }, databricks: { ok: true } },
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain("ptbot_databricks_calls_total");
    expect(metrics).toContain("ptbot_requests");

    const stopped = logLine(child, "ptbot stopped");
    const exit = once(child, "exit");
    child.kill("SIGTERM");
    await stopped;
    const [code] = await exit;
    expect(code).toBe(0);
  });

  it("drains and exits 0 on a SIGTERM that arrives while it is still starting", async () => {
    const { env } = await emulators();
    const child = run(env());
    // The first line of the start: the store, Slack and the workers are still to come.
    await logLine(child, "databricks workspace configured");
    const stopped = logLine(child, "ptbot stopped");
    const exit = once(child, "exit");
    child.kill("SIGTERM");
    await stopped;
    const [code, signal] = await exit;
    // Without a listener yet, the OS default would have ended it at once: no code, signal SIGTERM, nothing drained.
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it("gives two processes on one host different lease owners, and uses PTBOT_INSTANCE_ID when set", async () => {
    const { env } = await emulators();
    const [a, b, named] = await Promise.all([
      logLine(run(env()), "ptbot started"),
      logLine(run(env()), "ptbot started"),
      logLine(run(env({ PTBOT_INSTANCE_ID: "ptbot-green" })), "ptbot started"),
    ]);
    expect(typeof a.instance).toBe("string");
    expect(typeof b.instance).toBe("string");
    expect(a.instance).not.toBe(b.instance);
    expect(named.instance).toBe("ptbot-green");
  });

  it("refuses an invalid PTBOT_INSTANCE_ID", async () => {
    const child = run({
      SLACK_BOT_TOKEN: defaultCredentials.botToken,
      SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
      PTBOT_APPROVERS: "U0APPROVER",
      PTBOT_INSTANCE_ID: "blue green/../x",
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(stderr).toContain("PTBOT_INSTANCE_ID must be");
  });
});
