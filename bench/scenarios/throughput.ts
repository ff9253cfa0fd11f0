/**
 * Conversation throughput: 200 full deploys at once through one ptbot (in its worker thread): `/pt deploy … --name`,
 * card, approval, and the thread's READY reply, with a 2 s provisioning time and a 200 ms poll. All must complete,
 * with one create per endpoint and one READY reply per thread; the time from the first command to the last READY
 * is the figure. Two rows: all 200 in one channel, with Slack's per-channel post limit (about one a second) off,
 * since in Slack those ~1000 posts would take a quarter of an hour whatever ptbot did; and the same 200 spread
 * over 200 channels with the limit on, as Slack applies it.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { SLACK_POST_RATE_LIMIT } from "../../emulators/slack/index.js";
import { startHostedApp } from "../app-host.js";
import { approve, ConversationWatcher, command, isReadyText } from "../conversation.js";
import { benchChannel, startEmulators } from "../emulators.js";
import { CHANNEL, ptbotEnv } from "../ptbot-env.js";
import type { BenchResult } from "../results.js";
import { round, summarize } from "../stats.js";

const CONVERSATIONS = 200;
const PROVISIONING_MS = 2_000;
const POLL_MS = 200;

export async function conversationThroughput(): Promise<BenchResult[]> {
  return [
    ...(await throughputIn({
      spread: false,
      scenario: `${CONVERSATIONS} conversations at once, one channel`,
      where: "all in #ml-deploys, Slack's per-channel post limit off (in Slack, ~1 post/s there)",
    })),
    ...(await throughputIn({
      spread: true,
      scenario: `${CONVERSATIONS} conversations at once, over ${CONVERSATIONS} channels`,
      where: "one per channel, Slack's per-channel post limit on (1/s, burst 10)",
    })),
  ];
}

async function throughputIn(row: {
  readonly spread: boolean;
  readonly scenario: string;
  readonly where: string;
}): Promise<BenchResult[]> {
  const emulators = await startEmulators({
    provisioningMs: PROVISIONING_MS,
    ...(row.spread ? { postRateLimit: SLACK_POST_RATE_LIMIT, extraChannels: CONVERSATIONS } : {}),
  });
  const ptbot = await startHostedApp({
    kind: "ptbot",
    env: ptbotEnv({ ...emulators, pollIntervalMs: POLL_MS }),
  });
  const watcher = new ConversationWatcher(emulators.slack);
  const driver = emulators.slack.driver({ appUrl: ptbot.url });
  try {
    const names = Array.from({ length: CONVERSATIONS }, (_, i) => `flow-${String(i).padStart(4, "0")}`);
    const started = performance.now();
    const outcomes = await Promise.allSettled(
      names.map(async (name, i) => {
        const t0 = performance.now();
        const channel = row.spread ? benchChannel(i) : CHANNEL;
        const { card } = await command(watcher, driver, name, 60_000, channel);
        await approve(driver, card);
        await watcher.reply(card, isReadyText, 120_000);
        return { card, ms: performance.now() - t0 };
      }),
    );
    const elapsed = performance.now() - started;
    // Anything duplicated would follow within a few polls of the last READY.
    await sleep(5 * POLL_MS);
    const done = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [String(o.reason)] : []));
    const creates = emulators.dbx.requestsTo("POST", "/api/2.0/serving-endpoints");
    const perName = new Map<string, number>();
    for (const c of creates) {
      const name = (c.body as { name?: string }).name ?? "";
      perName.set(name, (perName.get(name) ?? 0) + 1);
    }
    const duplicateCreates = [...perName.values()].filter((n) => n > 1).length;
    const readyReplies = done.map(
      (d) => watcher.replies(d.card).filter((s) => isReadyText(s.message.text)).length,
    );
    const duplicateReady = readyReplies.filter((n) => n !== 1).length;
    const each = summarize(done.map((d) => d.ms));
    const met =
      done.length === CONVERSATIONS &&
      duplicateCreates === 0 &&
      duplicateReady === 0 &&
      perName.size === CONVERSATIONS;
    return [
      {
        scenario: row.scenario,
        figures: {
          completed: done.length,
          totalS: round(elapsed / 1000),
          perConversationP50Ms: Math.round(each.p50),
          perConversationP99Ms: Math.round(each.p99),
          creates: creates.length,
          duplicateCreates,
          rateLimitedPosts: emulators.slack.calls("chat.postMessage").filter((c) => c.status === 429).length,
          threadsWithReadyNot1: duplicateReady,
        },
        baseline: null,
        ratio: null,
        target: "all complete; one create per endpoint; one READY per thread",
        met,
        notes:
          `${row.where}; provisioning ${PROVISIONING_MS / 1000} s, poll ${POLL_MS} ms; ptbot in a worker thread` +
          (failures.length > 0 ? `; failures: ${failures.slice(0, 3).join(" | ")}` : ""),
      },
    ];
  } finally {
    watcher.close();
    await ptbot.stop();
    await emulators.close();
  }
}
