/**
 * The notifier against the Slack emulator with a real Web API client: the card is edited in place, other notices
 * are thread replies, rate limits are waited out, and failures are thrown (or dropped when no retry can help).
 */
import { webApi } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  defaultCredentials,
  defaultWorkspace,
  type SlackEmulator,
  startSlackEmulator,
} from "../../emulators/slack/index.js";
import type { DeployRequest } from "../../src/domain/index.js";
import { deployCard } from "../../src/slack/blocks/deploy-card.js";
import { SlackNotifier } from "../../src/slack/slack-notifier.js";
import { requestIn } from "../domain/fixtures.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { ctx } from "./blocks/fixtures.js";

const CHANNEL = "C0MLDEPLOY";
let slack: SlackEmulator;
let client: webApi.WebClient;
let lines: Record<string, unknown>[];
let notifier: SlackNotifier;

beforeEach(async () => {
  // Long threads are posted here in one go: Slack's per-channel post limit (on by default) would only slow them.
  slack = await startSlackEmulator({
    ...defaultWorkspace,
    ...defaultCredentials,
    port: 0,
    postRateLimit: "off",
  });
  client = new webApi.WebClient(defaultCredentials.botToken, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 },
  });
  const memory = memoryLogger("debug");
  lines = memory.lines;
  notifier = new SlackNotifier({ client, logger: memory.logger, context: ctx });
});
afterEach(() => slack.close());

/** A request whose card was posted, as the command listener does it. */
async function withCard(state: DeployRequest["state"]): Promise<DeployRequest> {
  const request = requestIn(state);
  const posted = await client.chat.postMessage({
    channel: CHANNEL,
    ...deployCard(requestIn("awaiting_approval"), ctx),
  });
  return { ...request, message: { channelId: CHANNEL, ts: posted.ts ?? "" } };
}

describe("SlackNotifier", () => {
  it("does nothing for a request without a card", async () => {
    await notifier.deliver(requestIn("awaiting_approval"), { type: "card_changed" });
    await notifier.deliver(requestIn("ready"), { type: "ready" });
    expect(slack.calls()).toEqual([]);
  });

  it("re-renders the card in place on card_changed", async () => {
    const request = await withCard("provisioning");
    await notifier.deliver(request, { type: "card_changed" });
    const card = slack.message(CHANNEL, request.message?.ts ?? "");
    expect(card?.edits).toHaveLength(1);
    expect(JSON.stringify(card?.blocks)).toContain("*Approved* by <@U_APPROVER>");
    expect(JSON.stringify(card?.blocks)).not.toContain("ptbot_approve");
    expect(slack.calls("chat.postMessage")).toHaveLength(1);
  });

  it("posts nothing for approval_needed (the card shows it)", async () => {
    const request = await withCard("awaiting_approval");
    await notifier.deliver(request, { type: "approval_needed" });
    expect(slack.calls("chat.postMessage")).toHaveLength(1);
  });

  it("posts other notices as one reply in the card's thread, with a text fallback", async () => {
    const request = await withCard("ready");
    await notifier.deliver(request, { type: "ready" });
    const thread = slack.thread(CHANNEL, request.message?.ts ?? "");
    expect(thread).toHaveLength(2);
    expect(thread[1]?.text).toContain("is READY");
    expect(slack.calls("chat.postMessage").at(-1)?.args.thread_ts).toBe(request.message?.ts);
    expect(slack.missingTextFallback).toEqual([]);
  });

  it("waits out a rate limit and delivers", async () => {
    const request = await withCard("creating");
    slack.rateLimit("chat.postMessage", { retryAfterSeconds: 0 });
    await notifier.deliver(request, { type: "creating" });
    expect(slack.thread(CHANNEL, request.message?.ts ?? "")).toHaveLength(2);
    expect(slack.calls("chat.postMessage").map((c) => c.status)).toEqual([200, 429, 200]);
  });

  it("throws a failure Slack may get over, so the dispatcher retries", async () => {
    const request = await withCard("creating");
    slack.failNext("chat.postMessage", { error: "internal_error" });
    await expect(notifier.deliver(request, { type: "creating" })).rejects.toThrow(/internal_error/);
  });

  // Before the card could be reported unreachable, this warned on every edit; now the outcome is recorded on the
  // request (and logged once there, by the workflow), and the notice counts as done.
  it("reports, instead of retrying, a card Slack will never change again: the card was deleted", async () => {
    const request = await withCard("ready");
    await client.chat.delete({ channel: CHANNEL, ts: request.message?.ts ?? "" });
    await expect(notifier.deliver(request, { type: "card_changed" })).resolves.toEqual({
      cardUnreachable: "message_not_found",
    });
  });

  it("reports a card in an archived channel (is_inactive) once, and does not try a card already reported", async () => {
    const request = await withCard("ready");
    slack.archiveChannel(CHANNEL);
    await expect(notifier.deliver(request, { type: "card_changed" })).resolves.toEqual({
      cardUnreachable: "is_inactive",
    });
    const reported = { ...request, cardUnreachable: { code: "is_inactive", at: 1 } };
    await expect(notifier.deliver(reported, { type: "card_changed" })).resolves.toBeUndefined();
    expect(slack.calls("chat.update")).toHaveLength(1);
  });

  it("drops, with a warning, a post Slack refuses for the app's configuration (missing_scope)", async () => {
    const request = await withCard("ready");
    slack.failNext("chat.postMessage", { error: "missing_scope" });
    await expect(notifier.deliver(request, { type: "ready" })).resolves.toBeUndefined();
    expect(
      lines.some(
        (l) => l.msg === "notice dropped: slack will never accept it" && l.slackError === "missing_scope",
      ),
    ).toBe(true);
  });

  describe("exactly once in the thread", () => {
    const first = { outboxId: 41, claimedBefore: false } as const;
    const again = { outboxId: 41, claimedBefore: true } as const;

    it("posts a notice with its outbox id and request id in the message metadata; a first attempt reads nothing", async () => {
      const request = await withCard("ready");
      await notifier.deliver(request, { type: "ready" }, first);
      const reply = slack.thread(CHANNEL, request.message?.ts ?? "")[1];
      expect(reply?.metadata).toEqual({
        event_type: "ptbot_notice",
        event_payload: { outbox_id: 41, request_id: request.id },
      });
      expect(slack.calls("conversations.replies")).toEqual([]);
    });

    it("does not post again a notice claimed before whose earlier attempt reached the thread", async () => {
      const request = await withCard("ready");
      // The earlier attempt: Slack stored the reply, and its answer was lost.
      slack.stallNext("chat.postMessage", { ms: 2_000 });
      const lost = new SlackNotifier({
        client: new webApi.WebClient(defaultCredentials.botToken, {
          slackApiUrl: slack.apiUrl,
          retryConfig: { retries: 0 },
          timeout: 200,
        }),
        logger: memoryLogger("silent").logger,
        context: ctx,
      });
      await expect(lost.deliver(request, { type: "ready" }, first)).rejects.toThrow();
      await notifier.deliver(request, { type: "ready" }, again);
      const thread = slack.thread(CHANNEL, request.message?.ts ?? "");
      expect(thread.map((m) => m.text.includes("is READY"))).toEqual([false, true]);
      expect(slack.calls("conversations.replies").map((c) => String(c.args.include_all_metadata))).toEqual([
        "true",
      ]);
      expect(lines.some((l) => l.msg === "notice already in the thread; not posted again")).toBe(true);
    });

    it("posts a notice claimed before that is not in the thread (another notice's id, or another request's)", async () => {
      const request = await withCard("ready");
      await notifier.deliver(request, { type: "creating" }, { outboxId: 40, claimedBefore: false });
      await notifier.deliver(
        { ...request, id: "other" },
        { type: "creating" },
        { outboxId: 41, claimedBefore: false },
      );
      await notifier.deliver(request, { type: "ready" }, again);
      expect(slack.thread(CHANNEL, request.message?.ts ?? "")).toHaveLength(4);
    });

    it("reads a long thread page by page", async () => {
      const request = await withCard("ready");
      for (let i = 0; i < 230; i++) {
        await client.chat.postMessage({
          channel: CHANNEL,
          thread_ts: request.message?.ts ?? "",
          text: `chat ${i}`,
        });
      }
      await notifier.deliver(request, { type: "ready" }, first);
      await notifier.deliver(request, { type: "ready" }, again);
      expect(
        slack.thread(CHANNEL, request.message?.ts ?? "").filter((m) => m.text.includes("is READY")),
      ).toHaveLength(1);
      expect(slack.calls("conversations.replies")).toHaveLength(2);
    });

    it("without a *:history scope, warns and posts as before", async () => {
      await slack.close();
      slack = await startSlackEmulator({
        ...defaultWorkspace,
        ...defaultCredentials,
        port: 0,
        scopes: ["chat:write", "commands", "usergroups:read"],
      });
      client = new webApi.WebClient(defaultCredentials.botToken, { slackApiUrl: slack.apiUrl });
      const memory = memoryLogger("debug");
      notifier = new SlackNotifier({ client, logger: memory.logger, context: ctx });
      const request = await withCard("ready");
      await notifier.deliver(request, { type: "ready" }, again);
      expect(slack.thread(CHANNEL, request.message?.ts ?? "")).toHaveLength(2);
      expect(memory.lines.some((l) => l.msg === "thread not readable; notice posted unchecked")).toBe(true);
    });
  });
});
