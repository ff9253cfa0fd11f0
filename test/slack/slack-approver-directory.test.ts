/**
 * Group membership from `usergroups.users.list` on the Slack emulator: cached for its TTL by the injected clock,
 * one call for concurrent lookups, recent stale members rather than none when Slack fails, and a coded error with
 * the reason otherwise.
 */
import { webApi } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  defaultCredentials,
  defaultWorkspace,
  type SlackEmulator,
  startSlackEmulator,
} from "../../emulators/slack/index.js";
import { hasCode } from "../../src/errors.js";
import {
  ApproverLookupError,
  DEFAULT_DIRECTORY_MAX_STALE_MS,
  SlackApproverDirectory,
} from "../../src/slack/slack-approver-directory.js";
import { ManualClock } from "../fakes/manual-clock.js";
import { memoryLogger } from "../fakes/memory-logger.js";

let slack: SlackEmulator;
let clock: ManualClock;
let directory: SlackApproverDirectory;

beforeEach(async () => {
  slack = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials, port: 0 });
  clock = new ManualClock();
  const client = new webApi.WebClient(defaultCredentials.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
  });
  directory = new SlackApproverDirectory({
    client,
    clock,
    logger: memoryLogger("silent").logger,
    ttlMs: 60_000,
  });
});
afterEach(() => slack.close());

describe("SlackApproverDirectory", () => {
  it("answers which of the groups a user belongs to", async () => {
    expect(await directory.groupsOf("U0APPROVER", ["S0MLAPPROVE"])).toEqual(["S0MLAPPROVE"]);
    expect(await directory.groupsOf("U0STRANGER", ["S0MLAPPROVE"])).toEqual([]);
  });

  it("reads a group once per TTL, and once for concurrent lookups", async () => {
    await Promise.all(
      ["U0APPROVER", "U0STRANGER", "U0REQUESTER"].map((u) => directory.groupsOf(u, ["S0MLAPPROVE"])),
    );
    expect(slack.calls("usergroups.users.list")).toHaveLength(1);
    clock.advance(59_000);
    await directory.groupsOf("U0APPROVER", ["S0MLAPPROVE"]);
    expect(slack.calls("usergroups.users.list")).toHaveLength(1);
    clock.advance(2_000);
    await directory.groupsOf("U0APPROVER", ["S0MLAPPROVE"]);
    expect(slack.calls("usergroups.users.list")).toHaveLength(2);
  });

  it("keeps using the members it knows when Slack fails", async () => {
    await directory.groupsOf("U0APPROVER", ["S0MLAPPROVE"]);
    clock.advance(120_000);
    slack.failNext("usergroups.users.list", { error: "internal_error" });
    expect(await directory.groupsOf("U0APPROVER", ["S0MLAPPROVE"])).toEqual(["S0MLAPPROVE"]);
  });

  it("never answers from members older than the stale bound: it fails with Slack's reason", async () => {
    await directory.groupsOf("U0APPROVER", ["S0MLAPPROVE"]);
    clock.advance(DEFAULT_DIRECTORY_MAX_STALE_MS);
    slack.failNext("usergroups.users.list", { error: "internal_error" });
    const error = await directory.groupsOf("U0APPROVER", ["S0MLAPPROVE"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApproverLookupError);
    expect(error).toMatchObject({
      code: "approver_lookup_failed",
      groupId: "S0MLAPPROVE",
      reason: { kind: "slack_error", error: "internal_error" },
    });
  });

  it("raises a coded error when Slack fails and nothing is cached", async () => {
    slack.failNext("usergroups.users.list", { error: "internal_error" });
    const error = await directory.groupsOf("U0APPROVER", ["S0MLAPPROVE"]).catch((e: unknown) => e);
    expect(hasCode(error, "approver_lookup_failed")).toBe(true);
  });

  it("raises a coded error for a group that does not exist", async () => {
    const error = await directory.groupsOf("U0APPROVER", ["S0NOSUCH"]).catch((e: unknown) => e);
    expect(hasCode(error, "approver_lookup_failed")).toBe(true);
  });
});
