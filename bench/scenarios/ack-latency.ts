/**
 * Slash-command ack latency: the time from sending a signed `/pt deploy …` to its complete HTTP answer, for ptbot and
 * for a bare Bolt app that only acks, at concurrency 1, 50 and 200. Each app runs in its own worker thread (its own
 * event loop): ptbot as `npm start` runs it over HTTP, its receiving thread there and its core on a thread of its own;
 * the emulators and the driver share the main thread. Runs are interleaved (bare, ptbot, ptbot, bare, …)
 * so drift hits both alike. Between runs the bench
 * waits for ptbot to finish the work its acks promised (cards posted), so one run's background work does not land
 * in the next run's numbers, whichever app that run measures. At concurrency 1 each command also waits for its card:
 * every sample is a command alone.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { SlackDriver } from "../../emulators/slack/index.js";
import { startHostedApp } from "../app-host.js";
import { ConversationWatcher, command, deployText } from "../conversation.js";
import { startEmulators } from "../emulators.js";
import { CHANNEL, ptbotEnv, REQUESTER } from "../ptbot-env.js";
import type { BenchResult } from "../results.js";
import { round, summarize } from "../stats.js";

const LEVELS = [
  { concurrency: 1, rounds: 12, perRound: 40 },
  { concurrency: 50, rounds: 8, perRound: 50 },
  { concurrency: 200, rounds: 4, perRound: 200 },
] as const;

let names = 0;
const nextName = () => `ack-${String(++names).padStart(5, "0")}`;

/** One ptbot run: `n` commands, `concurrency` at a time; resolves once every card is posted. */
async function ptbotRun(
  slack: ConversationWatcher,
  driver: SlackDriver,
  n: number,
  concurrency: number,
): Promise<number[]> {
  const samples: number[] = [];
  if (concurrency === 1) {
    for (let i = 0; i < n; i++) samples.push((await command(slack, driver, nextName())).ackMs);
    return samples;
  }
  const results = await Promise.all(
    Array.from({ length: n }, () => command(slack, driver, nextName(), 60_000)),
  );
  return results.map((r) => r.ackMs);
}

async function bareRun(driver: SlackDriver, n: number, concurrency: number): Promise<number[]> {
  const send = async () => {
    const result = await driver.slashCommand({
      user: REQUESTER,
      channel: CHANNEL,
      text: deployText(nextName()),
    });
    if (result.status !== 200) throw new Error(`bare app answered HTTP ${result.status}`);
    return result.ackMs;
  };
  if (concurrency === 1) {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) samples.push(await send());
    return samples;
  }
  return Promise.all(Array.from({ length: n }, send));
}

export async function ackLatency(): Promise<BenchResult[]> {
  // Provisioning never ends here: the cards wait for approval anyway.
  const emulators = await startEmulators({ provisioningMs: 3_600_000 });
  const env = ptbotEnv(emulators);
  const ptbot = await startHostedApp({ kind: "ptbot", env });
  const bare = await startHostedApp({ kind: "bare", env });
  const slack = new ConversationWatcher(emulators.slack);
  const driver = emulators.slack.driver({ appUrl: ptbot.url });
  const bareDriver = emulators.slack.driver({ appUrl: bare.url });
  try {
    // Warm-up: JIT, connection pools, SQLite pages, Bolt's lazy paths, for both.
    await bareRun(bareDriver, 50, 1);
    await ptbotRun(slack, driver, 50, 1);
    await bareRun(bareDriver, 100, 50);
    await ptbotRun(slack, driver, 100, 50);

    const results: BenchResult[] = [];
    // Where a slow ack came from: each app's own event loop, or the main thread (emulators and driver).
    const mainLoop = monitorEventLoopDelay({ resolution: 5 });
    mainLoop.enable();
    for (const level of LEVELS) {
      await ptbot.eventLoopDelay();
      await bare.eventLoopDelay();
      mainLoop.reset();
      const mine: number[] = [];
      const baseline: number[] = [];
      for (let round = 0; round < level.rounds; round++) {
        const order = round % 2 === 0 ? ["bare", "ptbot"] : ["ptbot", "bare"];
        for (const who of order) {
          if (who === "bare")
            baseline.push(...(await bareRun(bareDriver, level.perRound, level.concurrency)));
          else mine.push(...(await ptbotRun(slack, driver, level.perRound, level.concurrency)));
        }
      }
      const p = summarize(mine);
      const b = summarize(baseline);
      const ptbotLoop = await ptbot.eventLoopDelay();
      const bareLoop = await bare.eventLoopDelay();
      const mainLoopMaxMs = round(mainLoop.max / 1e6);
      const ratio = p.p99 / b.p99;
      results.push({
        scenario: `slash-command ack, concurrency ${level.concurrency}`,
        figures: { p50: p.p50, p99: p.p99, max: p.max, n: p.n, loopMaxMs: round(ptbotLoop.maxMs) },
        baseline: { p50: b.p50, p99: b.p99, max: b.max, n: b.n, loopMaxMs: round(bareLoop.maxMs) },
        ratio: round(ratio, 3),
        target: "p99 ≤ 1.2 × bare Bolt p99",
        met: ratio <= 1.2,
        notes:
          "ms; each app in its own worker thread (ptbot's receiving thread; its core on another), emulators and " +
          "driver on the main one (its loop max " +
          `${mainLoopMaxMs} ms); loopMaxMs: the app's receiving thread's longest event-loop block; each /pt deploy names ` +
          "its own endpoint so every ack starts a full request" +
          (level.concurrency === 1 ? "; each command waits for its card before the next" : ""),
      });
    }
    return results;
  } finally {
    slack.close();
    await bare.stop();
    await ptbot.stop();
    await emulators.close();
  }
}
