/**
 * Approve → create: from the approver's click leaving the driver to (a) the create request arriving at the
 * Databricks emulator and (b) the card being edited (the emulator recording a `chat.update` of it). One conversation
 * at a time, 100 of them, against ptbot in its own worker thread. The target is relative to the bare Bolt app's own
 * sequential ack p99, measured in the same run: an approval should take effect within three bare acks.
 */
import { performance } from "node:perf_hooks";
import type { RecordedRequest } from "../../emulators/databricks/index.js";
import { startHostedApp } from "../app-host.js";
import { approve, ConversationWatcher, command, deployText } from "../conversation.js";
import { startEmulators } from "../emulators.js";
import { CHANNEL, ptbotEnv, REQUESTER } from "../ptbot-env.js";
import type { BenchResult } from "../results.js";
import { round, summarize } from "../stats.js";

const CONVERSATIONS = 100;
const WARM_UP = 10;

export async function approveToCreate(): Promise<BenchResult[]> {
  const arrivals = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const emulators = await startEmulators({
    provisioningMs: 3_600_000,
    onDatabricksRequest: (r: RecordedRequest) => {
      if (r.method !== "POST" || r.path !== "/api/2.0/serving-endpoints") return;
      const name = (r.body as { name?: string }).name ?? "";
      // The log's clock is `performance.timeOrigin + performance.now()`: back to `performance.now()`.
      arrivals.set(name, r.time - performance.timeOrigin);
      waiting.get(name)?.();
    },
  });
  const env = ptbotEnv(emulators);
  const ptbot = await startHostedApp({ kind: "ptbot", env });
  const bare = await startHostedApp({ kind: "bare", env });
  const watcher = new ConversationWatcher(emulators.slack);
  const driver = emulators.slack.driver({ appUrl: ptbot.url });
  const bareDriver = emulators.slack.driver({ appUrl: bare.url });
  const createArrived = (name: string) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no create for ${name}`)), 30_000);
      const done = () => {
        clearTimeout(timer);
        waiting.delete(name);
        resolve(arrivals.get(name) as number);
      };
      if (arrivals.has(name)) done();
      else waiting.set(name, done);
    });
  try {
    const toCreate: number[] = [];
    const toCard: number[] = [];
    const bareAcks: number[] = [];
    for (let i = 0; i < WARM_UP + CONVERSATIONS; i++) {
      const name = `approve-${String(i).padStart(4, "0")}`;
      const { card } = await command(watcher, driver, name);
      const clicked = performance.now();
      const [createdAt, edited] = await Promise.all([
        createArrived(name),
        watcher.edit(card, clicked),
        approve(driver, card),
      ]);
      const bareAck = await bareDriver.slashCommand({
        user: REQUESTER,
        channel: CHANNEL,
        text: deployText(name),
      });
      if (i < WARM_UP) continue;
      toCreate.push(createdAt - clicked);
      toCard.push(edited.at - clicked);
      bareAcks.push(bareAck.ackMs);
    }
    const bareP99 = summarize(bareAcks).p99;
    const limit = bareP99 * 3;
    return [
      ["approve → create request at Databricks", toCreate],
      ["approve → card updated", toCard],
    ].map(([scenario, samples]) => {
      const s = summarize(samples as number[]);
      return {
        scenario: scenario as string,
        figures: { p50: s.p50, p99: s.p99, max: s.max, n: s.n },
        baseline: { bareAckP99: bareP99 },
        ratio: round(s.p99 / limit, 3),
        target: "p99 < 3 × bare Bolt ack p99 (ratio is p99 / that limit)",
        met: s.p99 < limit,
        notes: "ms, one conversation at a time; ptbot and the bare app in worker threads",
      };
    });
  } finally {
    watcher.close();
    await bare.stop();
    await ptbot.stop();
    await emulators.close();
  }
}
