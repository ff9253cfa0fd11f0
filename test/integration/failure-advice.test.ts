/**
 * A failed provisioning, explained: for each kind of failure the emulator words as a workspace does (GPU capacity,
 * entitlement, permissions, the model artifact, and one nobody can place), the failure notice in the thread carries
 * Databricks' message, the end of the build log, and one sentence of what to do.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FAILURE_PRESETS, type FailureKind } from "../../emulators/databricks/index.js";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, blockText, CHANNEL, type Harness, LLAMA, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ADVICE: Record<FailureKind | "unknown", RegExp> = {
  capacity:
    /💡 Databricks had no GPU capacity for this band in the region: try again later, ask for a smaller band/,
  entitlement:
    /💡 The workspace may not do this yet \(provisioned throughput not enabled, or a quota reached\): ask a workspace admin/,
  permissions:
    /💡 The identity ptbot deploys with lacks a privilege: ask a workspace admin to grant it USE CATALOG, USE SCHEMA and EXECUTE/,
  artifact: /💡 The model version's files could not be loaded/,
  unknown: /💡 ptbot cannot tell the cause from Databricks' message/,
};

async function failedNotice(harness: Harness): Promise<string> {
  const card = await harness.deploy(`deploy ${LLAMA} 3`);
  await harness.driver.clickButton({
    user: APPROVER,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
  const failed = await harness.waitForReply(card, (t) => t.startsWith("❌"));
  return blockText(failed);
}

describe("a failed provisioning, explained", () => {
  it.each(["capacity", "entitlement", "permissions", "artifact"] as const)(
    "%s: the raw message, the log tail and one sentence of what to do",
    async (kind) => {
      h = await startHarness();
      h.dbx.failProvisioning("llama-13b-3", { kind });
      const shown = await failedNotice(h);
      const preset = FAILURE_PRESETS[kind];
      expect(shown).toContain(preset.message.slice(0, 60));
      expect(shown).toMatch(ADVICE[kind]);
      expect(shown).toContain("*End of the build log*");
      expect(shown).toContain(preset.logLines.at(-1) ?? "");
      for (const other of Object.keys(ADVICE) as (keyof typeof ADVICE)[]) {
        if (other !== kind) expect(shown).not.toMatch(ADVICE[other]);
      }
    },
  );

  it("a failure nobody can place says so, beside the message and the log", async () => {
    h = await startHarness();
    h.dbx.failProvisioning("llama-13b-3", {
      message: "Served entity deployment failed.",
      buildLogs: "step 1\nstep 2\nBuild failed\n",
    });
    const shown = await failedNotice(h);
    expect(shown).toContain("Served entity deployment failed.");
    expect(shown).toMatch(ADVICE.unknown);
    expect(shown).toContain("Build failed");
  });
});
