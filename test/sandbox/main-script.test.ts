/**
 * `npm run sandbox` as a process fed a script on stdin: the real bot, both emulators, a plain-text transcript, and
 * a clean exit once the input has ended and the bot has finished what it started.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { expectInOrder, killSandboxes, runSandbox } from "./run-sandbox.js";

afterEach(killSandboxes);

describe("the sandbox reading a script", () => {
  it("deploys, approves as grace, follows the thread to READY, and exits 0 when stdin ends", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ptbot-sandbox-test-"));
    const { code, stdout, stderr } = await runSandbox(
      ["--provisioning-ms", "1500", "--db", join(dir, "s.db")],
      "/pt deploy ml.llm-catalog.llama-13b 3\n:as grace\n:click approve\n",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain(`database     ${join(dir, "s.db")}`);
    expect(stdout).toContain(`bot logs     ${join(dir, "sandbox.log")}`);
    // Plain text: no ANSI, no prompts.
    expect(stdout).not.toContain("\x1b[");
    expect(stdout).not.toContain("@#ml-deploys>");
    const order = [
      "» ada: /pt deploy ml.llm-catalog.llama-13b 3",
      "🚀 Deploy request: ml.llm-catalog.llama-13b v3",
      "[a] Approve  [d] Adjust  [r] Reject  [c] Cancel",
      "» ada: :as grace",
      "» grace: :click approve",
      "? Approve this deploy?",
      "(answered Approve)",
      "Approved by @grace",
      "Creating endpoint",
      "Provisioning",
      "READY",
      // The smoke test's line follows READY in the thread.
      "🧪 Smoke test: `llama-13b-3` answered a chat query in",
    ];
    expectInOrder(stdout, order);
    expect(stdout).toMatch(/card updated\n│ 🚀 Deploy request: .*\n│ 🟢 Ready/);
  });

  it("deploys with --ttl: the card shows the lifetime, the expiry notice comes, and Keep 7 more days moves it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ptbot-sandbox-test-"));
    // A TTL shorter than the notice lead (a day): the notice is due as soon as the endpoint is READY.
    const { code, stdout, stderr } = await runSandbox(
      ["--provisioning-ms", "1500", "--db", join(dir, "s.db")],
      "/pt deploy ml.llm-catalog.llama-13b 3 --ttl 10m\n:as grace\n:click approve\n:wait\n:as ada\n:click keep\n",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const order = [
      "⏳ Lifetime: 10 min after it is READY",
      "READY",
      "⏳ Lifetime: goes away",
      "⏰ @ada: `llama-13b-3` is due to go away",
      "[k] Keep 7 more days  [s] Scale to zero  [d] Delete",
      "» ada: :click keep",
      "(kept by @ada)",
      "📌 @ada kept `llama-13b-3`",
    ];
    expectInOrder(stdout, order);
  });

  it("exits 2 with the usage on a bad flag", async () => {
    const { code, stderr } = await runSandbox(["--provisioning-ms", "soon"], "");
    expect(code).toBe(2);
    expect(stderr).toContain("--provisioning-ms must be a whole number");
    expect(stderr).toContain("Usage: npm run sandbox");
  });

  it("with real Slack credentials but no PTBOT_APPROVERS, says it is required and exits 1", async () => {
    const { code, stderr, stdout } = await runSandbox([], "", {
      SLACK_BOT_TOKEN: "xoxb-not-a-real-token",
      SLACK_SIGNING_SECRET: "not-a-real-secret",
    });
    expect(code).toBe(1);
    expect(stdout).not.toContain("listens");
    expect(stderr).toContain("PTBOT_APPROVERS is required");
    expect(stderr).toContain("In real Slack mode set PTBOT_APPROVERS");
    expect(stderr).not.toContain("xoxb-not-a-real-token");
  });
});
