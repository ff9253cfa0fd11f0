import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = "emulators/databricks/cli.ts";

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  if (child !== undefined && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
});

function start(args: string[]): ChildProcessWithoutNullStreams {
  child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT, stdio: "pipe" });
  return child;
}

/** The first `count` stdout lines, or a failure with stderr if the process ends first. */
async function firstLines(proc: ChildProcessWithoutNullStreams, count: number): Promise<string[]> {
  let stderr = "";
  proc.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines: string[] = [];
  const reader = createInterface({ input: proc.stdout });
  const exited = once(proc, "exit").then(() => {
    throw new Error(`CLI exited early: ${stderr}`);
  });
  const read = (async () => {
    for await (const line of reader) {
      lines.push(line);
      if (lines.length === count) break;
    }
    return lines;
  })();
  return Promise.race([read, exited]);
}

describe("emulator CLI", () => {
  it("prints the environment lines, serves with them, honours --fail, and stops on SIGTERM", async () => {
    const proc = start(["--port", "0", "--provisioning-ms", "0", "--fail", "doomed", "--quiet"]);
    const lines = await firstLines(proc, 2);
    expect(lines[0]).toMatch(/^DATABRICKS_HOST=http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^DATABRICKS_TOKEN=dapi[0-9a-f]{32}$/);
    const env = Object.fromEntries(lines.map((l) => l.split("=", 2) as [string, string]));
    const headers = { authorization: `Bearer ${env.DATABRICKS_TOKEN}`, "content-type": "application/json" };
    const created = await fetch(`${env.DATABRICKS_HOST}/api/2.0/serving-endpoints`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        name: "doomed",
        config: {
          served_entities: [
            {
              entity_name: "ml.llm-catalog.llama-13b",
              entity_version: "3",
              min_provisioned_throughput: 980,
              max_provisioned_throughput: 980,
            },
          ],
        },
      }),
    });
    expect(created.status).toBe(200);
    const got = await fetch(`${env.DATABRICKS_HOST}/api/2.0/serving-endpoints/doomed`, { headers });
    expect(await got.json()).toMatchObject({ state: { ready: "NOT_READY", config_update: "UPDATE_FAILED" } });

    const exit = once(proc, "exit");
    proc.kill("SIGTERM");
    const [code] = await exit;
    expect(code).toBe(0);
  });

  it("prints one way to authenticate, so that the lines pasted as they are make a valid configuration", async () => {
    for (const [args, expected] of [
      [[], ["DATABRICKS_HOST", "DATABRICKS_TOKEN"]],
      [
        ["--auth", "oauth"],
        ["DATABRICKS_HOST", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"],
      ],
    ] as const) {
      const proc = start(["--port", "0", "--quiet", ...args]);
      const lines = await firstLines(proc, expected.length);
      const env = Object.fromEntries(lines.map((l) => l.split("=", 2) as [string, string]));
      expect(Object.keys(env)).toEqual(expected);
      const config = loadConfig({
        ...env,
        SLACK_BOT_TOKEN: "xoxb-emulator-bot-token",
        SLACK_SIGNING_SECRET: "emulator-signing-secret",
        PTBOT_APPROVERS: "U0APPROVER",
        HOME: "/nonexistent",
      });
      expect(config.databricks.host).toBe(env.DATABRICKS_HOST);
      proc.kill("SIGTERM");
      await once(proc, "exit");
    }
  });

  it("exits with status 2 and usage on a bad argument", async () => {
    const proc = start(["--port", "not-a-port"]);
    let stderr = "";
    proc.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(proc, "exit");
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port/);
    expect(stderr).toMatch(/Usage/);
  });
});
