/**
 * Endpoint lifetimes (issue 13) through signed HTTP, with ptbot's clock moved by the test: `/pt deploy --ttl`, the
 * card's lifetime, the `ptbot_expires_at` tag at READY, the notice before the moment (once, also across a restart on
 * the same database), Keep 7 more days (requester or approver; re-tagged; audited), the notice's Scale to zero button
 * (a new approval card), and the moment itself under each policy: notify, scale-to-zero, delete, done by ptbot and
 * audited as the policy's.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { ACTIONS, THREAD_BLOCKS } from "../../src/slack/ids.js";
import { openStore } from "../../src/store/open-store.js";
import { waitUntil } from "../chaos/wait-until.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import {
  APPROVER,
  blockText,
  CHANNEL,
  type Harness,
  isCard,
  LLAMA,
  REQUESTER,
  STRANGER,
  startHarness,
} from "./harness.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ENDPOINT = "llama-13b-3";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function databaseFile(): string {
  return join(mkdtempSync(join(tmpdir(), "ptbot-lifetime-")), "ptbot.db");
}

/** Tracker rounds run so far (each runs the lifetimes), from ptbot's metrics. */
async function ticks(harness: Harness): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${harness.running.port}/metrics`);
  const found = /^ptbot_tracker_tick_duration_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(await res.text());
  return Number(found?.[1] ?? 0);
}

/** Waits until the tracker has run `count` more rounds: that many sweeps saw the clock as it is. */
async function rounds(harness: Harness, count: number): Promise<void> {
  const target = (await ticks(harness)) + count;
  await waitUntil(async () => (await ticks(harness)) >= target, {
    timeoutMs: 5000,
    description: `${count} more rounds`,
  });
}

function expiresTag(harness: Harness): string | undefined {
  const endpoint = harness.dbx.endpoint(ENDPOINT) as { tags?: { key: string; value?: string }[] } | undefined;
  return endpoint?.tags?.find((t) => t.key === "ptbot_expires_at")?.value;
}

/** Deploys with `--ttl`, approves, and waits for READY and the tag; returns the card. */
async function readyWithTtl(harness: Harness, ttl: string): Promise<StoredMessage> {
  const card = await harness.deploy(`deploy ${LLAMA} 3 --ttl ${ttl}`);
  expect(blockText(card)).toContain("*Lifetime*");
  const click = await harness.driver.clickButton({
    user: APPROVER,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
  expect(click.status).toBe(200);
  await harness.waitForReply(card, (t) => t.includes("is READY"), 10_000);
  await waitUntil(() => expiresTag(harness) !== undefined, {
    timeoutMs: 5000,
    description: "the ptbot_expires_at tag",
  });
  return card;
}

function count(harness: Harness, card: StoredMessage, test: (text: string) => boolean): number {
  return harness.replies(card).filter(test).length;
}

const isNotice = (t: string) => t.startsWith("⏰");
const isExpiry = (t: string) => t.startsWith("⌛");

describe("endpoint lifetimes", () => {
  it("tags at READY, notices once (across a restart), keeps for the requester only, and notifies at the moment", async () => {
    const path = databaseFile();
    h = await startHarness({ env: { PTBOT_DATABASE: path } });
    const card = await readyWithTtl(h, "3d");
    const firstTag = expiresTag(h) ?? "";
    const expiresAt = Date.parse(firstTag);
    expect(expiresAt).toBeGreaterThan(h.clock.now() + 3 * DAY - HOUR);
    expect(blockText(h.latest(card))).toContain("goes away");
    // `/pt status` says until when it lives.
    await h.answer(`status ${ENDPOINT}`);
    expect(JSON.stringify(h.slack.ephemerals({ user: REQUESTER }).at(-1)?.blocks)).toContain(
      `*Lifetime*: until <!date^${Math.floor(expiresAt / 1000)}^`,
    );

    // A day before the moment: the notice, mentioning the requester, with its three buttons.
    h.clock.advance(2 * DAY + HOUR);
    const notice = await h.waitForReply(card, isNotice);
    expect(notice.text).toContain(`<@${REQUESTER}>`);
    const buttons = JSON.stringify(notice.blocks.find((b) => b.block_id === THREAD_BLOCKS.expiry));
    for (const label of ["Keep 7 more days", "Scale to zero", "Delete"]) expect(buttons).toContain(label);

    // A restart on the same database sends nothing again.
    await h.restart();
    await rounds(h, 3);
    expect(count(h, card, isNotice)).toBe(1);

    // Someone who is neither the requester nor an approver cannot keep it.
    const since = h.slack.lastSeq;
    await h.driver.clickButton({
      user: STRANGER,
      channel: CHANNEL,
      messageTs: notice.ts,
      actionId: ACTIONS.keep,
    });
    expect(
      await h.waitForEphemeral(STRANGER, (t) => t.includes("Only the requester or an approver"), since),
    ).toBeTruthy();

    // The requester keeps it: seven more days, said in the thread, and the tag follows.
    await h.driver.clickButton({
      user: REQUESTER,
      channel: CHANNEL,
      messageTs: notice.ts,
      actionId: ACTIONS.keep,
    });
    await h.waitForReply(card, (t) => t.startsWith("📌"));
    await waitUntil(() => expiresTag(h as Harness) !== firstTag, {
      timeoutMs: 5000,
      description: "the tag re-written",
    });
    expect(Date.parse(expiresTag(h) ?? "")).toBe(expiresAt + 7 * DAY);

    // Scale to zero on the notice opens the usual approval card (a scale request), nothing more.
    const before = h.slack.lastSeq;
    await h.driver.clickButton({
      user: REQUESTER,
      channel: CHANNEL,
      messageTs: notice.ts,
      actionId: ACTIONS.expiryScale,
    });
    const scaleCard = await h.slack.waitForMessage(
      (m) => m.channel === CHANNEL && isCard(m) && m.ts !== card.ts,
      {
        since: before,
        timeoutMs: 5000,
        description: "the scale-to-zero request's card",
      },
    );
    expect(blockText(scaleCard)).toContain(ACTIONS.approve);
    expect(blockText(scaleCard)).toContain("scale to zero");

    // Past the kept moment with no answer: with `notify`, one more notice, once; the endpoint stays.
    h.clock.advance(8 * DAY);
    const expired = await h.waitForReply(card, isExpiry);
    expect(expired.text).toContain("still up");
    await rounds(h, 3);
    expect(count(h, card, isExpiry)).toBe(1);
    expect(count(h, card, isNotice)).toBe(1);
    expect(h.dbx.endpoint(ENDPOINT)).toBeDefined();
    await h.close();
    h = undefined;

    const store = await openStore({ kind: "sqlite", path }, memoryLogger("error").logger);
    try {
      const requestId = buttonValue(notice);
      expect(requestId).not.toBe("");
      const audit = (await store.audit(requestId)).map((e) => `${e.action}:${e.actor}`);
      expect(audit).toContain("lifetime_notice:system");
      expect(audit).toContain(`lifetime_kept:${REQUESTER}`);
      expect(audit).toContain("lifetime_expired:policy");
      expect(audit.filter((a) => a.startsWith("lifetime_notice"))).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  for (const policy of ["delete", "scale-to-zero"] as const) {
    it(`at the moment with no answer, ${policy}: ptbot does it by itself, in the thread, as the policy`, async () => {
      const path = databaseFile();
      h = await startHarness({ env: { PTBOT_ON_ENDPOINT_EXPIRY: policy, PTBOT_DATABASE: path } });
      const card = await readyWithTtl(h, "1h");
      // A TTL shorter than the notice lead (a day): the notice comes at once.
      const notice = await h.waitForReply(card, isNotice);
      expect(notice.text).toContain(policy === "delete" ? "delete" : "scale");

      h.clock.advance(HOUR + 60_000);
      await h.waitForReply(
        card,
        (t) => isExpiry(t) && t.includes(policy === "delete" ? "deleting" : "scaling"),
      );
      await h.waitForReply(card, (t) => t.startsWith("🤖"));
      if (policy === "delete") {
        await h.waitForReply(card, (t) => t.includes("was deleted"), 10_000);
        await waitUntil(() => (h as Harness).dbx.endpoint(ENDPOINT) === undefined, {
          timeoutMs: 5000,
          description: "the endpoint deleted",
        });
      } else {
        await h.waitForReply(card, (t) => t.includes("is READY") && t.includes("done"), 10_000);
        const endpoint = h.dbx.endpoint(ENDPOINT) as {
          config?: { served_entities?: { scale_to_zero_enabled?: boolean }[] };
        };
        expect(endpoint.config?.served_entities?.[0]?.scale_to_zero_enabled).toBe(true);
      }
      // No approval card: ptbot's own request lives in the deploy's thread.
      const newCards = h.slack.channelMessages(CHANNEL).filter((m) => isCard(m) && m.ts !== card.ts);
      expect(newCards).toHaveLength(0);
      await rounds(h, 3);
      expect(count(h, card, isExpiry)).toBe(1);
      await h.close();
      h = undefined;

      // The audit log: the moment is the policy's action, and so are the request it opened and its approval.
      const store = await openStore({ kind: "sqlite", path }, memoryLogger("error").logger);
      try {
        const requests = await store.findByEndpointName("default", ENDPOINT);
        const own = requests.filter((r) => r.byPolicy !== undefined);
        expect(own).toHaveLength(1);
        const holder = requests.find((r) => r.id === own[0]?.byPolicy?.lifetimeOf);
        const holderAudit = (await store.audit(holder?.id ?? "")).map((e) => `${e.action}:${e.actor}`);
        expect(holderAudit).toContain("lifetime_expired:policy");
        const ownAudit = await store.audit(own[0]?.id ?? "");
        expect(ownAudit[0]).toMatchObject({ action: "opened", actor: "policy" });
        expect(ownAudit.map((e) => e.actor)).not.toContain(APPROVER);
        expect(own[0]?.state).toBe(policy === "delete" ? "deleted" : "ready");
      } finally {
        await store.close();
      }
    });
  }
});

/** The value of the notice's Keep button: the ready deploy's request id. */
function buttonValue(message: StoredMessage): string {
  for (const block of message.blocks) {
    const elements = (block as { elements?: { action_id?: string; value?: string }[] }).elements ?? [];
    const keep = elements.find((e) => e.action_id === ACTIONS.keep);
    if (keep?.value !== undefined) return keep.value;
  }
  return "";
}
