/**
 * `npm run sandbox` fed a day-two script: a deploy, then a scale, a rollback and a delete of its endpoint, each waited
 * for. Its own file (the longest of the sandbox's scripts: Slack's per-channel post limit paces its thread), so the
 * run spreads the sandbox's scripts over both workers.
 */
import { afterEach, describe, expect, it } from "vitest";
import { expectInOrder, killSandboxes, runSandbox } from "./run-sandbox.js";

afterEach(killSandboxes);

describe("the sandbox reading a day-two script", () => {
  it("scales, rolls back and deletes an endpoint from a script, waiting for each to finish", async () => {
    const script = [
      "/pt deploy ml.llm-catalog.llama-13b 3",
      ":as grace",
      ":click approve",
      ":wait",
      ":as ada",
      "/pt scale llama-13b-3 --max 4",
      ":as grace",
      ":click approve",
      ":wait",
      ":as ada",
      "/pt rollback llama-13b-3",
      ":as grace",
      ":click approve",
      ":wait",
      ":as ada",
      "/pt delete llama-13b-3",
      ":as grace",
      ":click delete",
      "llama-13b-3",
    ];
    const { code, stdout, stderr } = await runSandbox(["--provisioning-ms", "500"], `${script.join("\n")}\n`);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const order = [
      "is READY: 1,960–2,940 tokens/s",
      "📈 Scale request: llama-13b-3",
      "v3 at 1,960–2,940 tokens/s (2×–3×) → 1,960–3,920 tokens/s (2×–4× of 980)",
      "done, `llama-13b-3` is READY on v3: 1,960–3,920 tokens/s",
      "⏪ Rollback request: llama-13b-3",
      "done, `llama-13b-3` is READY on v3: 1,960–2,940 tokens/s",
      "🗑️ Delete request: llama-13b-3",
      "[d] Delete  [r] Reject  [c] Cancel",
      "modal · Delete endpoint",
      "endpoint `llama-13b-3` was deleted",
    ];
    expectInOrder(stdout, order);
  });
});
