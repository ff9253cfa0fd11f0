import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { parseCliArgs } from "../../../src/emulators/slack/cli.js";
import { defaultCredentials, defaultWorkspace } from "../../../src/emulators/slack/default-workspace.js";
import { startSlackEmulator } from "../../../src/emulators/slack/slack-emulator.js";
import { webClient } from "./fixtures.js";

describe("parseCliArgs", () => {
  it("reads --port, defaulting to 8791", () => {
    expect(parseCliArgs([])).toEqual({ port: 8791 });
    expect(parseCliArgs(["--port", "0"])).toEqual({ port: 0 });
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

describe("the CLI", () => {
  it("starts the emulator and prints the environment for the app", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/emulators/slack/cli.ts", "--port", "0"], {
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
          if (text.includes("SLACK_APP_TOKEN=")) resolve(text);
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
