/**
 * The policy file as `npm start` meets it: a bad file stops ptbot before anything starts, with every problem at its
 * line and no secret; a good one starts it between the emulators, logging which policy (checksum) it runs.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startDatabricksEmulator } from "../emulators/databricks/index.js";
import { defaultCredentials, defaultWorkspace, startSlackEmulator } from "../emulators/slack/index.js";

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

function writePolicy(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "ptbot-policy-")), "ptbot.yaml");
  writeFileSync(path, text);
  return path;
}

/** The JSON log lines of `child` until one has `msg`; fails with stderr if the process ends first. */
async function logsUntil(
  child: ChildProcessWithoutNullStreams,
  msg: string,
): Promise<Record<string, unknown>[]> {
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`ptbot exited (${code}) before "${msg}": ${stderr}`);
  });
  const read = (async () => {
    const lines: Record<string, unknown>[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (entry.msg === msg) return lines;
    }
    throw new Error(`no "${msg}" line: ${stderr}`);
  })();
  return Promise.race([read, exited]);
}

describe("ptbot's process with PTBOT_CONFIG_FILE", () => {
  it("refuses to start on a bad policy file, listing every problem with its line, echoing no secret", async () => {
    const token = "dapi0123456789abcdef0123456789abcdef";
    const file = writePolicy(`workspaces:
  dev:
    host: https://adb-1.azuredatabricks.net
    auth:
      token: ${token}
    policy:
      approvers: [S0ML]
      required_approvals: 0
      smoke_tests: false
`);
    const child = run({
      SLACK_BOT_TOKEN: "xoxb-secret-value-1",
      SLACK_SIGNING_SECRET: "signing-secret-value",
      PTBOT_CONFIG_FILE: file,
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(stderr).toContain("ptbot cannot start");
    expect(stderr).toContain(`${file}:5 workspaces.dev.auth.token is a secret`);
    expect(stderr).toContain(`${file}:8 workspaces.dev.policy.required_approvals must be a whole number`);
    expect(stderr).toContain(`${file}:9 workspaces.dev.policy.smoke_tests is not a setting ptbot knows`);
    for (const secret of [token, "xoxb-secret-value-1", "signing-secret-value"])
      expect(stderr).not.toContain(secret);
  });

  it("starts with a policy file's workspace and logs the policy's checksum", async () => {
    const dbx = await startDatabricksEmulator({ port: 0 });
    cleanups.push(() => dbx.close());
    const slack = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials, port: 0 });
    cleanups.push(() => slack.close());
    const text = `workspaces:
  dev:
    host: ${dbx.url}
    auth:
      token_env: DEV_TOKEN
    policy:
      approvers: [U0APPROVER]
`;
    const file = writePolicy(text);
    const child = run({
      SLACK_BOT_TOKEN: defaultCredentials.botToken,
      SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      DEV_TOKEN: dbx.token,
      PTBOT_CONFIG_FILE: file,
      PTBOT_DATABASE: join(mkdtempSync(join(tmpdir(), "ptbot-")), "ptbot.db"),
      PORT: "0",
    });
    const lines = await logsUntil(child, "ptbot started");
    expect(lines.find((l) => l.msg === "policy loaded")).toMatchObject({
      policyFile: file,
      policyChecksum: createHash("sha256").update(text).digest("hex"),
      workspaces: ["dev"],
    });
    expect(lines.find((l) => l.msg === "databricks workspace configured")).toMatchObject({ host: dbx.url });
    const exit = once(child, "exit");
    child.kill("SIGTERM");
    expect((await exit)[0]).toBe(0);
  });
});
