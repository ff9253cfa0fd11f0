/**
 * ptbot in a child process for the memory scenario, run with `--expose-gc`: configured from the environment like
 * `npm start`, it reports its port, then answers each `sample` message from the parent with its memory after
 * forcing garbage collection (RSS as the median of five samples, so one stray allocation does not decide).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { getHeapSpaceStatistics } from "node:v8";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { startPtbot } from "../src/main.js";

export interface MemorySample {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** V8's young generation as committed: it grows under allocation bursts and is not given back. */
  readonly newSpaceBytes: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");
const send = (message: unknown) => process.send?.(message);

async function sample(): Promise<MemorySample> {
  const rss: number[] = [];
  let usage = process.memoryUsage();
  for (let i = 0; i < 5; i++) {
    gc?.();
    await sleep(50);
    usage = process.memoryUsage();
    rss.push(usage.rss);
  }
  rss.sort((a, b) => a - b);
  const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  return {
    rssBytes: rss[2] ?? 0,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    newSpaceBytes: newSpace?.space_size ?? 0,
  };
}

const config = loadConfig(process.env);
const running = await startPtbot({
  config,
  logger: createLogger({ level: "silent" }),
  owner: "bench-memory",
});
process.on("message", (message: unknown) => {
  if (message === "sample") void sample().then((s) => send({ type: "sample", ...s }));
  if (message === "stop") void running.stop().then(() => process.exit(0));
});
send({ type: "started", port: running.port });
