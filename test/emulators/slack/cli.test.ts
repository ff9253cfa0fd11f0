import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { parseCliArgs } from "../../../emulators/slack/cli.js";
import { defaultCredentials, defaultWorkspace } from "../../../emulators/slack/default-workspace.js";
import { startSlackEmulator } from "../../../emulators/slack/slack-emulator.js";
import { loadConfig } from "../../../src/config.js";
import { webClient } from "./fixtures.js";

describe("parseCliArgs", () => {
  it("reads --port, defaulting to 8791", () => {
    expect(parseCliArgs([])).toEqual({ port: 8791, socketMode: false });
    expect(parseCliArgs(["--port", "0"])).toEqual({ port: 0, socketMode: false });
    expect(parseCliArgs(["--socket-mode"])).toEqual({ port: 8791, socketMode: true });
    expect(() => parseCliArgs(["--port", "eighty"])).toThrow(/--port/);
  });
});

describe("defaultWorkspace", () => {
  it("holds the sandbox's channel, people and approver group, served by the emulator", async () => {
    const emulator = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials });
    try {
      const client = webClient(emulator, defaultCredentials.botToken);
      expect((await client.conversations.info({ channel: "C0MLDEPLOY" })).channel).toMatchObject({
        name: "ml-deploys",
        is_member: true,
      });
      expect((await client.usergroups.users.list({ usergroup: "S0MLAPPROVE" })).users).toEqual([
        "U0APPROVER",
      ]);
      const names = await Promise.all(
        ["U0REQUESTER", "U0APPROVER", "U0STRANGER"].map(
          async (user) => (await client.users.info({ user })).user?.name,
        ),
      );
      expect(names).toEqual(["ada", "grace", "linus"]);
    } finally {
      await emulator.close();
    }
  });
});

/** Starts the CLI and resolves with its stdout once it printed `lastVariable`. */
async function cliOutput(args: readonly string[], lastVariable: string) {
  const child = spawn(process.execPath, ["--import", "tsx", "emulators/slack/cli.ts", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  const out = await new Promise<string>((resolve, reject) => {
    let text = "";
    let errors = "";
    child.stdout.on("data", (chunk: string) => {
      text += chunk;
      if (new RegExp(`^${lastVariable}=.*\n`, "m").test(text)) resolve(text);
    });
    child.stderr.on("data", (chunk: string) => {
      errors += chunk;
    });
    child.once("exit", (code) => reject(new Error(`the CLI exited (${code}): ${errors}`)));
  });
  const stop = async () => {
    child.kill("SIGTERM");
    await once(child, "exit");
  };
  const env = Object.fromEntries(
    out
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return { out, env, stop };
}

const databricksEnv = {
  DATABRICKS_HOST: "http://127.0.0.1:8790",
  DATABRICKS_TOKEN: "dapi0123456789abcdef0123456789abcdef",
  PTBOT_APPROVERS: "U0APPROVER",
  HOME: "/nonexistent",
};

describe("the CLI's lines, pasted as the environment", () => {
  it("configure signed HTTP by default, with no app token to switch to Socket Mode unasked", async () => {
    const { env, stop } = await cliOutput(["--port", "0"], "SLACK_SIGNING_SECRET");
    try {
      expect(Object.keys(env)).toEqual(["SLACK_API_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]);
      const config = loadConfig({ ...env, ...databricksEnv });
      expect(config.slack.appToken).toBeUndefined();
    } finally {
      await stop();
    }
  });

  it("configure Socket Mode with --socket-mode", async () => {
    const { env, stop } = await cliOutput(["--port", "0", "--socket-mode"], "SLACK_APP_TOKEN");
    try {
      expect(loadConfig({ ...env, ...databricksEnv }).slack.appToken).toBe(defaultCredentials.appToken);
    } finally {
      await stop();
    }
  });
});

describe("the CLI", () => {
  it("starts the emulator and prints the environment for the app", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "emulators/slack/cli.ts", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      child.stdout.setEncoding("utf8");
      child.stderr.setEncoding("utf8");
      const out = await new Promise<string>((resolve, reject) => {
        let text = "";
        let errors = "";
        child.stdout.on("data", (chunk: string) => {
          text += chunk;
          if (/^SLACK_SIGNING_SECRET=.*\n/m.test(text)) resolve(text);
        });
        child.stderr.on("data", (chunk: string) => {
          errors += chunk;
        });
        child.once("exit", (code) => reject(new Error(`the CLI exited (${code}): ${errors}`)));
      });
      expect(out).toMatch(/^SLACK_API_URL=http:\/\/127\.0\.0\.1:\d+\/api\/$/m);
      expect(out).toContain(`SLACK_BOT_TOKEN=${defaultCredentials.botToken}`);
      expect(out).toContain(`SLACK_SIGNING_SECRET=${defaultCredentials.signingSecret}`);
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });
});
