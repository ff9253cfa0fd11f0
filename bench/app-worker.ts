/**
 * A worker thread hosting the app under test (ptbot, or the bare Bolt baseline) on its own event loop, so the
 * emulators and the load generator on the main thread do not queue in front of its work, as they would not in
 * production, where Slack and Databricks are elsewhere. Posts `{ port }` once listening; stops on `"stop"`; answers
 * `"event-loop-delay"` with its event loop's blocked time since the last ask (p99 and max, ms).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { startThreadedPtbot } from "../src/threads/threaded-ptbot.js";
import { startBareBoltApp } from "./bare-bolt-app.js";

export interface AppWorkerData {
  readonly kind: "ptbot" | "bare";
  /** ptbot's environment (see `ptbotEnv`); the bare app reads its secret, token and API URL from it too. */
  readonly env: Readonly<Record<string, string>>;
  /** The lease owner; replicas of one run need different ones. Default "bench". */
  readonly owner?: string;
}

const data = workerData as AppWorkerData;
const port = parentPort;
if (port === null) throw new Error("app-worker.ts runs as a worker thread");

// How long this thread's event loop was blocked: tells whether a slow ack was the app's own doing.
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();

let stop: () => Promise<void>;
if (data.kind === "ptbot") {
  // As `npm start` runs it over HTTP: this thread receives and acks, the core's own thread does the work.
  const running = await startThreadedPtbot({
    config: loadConfig(data.env),
    env: data.env,
    logger: createLogger({ level: "silent" }),
    owner: data.owner ?? "bench",
  });
  stop = () => running.stop();
  port.postMessage({ port: running.port });
} else {
  const bare = await startBareBoltApp({
    signingSecret: data.env.SLACK_SIGNING_SECRET ?? "",
    botToken: data.env.SLACK_BOT_TOKEN ?? "",
    slackApiUrl: data.env.SLACK_API_URL ?? "",
  });
  stop = () => bare.stop();
  port.postMessage({ port: Number(new URL(bare.url).port) });
}
port.on("message", (message: unknown) => {
  if (message === "stop") void stop().then(() => port.postMessage("stopped"));
  if (message === "event-loop-delay") {
    port.postMessage({ p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 });
    delay.reset();
  }
});
